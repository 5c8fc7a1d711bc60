package main

import (
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"
)

func (a *app) exportCommand() *cobra.Command {
	var cfgPath, pair, format string
	cmd := &cobra.Command{
		Use:   "export links|suggestions|conflicts|duplicates|runs",
		Short: "Write links, review items or run history as CSV or JSON to stdout",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "csv" && format != "json" {
				return &usageError{fmt.Errorf("--format %q: csv or json", format)}
			}
			cfg, err := loadConfig(cfgPath, a.getenv)
			if err != nil {
				return err
			}
			if pair != "" {
				if _, ok := cfg.pair(pair); !ok {
					return &usageError{fmt.Errorf("--pair %q: no such pair in %s", pair, cfgPath)}
				}
			}
			ctx := cmd.Context()
			db, err := openStore(ctx, cfg.Database, slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
			if err != nil {
				return err
			}
			defer db.Close()
			e, err := newExporter(db, args[0], pair)
			if err != nil {
				return err
			}
			return e.write(ctx, a.stdout, format)
		},
	}
	cmd.Flags().StringVar(&cfgPath, "config", "accord.yaml", "configuration file")
	cmd.Flags().StringVar(&pair, "pair", "", "only this pair (default: every pair)")
	cmd.Flags().StringVar(&format, "format", "csv", "csv or json")
	return cmd
}
