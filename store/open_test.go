package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/store/storetest"
)

func TestOpenRejectsUnknownDSN(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{"mysql://root@localhost/accord", "accord.db", "sqlite:", "postgres://u:hunter2@[::1"} {
		_, err := store.Open(context.Background(), dsn, store.Options{})
		if !errors.Is(err, engine.ErrInvalid) {
			t.Fatalf("Open(%q) = %v, want an error wrapping ErrInvalid", dsn, err)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("Open(%q) error leaks the password: %v", dsn, err)
		}
	}
	_, err := store.Open(context.Background(), "mysql://x", store.Options{})
	for _, form := range []string{"sqlite:PATH", "postgres://", "postgresql://"} {
		if !strings.Contains(err.Error(), form) {
			t.Fatalf("error %q does not name the accepted form %s", err, form)
		}
	}
}

func TestSchemaNotCurrentBeforeMigrate(t *testing.T) {
	t.Parallel()
	db, err := store.Open(context.Background(), storetest.SQLiteDSN(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cur, err := db.SchemaCurrent(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if cur {
		t.Fatal("an empty database reports a current schema")
	}
	st, err := db.MigrationStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(st) == 0 || st[0].Applied {
		t.Fatalf("status of an empty database = %+v, want pending migrations", st)
	}
	if db.Dialect() != store.DialectSQLite {
		t.Fatalf("dialect = %q", db.Dialect())
	}
}
