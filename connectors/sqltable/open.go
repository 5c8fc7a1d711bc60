package sqltable

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/accordhq/accord/engine"
)

// Table is the local side of a pair. It implements engine.Connector,
// engine.Rewinder and engine.RefWriter, and is safe for concurrent use.
type Table struct {
	cfg     Config
	dialect dialect
	gdb     *gorm.DB
	// db runs the data statements. They are built here from names checked
	// against the schema, with the dialect's own placeholders, and their
	// errors stay the driver's: gorm's SQLite error translation drops the
	// constraint message that names the column.
	db *sql.DB

	table  string // quoted
	id, ts column
	up     *column // nil without an upstream-id column
	fields []mapping
	// required lists the NOT NULL columns without a default that Create
	// cannot fill: no mapping, so every insert would fail.
	required []string

	selectList string   // id, updated_at, upstream id, mapped fields, in that order
	rawKeys    [][]byte // the select list's column names as JSON strings followed by ':'
}

// mapping is one canonical field and the column it lives in.
type mapping struct {
	field string
	col   column
}

var (
	_ engine.Connector = (*Table)(nil)
	_ engine.Rewinder  = (*Table)(nil)
	_ engine.RefWriter = (*Table)(nil)
)

// Open validates cfg, connects, and checks the table and every configured
// column against the live schema before any of them is used in SQL. A bad
// name is a *ConfigError naming the key and the name
// (`local.fields.email: column "emial" not found in table "customers"`);
// all such problems are returned together.
func Open(ctx context.Context, cfg Config) (*Table, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	var dial gorm.Dialector
	d := dialectPostgres
	if path, ok := strings.CutPrefix(cfg.DSN, "sqlite:"); ok {
		// SQLite creates a missing file: a mistyped path would leave an
		// empty database behind and report a missing table instead.
		if file, _, _ := strings.Cut(path, "?"); !strings.HasPrefix(file, "file:") && file != ":memory:" {
			if _, err := os.Stat(file); err != nil {
				return nil, configErr("local.dsn", "sqlite database %q not found", file)
			}
		}
		d = dialectSQLite
		dial = sqlite.Open(sqliteDSN(path))
	} else {
		dial = postgres.Open(cfg.DSN)
	}
	gdb, err := gorm.Open(dial, &gorm.Config{
		Logger:                 logger.Default.LogMode(logger.Silent),
		TranslateError:         true,
		SkipDefaultTransaction: true,
	})
	if err != nil {
		// The DSN is not quoted: it may hold a password.
		return nil, fmt.Errorf("sqltable: connect to local database: %w", err)
	}
	db, err := gdb.DB()
	if err != nil {
		return nil, fmt.Errorf("sqltable: connect to local database: %w", err)
	}
	t := &Table{cfg: cfg, dialect: d, gdb: gdb, db: db, table: quoteTable(cfg.Table, d)}
	if err := t.resolve(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return t, nil
}

// sqliteDSN adds the pragmas every connection needs: a busy timeout so that
// the merchant's application holding a write lock delays accord instead of
// failing it, and WAL so that accord's reads do not block their writes.
func sqliteDSN(path string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)"
}

// Close closes the database connections.
func (t *Table) Close() error {
	if err := t.db.Close(); err != nil {
		return fmt.Errorf("sqltable: close: %w", err)
	}
	return nil
}

// HasUpstreamIDColumn reports whether an upstream-id column is configured.
func (t *Table) HasUpstreamIDColumn() bool { return t.up != nil }

// resolve checks every configured name against the live schema and records
// each column's type.
func (t *Table) resolve(ctx context.Context) error {
	ti, found, err := loadTable(ctx, t.gdb, t.dialect, t.cfg.Table)
	if err != nil {
		return err
	}
	if !found {
		return configErr("local.table", "table %q not found", t.cfg.Table)
	}
	var errs []error
	get := func(key, name string) column {
		c, ok := ti.find(name, t.dialect)
		if !ok {
			msg := fmt.Sprintf("column %q not found in table %q", name, t.cfg.Table)
			if s := ti.similar(name); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			errs = append(errs, &ConfigError{Key: key, Problem: msg})
		}
		return c
	}
	t.id = get("local.id", t.cfg.ID)
	t.ts = get("local.updated_at", t.cfg.UpdatedAt)
	if t.cfg.UpstreamID != "" {
		up := get("local.upstream_id", t.cfg.UpstreamID)
		t.up = &up
	}
	for _, f := range slices.Sorted(maps.Keys(t.cfg.Fields)) {
		t.fields = append(t.fields, mapping{field: f, col: get(fieldKey(f), t.cfg.Fields[f])})
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if err := t.checkTypes(); err != nil {
		return err
	}

	used := map[string]bool{t.id.name: true, t.ts.name: true}
	cols := []string{quoteIdent(t.id.name), t.tsExpr()}
	if t.up != nil {
		used[t.up.name] = true
		cols = append(cols, quoteIdent(t.up.name))
	}
	for _, m := range t.fields {
		used[m.col.name] = true
		cols = append(cols, quoteIdent(m.col.name))
	}
	t.selectList = strings.Join(cols, ", ")
	names := []string{t.id.name, t.ts.name}
	if t.up != nil {
		names = append(names, t.up.name)
	}
	for _, m := range t.fields {
		names = append(names, m.col.name)
	}
	for _, n := range names {
		t.rawKeys = append(t.rawKeys, append(appendJSONString(nil, n), ':'))
	}
	for _, c := range ti.columns {
		if c.notNull && !c.hasDefault && !used[c.name] {
			t.required = append(t.required, c.name)
		}
	}
	return nil
}

// checkTypes rejects id and timestamp columns whose values accord cannot
// order: the change feed depends on both.
func (t *Table) checkTypes() error {
	var errs []error
	switch {
	case t.dialect == dialectPostgres && t.ts.kind != kindTime:
		errs = append(errs, configErr("local.updated_at", "column %q has type %s; want timestamp or timestamptz", t.ts.name, t.ts.typ))
	case t.dialect == dialectSQLite && (t.ts.kind == kindInt || t.ts.kind == kindNumber):
		errs = append(errs, configErr("local.updated_at", "column %q has type %s; want text timestamps (DATETIME, TIMESTAMP or TEXT)", t.ts.name, t.ts.typ))
	}
	if t.dialect == dialectPostgres && t.id.kind != kindInt && t.id.kind != kindText {
		errs = append(errs, configErr("local.id", "column %q has type %s; want an integer, text or uuid column", t.id.name, t.id.typ))
	}
	return errors.Join(errs...)
}

// tsExpr is the select-list expression of the timestamp column. On SQLite
// the driver turns text in a DATETIME column into time.Time, which would
// lose the stored text the cursor must compare against; unary plus is a
// no-op on the value that hides the declared type from the driver.
func (t *Table) tsExpr() string {
	if t.dialect == dialectSQLite {
		return "+" + quoteIdent(t.ts.name)
	}
	return quoteIdent(t.ts.name)
}
