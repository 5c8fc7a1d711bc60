package sqltable

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/accordhq/accord/engine"
)

var _ engine.BatchCreator = (*Table)(nil)

// CreateMany implements engine.BatchCreator: it inserts cs as Create does,
// in one transaction, so that a chunk of creations costs the merchant's
// database one commit rather than one each. Every row gets the same
// updated_at. It returns one result per creation, in order.
//
// Each row is inserted behind a savepoint: a row the database refuses gets
// its terminal error, as from Create, and the others are still inserted; a
// row inserted but unreadable gets engine.ErrUnknownOutcome, as from
// Create. Any other failure rolls the whole transaction back, and every
// row not refused gets that error, classified as Create's are (a commit
// whose outcome is unknown wraps engine.ErrUnknownOutcome; the engine then
// settles the rows from the next pull, by their upstream-id column).
func (t *Table) CreateMany(ctx context.Context, cs []engine.Creation) []engine.CreateResult {
	out := make([]engine.CreateResult, len(cs))
	if len(cs) == 0 {
		return out
	}
	// all gives err to every row not already refused on its own.
	all := func(err error) []engine.CreateResult {
		for i := range out {
			if out[i].Err == nil {
				out[i] = engine.CreateResult{Err: err}
			}
		}
		return out
	}
	if err := ctx.Err(); err != nil {
		return all(fmt.Errorf("sqltable: create in %s: %w", t.cfg.Table, err))
	}
	if err := t.canNumber(); err != nil {
		return all(err)
	}
	stamp, err := t.stamp(ctx)
	if err != nil {
		return all(err)
	}
	op := fmt.Sprintf("create %d rows in %s", len(cs), t.cfg.Table)
	tx, err := t.db.BeginTx(ctx, nil)
	if err != nil {
		return all(t.writeError(op, err))
	}
	defer func() { _ = tx.Rollback() }() // a no-op after Commit
	inserted := make([]bool, len(cs))
	for i, c := range cs {
		res, fatal, err := t.insertRow(ctx, tx, c.Customer, stamp)
		if fatal {
			// Rolled back: nothing of this call was written, so no row
			// keeps the error of its own.
			for j := range i {
				if inserted[j] {
					out[j] = engine.CreateResult{}
				}
			}
			return all(err)
		}
		inserted[i] = !engine.IsTerminal(err)
		out[i] = engine.CreateResult{Customer: res, Err: err}
	}
	if err := tx.Commit(); err != nil {
		cerr := t.writeError("commit: "+op, err)
		for i := range out {
			if inserted[i] {
				out[i] = engine.CreateResult{Err: cerr}
			}
		}
		return out
	}
	return out
}

// insertRow inserts c inside tx behind a savepoint. A terminal error means
// the row was refused and rolled back to the savepoint; ErrUnknownOutcome
// means it was inserted but cannot be read back, as from Create; either
// way tx stays usable. Any other error leaves tx to be rolled back (fatal
// is then true).
func (t *Table) insertRow(ctx context.Context, tx *sql.Tx, c engine.Customer, stamp any) (_ engine.Customer, fatal bool, _ error) {
	savepoint := func(stmt string) error {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return t.writeError("create in "+t.cfg.Table, err)
		}
		return nil
	}
	if err := savepoint("SAVEPOINT accord_row"); err != nil {
		return engine.Customer{}, true, err
	}
	q, args := t.insert(c, stamp)
	rows, err := tx.QueryContext(ctx, q, args...)
	vals, err := t.returned(rows, err)
	switch {
	case engine.IsTerminal(err):
		if rerr := savepoint("ROLLBACK TO SAVEPOINT accord_row"); rerr != nil {
			return engine.Customer{}, true, rerr
		}
		return engine.Customer{}, false, err
	case err != nil:
		return engine.Customer{}, true, err
	}
	if err := savepoint("RELEASE SAVEPOINT accord_row"); err != nil {
		return engine.Customer{}, true, err
	}
	stored, err := t.decodeInserted(vals)
	return stored, false, err
}
