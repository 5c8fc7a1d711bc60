package migrations

import (
	"embed"
	"fmt"
	"io/fs"
)

//go:embed postgres/*.sql sqlite/*.sql
var files embed.FS

// Dialects lists the dialects that have migrations.
var Dialects = []string{"postgres", "sqlite"}

// FS returns the migrations of dialect ("postgres" or "sqlite") as a flat
// file system of goose-annotated SQL files named NNNNN_name.sql. Any other
// dialect is an error that names the accepted ones.
func FS(dialect string) (fs.FS, error) {
	switch dialect {
	case "postgres", "sqlite":
		sub, err := fs.Sub(files, dialect)
		if err != nil {
			return nil, fmt.Errorf("migrations: %s: %w", dialect, err)
		}
		return sub, nil
	}
	return nil, fmt.Errorf("migrations: unknown dialect %q (want postgres or sqlite)", dialect)
}
