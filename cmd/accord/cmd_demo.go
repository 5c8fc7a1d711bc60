package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/accordhq/accord/connectors/lightspeed/sim"
	"github.com/accordhq/accord/engine"
)

const demoToken = "demo-token"

func (a *app) demoCommand() *cobra.Command {
	var (
		customers int
		dir, addr string
		noServe   bool
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Reconcile a sample shop with a simulated X-Series account, no account or server needed",
		Long: `demo creates a sample shop database (SQLite) and starts an X-Series simulator
in-process with overlapping customers: shared emails, shared account codes,
near-duplicates, conflicting phones, customers on one side only. It runs one
two-way reconciliation, prints what happened, and writes exports of the links
and of everything waiting for review. Then it serves the dashboard on --addr
and prints its URL and a login, until Ctrl-C; --no-serve exits after the run.`,
		Args: maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if customers < 50 || customers > 200000 {
				return &usageError{fmt.Errorf("--customers: %d is outside 50..200000", customers)}
			}
			return a.demo(cmd.Context(), customers, dir, addr, noServe)
		},
	}
	cmd.Flags().IntVar(&customers, "customers", 500, "customers per side")
	cmd.Flags().StringVar(&dir, "dir", "", "directory for the demo's databases and exports (default: a new temporary directory)")
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "where the dashboard listens (127.0.0.1:0 picks a free port)")
	cmd.Flags().BoolVar(&noServe, "no-serve", false, "exit after the run instead of serving the dashboard")
	return cmd
}

func (a *app) demo(ctx context.Context, customers int, dir, addr string, noServe bool) error {
	dir, err := demoDir(dir)
	if err != nil {
		return err
	}
	data := buildDemoData(customers)
	shop := filepath.Join(dir, "shop.db")
	if err := writeDemoShop(ctx, shop, data.Local, time.Now()); err != nil {
		return err
	}
	upJSON, err := json.Marshal(data.Upstream)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "xseries.json"), upJSON, 0o644); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	srv, err := sim.New(sim.Options{Token: demoToken, Seed: 1})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := srv.Load(bytes.NewReader(upJSON)); err != nil {
		return fmt.Errorf("demo: load the simulator: %w", err)
	}
	simCtx, stopSim := context.WithCancel(ctx)
	defer stopSim()
	baseURL := make(chan string, 1)
	simDone := make(chan error, 1)
	go func() {
		simDone <- serveUntilDone(simCtx, "127.0.0.1:0", srv, func(base string) { baseURL <- base })
	}()
	var base string
	select {
	case base = <-baseURL:
	case err := <-simDone:
		return fmt.Errorf("demo: start the simulator: %w", err)
	}

	cfg := demoConfig(dir, shop, base)
	if err := writeYAML(filepath.Join(dir, "accord.yaml"), cfg); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "accord demo in %s\n", dir)
	fmt.Fprintf(a.stdout, "A sample shop (%d customers) and an X-Series simulator (%d customers) at %s.\n",
		len(data.Local), len(data.Upstream), base)
	fmt.Fprintln(a.stdout, "The data holds:")
	for _, line := range data.Contents {
		fmt.Fprintf(a.stdout, "  - %s\n", line)
	}
	fmt.Fprintln(a.stdout)

	log := slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	db, err := openStore(ctx, cfg.Database, log)
	if err != nil {
		return err
	}
	defer db.Close()
	opts := pairOptions{logger: log, settleDelay: 200 * time.Millisecond}
	rt, err := buildPair(ctx, cfg, cfg.Pairs[0], db, opts)
	if err != nil {
		return err
	}
	defer rt.Close()
	run, err := a.runPair(ctx, rt, db, engine.RunOptions{Trigger: "demo"}, false)
	if err != nil {
		return err
	}
	files, err := exportAll(ctx, db, cfg.Pairs[0].Name, filepath.Join(dir, "exports"))
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "\nRun %d is recorded in %s. What waits for review, and every link with its evidence, is exported to:\n", run.ID, cfg.Database)
	for _, f := range files {
		fmt.Fprintf(a.stdout, "  %s\n", f)
	}
	if noServe {
		return nil
	}
	return a.serveDemo(ctx, demoServe{cfg: cfg, db: db, rt: rt, opts: opts, addr: addr, simURL: base, shop: shop,
		cfgPath: filepath.Join(dir, "accord.yaml"), log: log})
}

func demoDir(dir string) (string, error) {
	if dir == "" {
		d, err := os.MkdirTemp("", "accord-demo-")
		if err != nil {
			return "", fmt.Errorf("demo: %w", err)
		}
		return d, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("demo: --dir: %w", err)
	}
	for _, name := range []string{"shop.db", "accord.db"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return "", &usageError{fmt.Errorf("--dir %s already holds a demo (%s); choose an empty directory", dir, name)}
		}
	}
	return filepath.Abs(dir)
}

func demoConfig(dir, shop, base string) Config {
	cfg := Config{
		Database: "sqlite:" + filepath.Join(dir, "accord.db"),
		Pairs: []PairConfig{{
			Name: "main",
			Local: LocalConfig{Type: "sqltable", DSN: "sqlite:" + shop, Table: "customers", UpstreamID: "lightspeed_id",
				Fields: map[string]string{engine.FieldEmail: "email", engine.FieldFirstName: "first_name",
					engine.FieldLastName: "last_name", engine.FieldPhone: "phone", engine.FieldAccountCode: "account_no",
					engine.FieldCompany: "company", engine.FieldCity: "city", engine.FieldPostcode: "postcode",
					engine.FieldBirthday: "birthday"}},
			Upstream: UpstreamConfig{Type: "lightspeed", BaseURL: base, Token: demoToken},
		}},
	}
	cfg.defaults()
	return cfg
}

func writeYAML(path string, v any) error {
	data, err := yaml.Marshal(v)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
