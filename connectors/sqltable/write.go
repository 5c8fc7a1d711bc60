package sqltable

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/accordhq/accord/engine"
)

// Create inserts c and returns the row as stored (read back through
// RETURNING, in the same statement).
//
// The mapped fields are written, an empty value as NULL where the column
// is nullable; the upstream-id column gets c.ExternalRef; updated_at gets
// Now(), so that the row shows up in the next pull. The id comes from the
// database when the id column has a default (serial, identity, SQLite's
// INTEGER PRIMARY KEY); a text id without a default gets a random UUID.
//
// key is unused: a local database has no idempotency keys. An unknown
// outcome is settled by the engine from the next pull, which finds the row
// by its upstream-id column.
//
// Errors are terminal and wrap engine.ErrInvalid, naming the column, when
// the database rejects the row (a constraint or a bad value); they wrap
// engine.ErrUnknownOutcome when the statement may have run (the context
// ended or the connection broke after it was sent); otherwise the statement
// did not run and may be retried.
func (t *Table) Create(ctx context.Context, c engine.Customer, _ string) (engine.Customer, error) {
	if err := ctx.Err(); err != nil {
		return engine.Customer{}, fmt.Errorf("sqltable: create in %s: %w", t.cfg.Table, err)
	}
	if err := t.canNumber(); err != nil {
		return engine.Customer{}, err
	}
	stamp, err := t.stamp(ctx)
	if err != nil {
		return engine.Customer{}, err
	}
	q, args := t.insert(c, stamp)
	rows, err := t.db.QueryContext(ctx, q, args...)
	return t.inserted(rows, err)
}

// canNumber fails, terminally, when new rows cannot get an id.
func (t *Table) canNumber() error {
	if !t.id.hasDefault && t.id.kind == kindInt {
		return engine.Terminal(fmt.Errorf("sqltable: create in %s: %w: %s", t.cfg.Table, engine.ErrInvalid, t.noIDDefault()))
	}
	return nil
}

// insert is the INSERT ... RETURNING statement that creates c with
// updated_at = stamp.
func (t *Table) insert(c engine.Customer, stamp any) (string, []any) {
	var cols, marks []string
	var args []any
	add := func(col column, v any) {
		args = append(args, v)
		cols = append(cols, quoteIdent(col.name))
		marks = append(marks, "$"+strconv.Itoa(len(args)))
	}
	if !t.id.hasDefault {
		add(t.id, newUUID())
	}
	add(t.ts, stamp)
	if t.up != nil {
		add(*t.up, nullable(*t.up, c.ExternalRef))
	}
	for _, m := range t.fields {
		add(m.col, nullable(m.col, c.Field(m.field)))
	}
	return "INSERT INTO " + t.table + " (" + strings.Join(cols, ", ") + ") VALUES (" +
		strings.Join(marks, ", ") + ") RETURNING " + t.selectList, args
}

// inserted reads the row an insert returned (rows, err are its query's).
func (t *Table) inserted(rows *sql.Rows, err error) (engine.Customer, error) {
	vals, err := t.returned(rows, err)
	if err != nil {
		return engine.Customer{}, err
	}
	return t.decodeInserted(vals)
}

// returned reads what an insert's RETURNING gave; an error is the
// statement's, classified by writeError.
func (t *Table) returned(rows *sql.Rows, err error) ([][]any, error) {
	if err != nil {
		return nil, t.writeError("create in "+t.cfg.Table, err)
	}
	vals, err := scanAll(rows)
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, t.writeError("create in "+t.cfg.Table, err)
	}
	return vals, nil
}

// decodeInserted decodes the row an insert returned. The row exists even
// when it cannot be decoded: that is an unknown outcome, to be settled (or
// quarantined) by the next pull.
func (t *Table) decodeInserted(vals [][]any) (engine.Customer, error) {
	op := "create in " + t.cfg.Table
	if len(vals) != 1 {
		return engine.Customer{}, fmt.Errorf("sqltable: %s: %d rows returned: %w", op, len(vals), engine.ErrUnknownOutcome)
	}
	stored, reason := t.decode(vals[0])
	if reason != "" {
		// The row exists but cannot be read back (a trigger rewrote it, say):
		// the next pull quarantines it with the same reason.
		return engine.Customer{}, fmt.Errorf("sqltable: %s: stored row unreadable: %s: %w", op, reason, engine.ErrUnknownOutcome)
	}
	return stored, nil
}

