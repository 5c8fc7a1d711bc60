package sqltable

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

type dialect int

const (
	dialectSQLite dialect = iota + 1
	dialectPostgres
)

// nullsFirst reports where the dialect sorts NULLs in an ascending ORDER BY
// (and in a default index): first on SQLite, last on Postgres. The keyset
// predicates follow the dialect's own order so that they match its indexes.
func (d dialect) nullsFirst() bool { return d == dialectSQLite }

// kind is how accord treats a column's values.
type kind int

const (
	kindOther  kind = iota
	kindInt         // compared and bound as integers
	kindText        // text, varchar, uuid: compared in the column's collation
	kindTime        // Postgres timestamp/timestamptz; SQLite DATE/TIME declared types
	kindNumber      // SQLite REAL affinity
)

// column is what Open learned about one column from the live schema.
type column struct {
	name       string // as spelled in the schema; only this is ever quoted into SQL
	typ        string // declared type, lower case
	kind       kind
	notNull    bool
	hasDefault bool // a default, serial, identity, generated or rowid alias: the database fills it
}

// tableInfo is the live shape of the configured table.
type tableInfo struct {
	columns []column
}

// find returns the column named name. SQLite names are case-insensitive;
// Postgres names are exact, because Open always quotes them.
func (ti tableInfo) find(name string, d dialect) (column, bool) {
	for _, c := range ti.columns {
		if c.name == name || d == dialectSQLite && strings.EqualFold(c.name, name) {
			return c, true
		}
	}
	return column{}, false
}

// similar returns a column whose name differs from name only in case, for
// a hint in the error message.
func (ti tableInfo) similar(name string) string {
	for _, c := range ti.columns {
		if strings.EqualFold(c.name, name) {
			return c.name
		}
	}
	return ""
}

// quoteIdent quotes one identifier for both dialects: double quotes, with
// embedded double quotes doubled.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// quoteTable quotes the configured table name. On Postgres "schema.table"
// names a table in another schema; SQLite takes the name as a whole.
func quoteTable(name string, d dialect) string {
	if d == dialectPostgres {
		if schema, table, ok := strings.Cut(name, "."); ok {
			return quoteIdent(schema) + "." + quoteIdent(table)
		}
	}
	return quoteIdent(name)
}

// loadTable reads the table's columns; found is false when there is no
// such table (or view).
func loadTable(ctx context.Context, db *gorm.DB, d dialect, table string) (ti tableInfo, found bool, err error) {
	if d == dialectPostgres {
		return loadPostgres(ctx, db, table)
	}
	return loadSQLite(ctx, db, table)
}

func loadPostgres(ctx context.Context, db *gorm.DB, table string) (tableInfo, bool, error) {
	// to_regclass resolves the quoted name through search_path exactly as the
	// later statements will, and takes it as a parameter, not as SQL.
	name := quoteTable(table, dialectPostgres)
	var found bool
	if err := db.WithContext(ctx).Raw(`SELECT to_regclass(?) IS NOT NULL`, name).Scan(&found).Error; err != nil {
		return tableInfo{}, false, fmt.Errorf("sqltable: look up table: %w", err)
	}
	if !found {
		return tableInfo{}, false, nil
	}
	var rows []struct {
		Name       string
		Typ        string
		Base       string
		NotNull    bool
		HasDefault bool
	}
	err := db.WithContext(ctx).Raw(`
		SELECT a.attname AS name,
		       format_type(a.atttypid, a.atttypmod) AS typ,
		       CASE WHEN t.typtype = 'd' THEN bt.typname ELSE t.typname END AS base,
		       a.attnotnull AS not_null,
		       (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '') AS has_default
		FROM pg_attribute a
		JOIN pg_type t ON t.oid = a.atttypid
		LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
		WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped
		ORDER BY a.attnum`, name).Scan(&rows).Error
	if err != nil {
		return tableInfo{}, false, fmt.Errorf("sqltable: read columns: %w", err)
	}
	var ti tableInfo
	for _, r := range rows {
		k := kindOther
		switch r.Base {
		case "int2", "int4", "int8":
			k = kindInt
		case "text", "varchar", "bpchar", "uuid", "citext", "name":
			k = kindText
		case "timestamp", "timestamptz":
			k = kindTime
		}
		ti.columns = append(ti.columns, column{
			name: r.Name, typ: r.Typ, kind: k, notNull: r.NotNull, hasDefault: r.HasDefault,
		})
	}
	return ti, true, nil
}

func loadSQLite(ctx context.Context, db *gorm.DB, table string) (tableInfo, bool, error) {
	var master []struct{ Name, SQL string }
	err := db.WithContext(ctx).Raw(`SELECT name, coalesce(sql, '') AS sql FROM sqlite_master
		WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE`, table).Scan(&master).Error
	if err != nil {
		return tableInfo{}, false, fmt.Errorf("sqltable: look up table: %w", err)
	}
	if len(master) == 0 {
		return tableInfo{}, false, nil
	}
	var rows []struct {
		Name    string
		Typ     string
		NotNull bool
		Dflt    *string
		PK      int
		Hidden  int
	}
	// table_xinfo, unlike table_info, lists generated columns (hidden 2, 3),
	// which can be read but never written.
	err = db.WithContext(ctx).Raw(`SELECT name, type AS typ, "notnull" AS not_null, dflt_value AS dflt,
		pk, hidden FROM pragma_table_xinfo(?) WHERE hidden <> 1 ORDER BY cid`, master[0].Name).Scan(&rows).Error
	if err != nil {
		return tableInfo{}, false, fmt.Errorf("sqltable: read columns: %w", err)
	}
	pks := 0
	for _, r := range rows {
		if r.PK > 0 {
			pks++
		}
	}
	withoutRowid := strings.Contains(strings.ToUpper(master[0].SQL), "WITHOUT ROWID")
	var ti tableInfo
	for _, r := range rows {
		typ := strings.ToLower(r.Typ)
		// A lone INTEGER PRIMARY KEY is the rowid: SQLite assigns it.
		rowid := r.PK > 0 && pks == 1 && typ == "integer" && !withoutRowid
		ti.columns = append(ti.columns, column{
			name: r.Name, typ: typ, kind: sqliteKind(typ),
			notNull: r.NotNull || rowid, hasDefault: r.Dflt != nil || rowid || r.Hidden >= 2,
		})
	}
	return ti, true, nil
}

// sqliteKind follows SQLite's type-affinity rules (§3.1 of "Datatypes In
// SQLite"), with DATE and TIME named apart for the timestamp check.
func sqliteKind(typ string) kind {
	switch {
	case strings.Contains(typ, "int"):
		return kindInt
	case strings.Contains(typ, "char"), strings.Contains(typ, "clob"), strings.Contains(typ, "text"):
		return kindText
	case strings.Contains(typ, "real"), strings.Contains(typ, "floa"), strings.Contains(typ, "doub"):
		return kindNumber
	case strings.Contains(typ, "date"), strings.Contains(typ, "time"):
		return kindTime
	}
	return kindOther
}
