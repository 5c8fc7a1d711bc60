package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", to create and drop test schemas

	"github.com/accordhq/accord/store"
)

// EnvDatabaseURL names the Postgres server tests use when it is set, e.g.
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
const EnvDatabaseURL = "ACCORD_TEST_DATABASE_URL"

// EnvRequire lists services whose absence fails tests instead of skipping
// them (CI sets "postgres,browser").
const EnvRequire = "ACCORD_TEST_REQUIRE"

// OpenSQLite returns a migrated store in a fresh SQLite file under
// t.TempDir(), closed when the test ends.
func OpenSQLite(t testing.TB) *store.DB {
	t.Helper()
	return openMigrated(t, "sqlite:"+filepath.Join(t.TempDir(), "accord.db"), store.Options{})
}

// SQLiteDSN returns the DSN of a fresh, empty SQLite file under t.TempDir().
func SQLiteDSN(t testing.TB) string {
	t.Helper()
	return "sqlite:" + filepath.Join(t.TempDir(), "accord.db")
}

// OpenPostgres returns a migrated store in a fresh Postgres schema (see
// PostgresDSN), closed when the test ends.
func OpenPostgres(t testing.TB) *store.DB {
	t.Helper()
	return openMigrated(t, PostgresDSN(t), store.Options{})
}

// PostgresDSN creates an empty schema accord_test_<random> on the server
// named by ACCORD_TEST_DATABASE_URL and returns a DSN whose search_path is
// only that schema, so a query that strays from it fails loudly. The schema
// is dropped when the test ends. Without the variable the test is skipped,
// or fails when ACCORD_TEST_REQUIRE contains "postgres".
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvDatabaseURL)
	if base == "" {
		if strings.Contains(os.Getenv(EnvRequire), "postgres") {
			t.Fatalf("%s is not set and %s requires postgres", EnvDatabaseURL, EnvRequire)
		}
		t.Skipf("Postgres tests skipped: set %s (e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)", EnvDatabaseURL)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "accord_test_" + hex.EncodeToString(b)

	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", EnvDatabaseURL, err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
		}
	})

	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvDatabaseURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// openMigrated opens dsn, applies the migrations and closes the store at
// cleanup (cleanups run last-in first-out, so before the schema is dropped).
func openMigrated(t testing.TB, dsn string, opts store.Options) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, opts)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate store: %v", err)
	}
	return db
}