// Validate reports, without I/O, whether c can be inserted: every NOT NULL
// column without a default must get a value. The error wraps
// engine.ErrIncomplete and names each column, and the field mapped to it.
// Columns that no mapping fills make every customer incomplete: the table
// cannot accept inserts from accord until the mapping or the schema changes.
func (t *Table) Validate(c engine.Customer) error {
	var problems []string
	if !t.id.hasDefault && t.id.kind == kindInt {
		problems = append(problems, t.noIDDefault())
	}
	for _, col := range t.required {
		problems = append(problems, fmt.Sprintf("column %q is NOT NULL without a default and no field is mapped to it", col))
	}
	if t.up != nil && t.up.notNull && !t.up.hasDefault && c.ExternalRef == "" {
		problems = append(problems, fmt.Sprintf("column %q (local.upstream_id) is NOT NULL and the customer has no external ref", t.up.name))
	}
	for _, m := range t.fields {
		if m.col.notNull && !m.col.hasDefault && c.Field(m.field) == "" {
			problems = append(problems, fmt.Sprintf("column %q (%s) is NOT NULL and the customer has no %s", m.col.name, fieldKey(m.field), m.field))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("sqltable: %s: %w: %s", t.cfg.Table, engine.ErrIncomplete, strings.Join(problems, "; "))
}

// stamp is the updated_at value of a new row: Now(). On Postgres it is
// truncated to the microsecond the column keeps, so that the stored value
// is the one returned. On SQLite it is text written like the table's newest
// timestamp (see sqliteStamp).
func (t *Table) stamp(ctx context.Context) (any, error) {
	now := t.cfg.Now()
	if t.dialect == dialectPostgres {
		return now.UTC().Truncate(time.Microsecond), nil
	}
	ts := quoteIdent(t.ts.name)
	rows, err := t.query(ctx, "SELECT "+t.tsExpr()+" FROM "+t.table+" WHERE "+ts+" IS NOT NULL ORDER BY "+ts+" DESC LIMIT 1", nil)
	if err != nil {
		return nil, err
	}
	sample := ""
	if len(rows) == 1 {
		sample, _ = rows[0][0].(string)
	}
	return sqliteStamp(now, sample), nil
}

func (t *Table) noIDDefault() string {
	return fmt.Sprintf("column %q (local.id) is an integer without a default, so accord cannot number new rows", t.id.name)
}

// SetExternalRef stores ref in the upstream-id column of row id and touches
// nothing else. In particular updated_at is left alone: the link is
// metadata, and a new timestamp would make the row look changed. (A trigger
// of the merchant's that bumps updated_at on every UPDATE still fires.) An
// empty ref is stored as NULL where the column allows it.
//
// It is a no-op returning nil when no upstream-id column is configured.
// Errors wrap engine.ErrNotFound when no row has that id.
func (t *Table) SetExternalRef(ctx context.Context, id, ref string) error {
	if t.up == nil {
		return nil
	}
	arg, ok := t.idArg(id)
	if !ok {
		return fmt.Errorf("sqltable: set %s of %q: %w", t.up.name, id, engine.ErrNotFound)
	}
	q := "UPDATE " + t.table + " SET " + quoteIdent(t.up.name) + " = $1 WHERE " + quoteIdent(t.id.name) + " = $2"
	res, err := t.db.ExecContext(ctx, q, nullable(*t.up, ref), arg)
	if err != nil {
		return t.writeError(fmt.Sprintf("set %s of %q", t.up.name, id), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqltable: set %s of %q: %w", t.up.name, id, err)
	}
	if n == 0 {
		return fmt.Errorf("sqltable: set %s of %q: %w", t.up.name, id, engine.ErrNotFound)
	}
	return nil
}

// nullable is the value written for v: NULL for "" where col allows it,
// because an empty string and a missing value mean the same to accord and
// NULL is what the merchant's application most likely uses.
func nullable(col column, v string) any {
	if v == "" && !col.notNull {
		return nil
	}
	return v
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
