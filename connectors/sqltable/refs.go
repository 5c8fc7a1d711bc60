package sqltable

import (
	"context"
	"fmt"

	"github.com/accordhq/accord/engine"
)

var _ engine.BatchRefWriter = (*Table)(nil)

// SetExternalRefs does what SetExternalRef does for many rows, in one
// transaction with one prepared statement: a chunk of creations costs the
// merchant's database one commit, not one per row. It returns one error per
// ref: one wrapping engine.ErrNotFound where no row has the id (the others
// are still stored), or the same error for every ref when the transaction
// fails as a whole (then none is stored).
//
// It is a no-op when no upstream-id column is configured.
func (t *Table) SetExternalRefs(ctx context.Context, refs []engine.ExternalRef) []error {
	errs := make([]error, len(refs))
	if t.up == nil || len(refs) == 0 {
		return errs
	}
	op := fmt.Sprintf("set %s of %d rows", t.up.name, len(refs))
	all := func(err error) []error {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	tx, err := t.db.BeginTx(ctx, nil)
	if err != nil {
		return all(t.writeError(op, err))
	}
	defer func() { _ = tx.Rollback() }() // a no-op after Commit
	q := "UPDATE " + t.table + " SET " + quoteIdent(t.up.name) + " = $1 WHERE " + quoteIdent(t.id.name) + " = $2"
	stmt, err := tx.PrepareContext(ctx, q)
	if err != nil {
		return all(t.writeError(op, err))
	}
	defer stmt.Close()
	for i, r := range refs {
		arg, ok := t.idArg(r.ID)
		if !ok {
			errs[i] = fmt.Errorf("sqltable: set %s of %q: %w", t.up.name, r.ID, engine.ErrNotFound)
			continue
		}
		res, err := stmt.ExecContext(ctx, nullable(*t.up, r.Ref), arg)
		if err != nil {
			return all(t.writeError(fmt.Sprintf("set %s of %q", t.up.name, r.ID), err))
		}
		n, err := res.RowsAffected()
		if err != nil {
			return all(fmt.Errorf("sqltable: set %s of %q: %w", t.up.name, r.ID, err))
		}
		if n == 0 {
			errs[i] = fmt.Errorf("sqltable: set %s of %q: %w", t.up.name, r.ID, engine.ErrNotFound)
		}
	}
	if err := tx.Commit(); err != nil {
		return all(t.writeError(op, err))
	}
	return errs
}
