package migrations_test

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/accordhq/accord/migrations"
)

var versioned = regexp.MustCompile(`^(\d{5})_[a-z0-9_]+\.sql$`)

// versions returns the version prefixes of a dialect's files, checking that
// each file is goose-annotated in both directions.
func versions(t *testing.T, dialect string) []string {
	t.Helper()
	fsys, err := migrations.FS(dialect)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	var vs []string
	for _, e := range entries {
		m := versioned.FindStringSubmatch(e.Name())
		if m == nil {
			t.Errorf("%s/%s: name is not NNNNN_name.sql", dialect, e.Name())
			continue
		}
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, ann := range []string{"-- +goose Up", "-- +goose Down"} {
			if !strings.Contains(string(b), ann) {
				t.Errorf("%s/%s: missing %q", dialect, e.Name(), ann)
			}
		}
		vs = append(vs, m[1])
	}
	return vs
}

func TestDialectsHaveTheSameContiguousVersions(t *testing.T) {
	t.Parallel()
	pg, lite := versions(t, "postgres"), versions(t, "sqlite")
	if len(pg) == 0 {
		t.Fatal("no postgres migrations")
	}
	if !slices.Equal(pg, lite) {
		t.Fatalf("postgres versions %v, sqlite versions %v: they must match", pg, lite)
	}
	for i, v := range pg {
		if want := fmt.Sprintf("%05d", i+1); v != want {
			t.Fatalf("version %s at position %d: versions must be contiguous from 00001", v, i)
		}
	}
}

func TestUnknownDialect(t *testing.T) {
	t.Parallel()
	_, err := migrations.FS("mysql")
	if err == nil || !strings.Contains(err.Error(), "postgres or sqlite") {
		t.Fatalf("FS(mysql) = %v, want an error naming the accepted dialects", err)
	}
}
