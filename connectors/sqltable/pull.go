package sqltable

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/accordhq/accord/engine"
)

// Pull reads the next page of rows in (updated_at, id) order after cursor
// ("" reads from the beginning), PageSize rows at a time. Rows whose
// updated_at is NULL come first, in id order, so that they are quarantined
// on the first full read rather than skipped. A row that cannot be read is
// returned in Page.Bad with a reason naming the column; the page goes on
// and the cursor moves past it.
//
// Page.Cursor is the last row's position, or "" when the page is empty.
// Page.Done is true when the page is short.
func (t *Table) Pull(ctx context.Context, cursor string) (engine.Page, error) {
	pos, err := decodeCursor(cursor, t.dialect)
	if err != nil {
		return engine.Page{}, cursorError(err)
	}
	limit := t.cfg.PageSize
	var steps []step
	if pos == nil || pos.nullTS {
		if s, ok := t.nullPhase(pos); ok {
			steps = append(steps, s)
		}
		pos = nil
	}
	steps = append(steps, t.mainSteps(pos)...)
	var rows [][]any
	for _, s := range steps {
		if len(rows) >= limit {
			break
		}
		more, err := t.query(ctx, t.selectWhere(s, limit-len(rows)), s.args)
		if err != nil {
			return engine.Page{}, err
		}
		rows = append(rows, more...)
	}

	page := engine.Page{Done: len(rows) < limit}
	// The steps are separate statements, so a row updated between two of
	// them can be read twice; the page keeps its later state only, because
	// a store may upsert a page in one statement.
	at := make(map[string]int, len(rows))
	for _, vals := range rows {
		c, reason := t.decode(vals)
		if reason != "" {
			page.Bad = append(page.Bad, engine.Quarantined{ID: c.ID, Reason: reason, Raw: c.Raw})
			continue
		}
		if i, seen := at[c.ID]; seen {
			page.Customers[i] = c
			continue
		}
		at[c.ID] = len(page.Customers)
		page.Customers = append(page.Customers, c)
	}
	if n := len(rows); n > 0 {
		last := rows[n-1]
		page.Cursor = encodeCursor(position{nullTS: last[1] == nil, ts: last[1], hasID: true, id: last[0]})
	}
	return page, nil
}

// Get reads the customer with the given id. Errors wrap engine.ErrNotFound
// when there is no such row, and engine.ErrInvalid when the row cannot be
// read.
func (t *Table) Get(ctx context.Context, id string) (engine.Customer, error) {
	arg, ok := t.idArg(id)
	if !ok {
		return engine.Customer{}, fmt.Errorf("sqltable: get %q: %w", id, engine.ErrNotFound)
	}
	q := "SELECT " + t.selectList + " FROM " + t.table + " WHERE " + quoteIdent(t.id.name) + " = $1 LIMIT 1"
	rows, err := t.query(ctx, q, []any{arg})
	if isBadValue(err) { // "x" for a uuid column: no such row can exist
		return engine.Customer{}, fmt.Errorf("sqltable: get %q: %w", id, engine.ErrNotFound)
	}
	if err != nil {
		return engine.Customer{}, err
	}
	if len(rows) == 0 {
		return engine.Customer{}, fmt.Errorf("sqltable: get %q: %w", id, engine.ErrNotFound)
	}
	c, reason := t.decode(rows[0])
	if reason != "" {
		return engine.Customer{}, fmt.Errorf("sqltable: get %q: %s: %w", id, reason, engine.ErrInvalid)
	}
	return c, nil
}

// idArg converts an id to the type of the id column; ok is false when an
// integer column is asked for a non-integer id, which cannot exist.
func (t *Table) idArg(id string) (any, bool) {
	if t.id.kind != kindInt {
		return id, true
	}
	n, err := strconv.ParseInt(id, 10, 64)
	return n, err == nil
}

// step is one SELECT of a page: its rows all sort after the previous
// step's, so a page is the steps' results in order, up to PageSize rows.
type step struct {
	where, order string
	args         []any
}

// nullPhase selects the rows without a timestamp, in id order, after pos
// (nil: from the first). ok is false when none can follow pos.
func (t *Table) nullPhase(pos *position) (s step, ok bool) {
	id := quoteIdent(t.id.name)
	s = step{where: quoteIdent(t.ts.name) + " IS NULL", order: id}
	if pos == nil {
		return s, true
	}
	switch {
	case pos.id != nil && t.dialect.nullsFirst():
		s.where += " AND " + id + " > $1"
	case pos.id != nil:
		s.where += " AND (" + id + " > $1 OR " + id + " IS NULL)"
	case t.dialect.nullsFirst():
		s.where += " AND " + id + " IS NOT NULL"
		return s, true
	default:
		return step{}, false // a NULL id sorts last: nothing follows it
	}
	s.args = []any{pos.id}
	return s, true
}

// mainSteps select the rows with a timestamp after pos (nil: from the
// first), each with a predicate an index on (updated_at, id) can start
// from, so that a page costs the same wherever the cursor is, even inside
// a run of thousands of rows sharing one timestamp (a bulk UPDATE).
// Postgres seeks on the row-value comparison; SQLite's planner only seeks
// on its first column, so there the rest of the cursor's timestamp is read
// first, by id, then the later timestamps.
func (t *Table) mainSteps(pos *position) []step {
	ts, id := quoteIdent(t.ts.name), quoteIdent(t.id.name)
	feed := ts + ", " + id
	switch {
	case pos == nil:
		return []step{{where: ts + " IS NOT NULL", order: feed}}
	case !pos.hasID:
		return []step{{where: ts + " >= $1", order: feed, args: []any{pos.ts}}}
	case pos.id != nil && t.dialect == dialectPostgres:
		return []step{{where: "(" + ts + ", " + id + ") > ($1, $2)", order: feed, args: []any{pos.ts, pos.id}}}
	case pos.id == nil && !t.dialect.nullsFirst():
		return []step{{where: ts + " > $1", order: feed, args: []any{pos.ts}}}
	}
	same := step{where: ts + " = $1 AND " + id + " IS NOT NULL", order: id, args: []any{pos.ts}}
	if pos.id != nil {
		same = step{where: ts + " = $1 AND " + id + " > $2", order: id, args: []any{pos.ts, pos.id}}
	}
	return []step{same, {where: ts + " > $1", order: feed, args: []any{pos.ts}}}
}

func (t *Table) selectWhere(s step, limit int) string {
	return "SELECT " + t.selectList + " FROM " + t.table + " WHERE " + s.where +
		" ORDER BY " + s.order + " LIMIT " + strconv.Itoa(limit)
}

// query runs a SELECT and returns each row's values as the driver gives
// them.
func (t *Table) query(ctx context.Context, q string, args []any) ([][]any, error) {
	rows, err := t.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqltable: query %s: %w", t.cfg.Table, err)
	}
	defer rows.Close()
	out, err := scanAll(rows)
	if err != nil {
		return nil, fmt.Errorf("sqltable: read %s: %w", t.cfg.Table, err)
	}
	return out, nil
}

// scanAll reads every row's values; errors are the driver's, unwrapped.
func scanAll(rows *sql.Rows) ([][]any, error) {
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, vals)
	}
	return out, rows.Err()
}
