package sqltable

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accordhq/accord/engine"
)

func TestOpenChecksNamesAgainstSchema(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, tdb *testDB) {
		tdb.createCustomers(t, "{serial}")
		tdb.exec(t, `CREATE TABLE wrong_types (id INTEGER PRIMARY KEY, updated_at INTEGER, note TEXT)`)
		wrongTypes := func(c *Config) {
			c.Table, c.Fields, c.UpstreamID = "wrong_types", map[string]string{engine.FieldCompany: "note"}, ""
		}
		tests := []struct {
			name   string
			change func(*Config)
			key    string
			want   string
		}{
			{"table", func(c *Config) { c.Table = "custmers" },
				"local.table", `local.table: table "custmers" not found`},
			{"field column", func(c *Config) { c.Fields[engine.FieldEmail] = "emial" },
				"local.fields.email", `local.fields.email: column "emial" not found in table "customers"`},
			{"id column", func(c *Config) { c.ID = "ident" },
				"local.id", `local.id: column "ident" not found in table "customers"`},
			{"updated_at column", func(c *Config) { c.UpdatedAt = "modified" },
				"local.updated_at", `local.updated_at: column "modified" not found in table "customers"`},
			{"upstream_id column", func(c *Config) { c.UpstreamID = "ls_id" },
				"local.upstream_id", `local.upstream_id: column "ls_id" not found in table "customers"`},
			{"injection is just a missing name", func(c *Config) { c.Fields[engine.FieldEmail] = `email"; DROP TABLE customers; --` },
				"local.fields.email", `not found in table "customers"`},
			{"numeric updated_at", wrongTypes, "local.updated_at", `local.updated_at: column "updated_at" has type`},
		}
		if tdb.dialect == dialectPostgres {
			tests = append(tests, struct {
				name   string
				change func(*Config)
				key    string
				want   string
			}{"case matters on postgres", func(c *Config) { c.Fields[engine.FieldEmail] = "Email" },
				"local.fields.email", `column "Email" not found in table "customers" (did you mean "email"?)`})
		}
		for _, tt := range tests {
			cfg := baseConfig(tdb)
			tt.change(&cfg)
			tbl, err := Open(context.Background(), cfg)
			if err == nil {
				_ = tbl.Close()
				t.Errorf("%s: Open succeeded", tt.name)
				continue
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: error %q does not contain %q", tt.name, err, tt.want)
			}
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Key != tt.key || !errors.Is(err, engine.ErrInvalid) {
				t.Errorf("%s: error %v: want a *ConfigError with key %s", tt.name, err, tt.key)
			}
		}
		// The injection attempt was never run.
		tdb.queryRow(t, `SELECT count(*) FROM customers`)

		tbl := open(t, baseConfig(tdb))
		if !tbl.HasUpstreamIDColumn() {
			t.Error("HasUpstreamIDColumn = false with lightspeed_id configured")
		}
	})
}

func TestOpenRefusesMissingSQLiteFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "shpo.db")
	cfg := baseConfig(&testDB{dsn: "sqlite:" + path})
	_, err := Open(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "local.dsn: sqlite database") {
		t.Errorf("Open: %v", err)
	}
	if _, statErr := os.Stat(path); !errors.Is(statErr, os.ErrNotExist) {
		t.Errorf("Open created %s", path)
	}
}

func TestOpenReportsEveryBadName(t *testing.T) {
	t.Parallel()
	tdb := newSQLite(t)
	tdb.createCustomers(t, "{serial}")
	cfg := baseConfig(tdb)
	cfg.ID, cfg.Fields[engine.FieldPhone] = "ident", "mobile_no"
	_, err := Open(context.Background(), cfg)
	for _, want := range []string{`local.id: column "ident"`, `local.fields.phone: column "mobile_no"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not contain %q", err, want)
		}
	}
}

func TestOpenPostgresSchemaQualifiedTable(t *testing.T) {
	t.Parallel()
	tdb := newPostgres(t)
	tdb.createCustomers(t, "{serial}")
	var schema string
	if err := tdb.db.QueryRow(`SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	cfg := baseConfig(tdb)
	cfg.Table = schema + ".customers"
	tbl := open(t, cfg)
	if _, err := tbl.Pull(context.Background(), ""); err != nil {
		t.Fatalf("Pull: %v", err)
	}
	cfg.Table = schema + ".custmers"
	if _, err := Open(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), `local.table: table "`+schema+`.custmers" not found`) {
		t.Errorf("Open: %v", err)
	}
}
