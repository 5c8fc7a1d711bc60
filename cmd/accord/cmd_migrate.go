package main

import (
	"fmt"
	"log/slog"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/accordhq/accord/store"
)

func (a *app) migrateCommand() *cobra.Command {
	var cfgPath, database string
	cmd := &cobra.Command{
		Use:   "migrate [up|status]",
		Short: "Apply the store's schema migrations, or show their status",
		Args:  maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			action := "up"
			if len(args) == 1 {
				action = args[0]
			}
			if action != "up" && action != "status" {
				return &usageError{fmt.Errorf("unknown action %q (up or status)", action)}
			}
			dsn, err := a.databaseDSN(cfgPath, database)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			db, err := store.Open(ctx, dsn, store.Options{Logger: slog.New(slog.NewTextHandler(a.stderr, nil))})
			if err != nil {
				return fmt.Errorf("open store: %w", err)
			}
			defer db.Close()
			if action == "up" {
				if err := db.Migrate(ctx); err != nil {
					return fmt.Errorf("migrate: %w", err)
				}
			}
			states, err := db.MigrationStatus(ctx)
			if err != nil {
				return fmt.Errorf("migration status: %w", err)
			}
			tw := tabwriter.NewWriter(a.stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "VERSION\tNAME\tAPPLIED")
			for _, s := range states {
				applied := "pending"
				if s.Applied {
					applied = s.AppliedAt.UTC().Format("2006-01-02 15:04:05 UTC")
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\n", s.Version, s.Name, applied)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&cfgPath, "config", "accord.yaml", "configuration file")
	cmd.Flags().StringVar(&database, "database", "", "store DSN (overrides the configuration's database)")
	return cmd
}

// databaseDSN is the store DSN from --database, else ACCORD_DATABASE, else
// the configuration file.
func (a *app) databaseDSN(cfgPath, flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if dsn := a.getenv("ACCORD_DATABASE"); dsn != "" {
		return dsn, nil
	}
	cfg, err := loadConfig(cfgPath, a.getenv)
	if err != nil {
		return "", err
	}
	return cfg.Database, nil
}
