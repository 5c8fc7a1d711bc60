package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

func (a *app) runCommand() *cobra.Command {
	var (
		cfgPath, pair   string
		dryRun, jsonOut bool
	)
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run one two-way reconciliation of every pair, or of one",
		Long: `run pulls both sides of each pair since the last run, matches what changed,
and applies the plan: creating unmatched customers on the other side and
recording links, suggestions, duplicates and conflicts for review. It never
overwrites a linked customer.`,
		Args: maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cfgPath, a.getenv)
			if err != nil {
				return err
			}
			pairs := cfg.Pairs
			if pair != "" {
				p, ok := cfg.pair(pair)
				if !ok {
					return &usageError{fmt.Errorf("--pair %q: no such pair in %s", pair, cfgPath)}
				}
				pairs = []PairConfig{p}
			}
			ctx := cmd.Context()
			log := slog.New(withRunID(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
			db, err := openStore(ctx, cfg.Database, log)
			if err != nil {
				return err
			}
			defer db.Close()
			var failed []error
			for _, p := range pairs {
				rt, err := buildPair(ctx, cfg, p, db, pairOptions{logger: log})
				if err != nil {
					return err
				}
				_, err = a.runPair(ctx, rt, db, engine.RunOptions{Trigger: "cli", DryRun: dryRun}, jsonOut)
				rt.Close()
				if err != nil {
					failed = append(failed, fmt.Errorf("pair %s: %w", p.Name, err))
				}
			}
			return errors.Join(failed...)
		},
	}
	cmd.Flags().StringVar(&cfgPath, "config", "accord.yaml", "configuration file")
	cmd.Flags().StringVar(&pair, "pair", "", "run only this pair")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "pull and match, but hold every write for approval")
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print the run summary as one JSON object")
	return cmd
}

// runPair runs one pair with progress on stderr and its summary on stdout.
func (a *app) runPair(ctx context.Context, rt *pairRuntime, db *store.DB, opts engine.RunOptions, jsonOut bool) (engine.Run, error) {
	pr := &progressReporter{w: a.stderr, terminal: isTerminal(a.stderr)}
	rt.rec.Progress = pr.report
	run, err := rt.rec.Run(ctx, opts)
	pr.finishStage()
	if run.ID == 0 {
		return run, err // the run never opened (a lock held, the store down)
	}
	bg := context.WithoutCancel(ctx)
	outbox, cerr := db.WriteCounts(bg, rt.cfg.Name)
	if cerr != nil {
		err = errors.Join(err, cerr)
	}
	work, werr := loadOpenWork(bg, db, rt.cfg.Name, outbox)
	if werr != nil {
		err = errors.Join(err, werr)
	}
	s := newRunSummary(run, outbox, work)
	if jsonOut {
		if werr := s.writeJSON(a.stdout); werr != nil {
			return run, errors.Join(err, werr)
		}
	} else {
		s.writeText(a.stdout)
	}
	return run, err
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
