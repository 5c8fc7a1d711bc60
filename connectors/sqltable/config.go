package sqltable

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/accordhq/accord/engine"
)

// Defaults applied by Open when the Config leaves a value zero.
const (
	DefaultOverlap  = 2 * time.Minute
	DefaultPageSize = 1000
)

// Config is the local side of a pair: one customers table in the merchant's
// own database. Names are the configuration's (accord.yaml `local:`); they
// are checked against the live schema by Open before any is used in SQL.
type Config struct {
	// DSN is "sqlite:PATH" or "postgres://..." ("postgresql://" too).
	DSN string
	// Table is the table name; on Postgres it may be "schema.table".
	Table string
	// ID is the primary-key column, integer or text.
	ID string
	// UpdatedAt is the column the merchant's application bumps on every
	// change; the change feed is read in its order.
	UpdatedAt string
	// UpstreamID is the optional column that holds the upstream id.
	UpstreamID string
	// Fields maps canonical field names (engine.FieldEmail, "address.city",
	// ...) to columns.
	Fields map[string]string
	// Overlap is how far Rewind moves a cursor back (DefaultOverlap if 0).
	Overlap time.Duration
	// PageSize is the number of rows per Pull (DefaultPageSize if 0).
	PageSize int
	// Now stamps updated_at on Create (time.Now if nil).
	Now func() time.Time
}

// ConfigError is a configuration problem, named by its key in accord.yaml
// ("local.fields.email"). It matches engine.ErrInvalid with errors.Is, so
// callers can treat it as bad configuration (exit code 2).
type ConfigError struct {
	Key     string
	Problem string
}

// Error returns "key: problem".
func (e *ConfigError) Error() string { return e.Key + ": " + e.Problem }

// Is reports whether target is engine.ErrInvalid.
func (e *ConfigError) Is(target error) bool { return target == engine.ErrInvalid }

func configErr(key, format string, args ...any) error {
	return &ConfigError{Key: key, Problem: fmt.Sprintf(format, args...)}
}

// fieldKey is the configuration key of a field mapping.
func fieldKey(field string) string { return "local.fields." + field }

// Validate checks what can be checked without a database: required names,
// known canonical fields, no column mapped twice and the DSN's form. It
// returns every problem found, joined, each a *ConfigError. The DSN itself is
// never quoted in a message because it may hold a password.
func (c Config) Validate() error {
	var errs []error
	if err := checkDSN(c.DSN); err != nil {
		errs = append(errs, err)
	}
	for _, r := range []struct{ key, val string }{
		{"local.table", c.Table}, {"local.id", c.ID}, {"local.updated_at", c.UpdatedAt},
	} {
		if strings.TrimSpace(r.val) == "" {
			errs = append(errs, configErr(r.key, "required"))
		}
	}
	if len(c.Fields) == 0 {
		errs = append(errs, configErr("local.fields", "required: map at least one canonical field to a column"))
	}
	if c.Overlap < 0 {
		errs = append(errs, configErr("local.overlap", "must not be negative"))
	}
	if c.PageSize < 0 {
		errs = append(errs, configErr("local.page_size", "must not be negative"))
	}

	// A column mapped twice would be written twice by Create and make the
	// id or timestamp double as customer data; both are mistakes.
	owner := map[string]string{}
	claim := func(key, col string) {
		switch {
		case col == "":
			return
		case strings.ContainsRune(col, 0):
			errs = append(errs, configErr(key, "column name contains a NUL byte"))
		case owner[col] != "":
			errs = append(errs, configErr(key, "column %q is already mapped by %s", col, owner[col]))
		default:
			owner[col] = key
		}
	}
	claim("local.id", c.ID)
	claim("local.updated_at", c.UpdatedAt)
	claim("local.upstream_id", c.UpstreamID)
	for _, f := range slices.Sorted(maps.Keys(c.Fields)) {
		col := c.Fields[f]
		if !engine.IsDataField(f) {
			errs = append(errs, configErr(fieldKey(f), "unknown canonical field"))
			continue
		}
		if strings.TrimSpace(col) == "" {
			errs = append(errs, configErr(fieldKey(f), "column required"))
			continue
		}
		claim(fieldKey(f), col)
	}
	if strings.ContainsRune(c.Table, 0) {
		errs = append(errs, configErr("local.table", "table name contains a NUL byte"))
	}
	return errors.Join(errs...)
}

func checkDSN(dsn string) error {
	switch {
	case dsn == "":
		return configErr("local.dsn", "required")
	case strings.HasPrefix(dsn, "sqlite:"):
		if strings.TrimPrefix(dsn, "sqlite:") == "" {
			return configErr("local.dsn", `"sqlite:" needs a file path`)
		}
		return nil
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		if _, err := url.Parse(dsn); err != nil {
			return configErr("local.dsn", "not a valid postgres:// URL")
		}
		return nil
	}
	return configErr("local.dsn", `want "sqlite:PATH" or "postgres://..."`)
}

// withDefaults fills the zero values.
func (c Config) withDefaults() Config {
	if c.Overlap == 0 {
		c.Overlap = DefaultOverlap
	}
	if c.PageSize == 0 {
		c.PageSize = DefaultPageSize
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}
