package store

import (
	"context"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/accordhq/accord/migrations"
)

// MigrationState is one migration and whether it is applied.
type MigrationState struct {
	Version   int64
	Name      string // the file name without the version and extension
	Applied   bool
	AppliedAt time.Time // zero when not applied
}

func (db *DB) provider() (*goose.Provider, error) {
	fsys, err := migrations.FS(db.dialect)
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	if db.dialect == DialectPostgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, db.sqlDB, fsys)
	if err != nil {
		return nil, fmt.Errorf("store: load %s migrations: %w", db.dialect, err)
	}
	return p, nil
}

// Migrate applies the pending migrations in order, each in its own
// transaction.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate %s database: %w", db.dialect, err)
	}
	return nil
}

// MigrationStatus lists every known migration, oldest first.
func (db *DB) MigrationStatus(ctx context.Context) ([]MigrationState, error) {
	p, err := db.provider()
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migration status: %w", err)
	}
	out := make([]MigrationState, 0, len(st))
	for _, s := range st {
		name := strings.TrimSuffix(path.Base(s.Source.Path), path.Ext(s.Source.Path))
		if _, rest, ok := strings.Cut(name, "_"); ok {
			name = rest
		}
		m := MigrationState{Version: s.Source.Version, Name: name, Applied: s.State == goose.StateApplied}
		if m.Applied {
			m.AppliedAt = s.AppliedAt.UTC()
		}
		out = append(out, m)
	}
	return out, nil
}

// SchemaCurrent reports whether every migration is applied, so that serve
// can refuse to start on an old schema.
func (db *DB) SchemaCurrent(ctx context.Context) (bool, error) {
	p, err := db.provider()
	if err != nil {
		return false, err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return false, fmt.Errorf("store: check schema version: %w", err)
	}
	return !pending, nil
}
