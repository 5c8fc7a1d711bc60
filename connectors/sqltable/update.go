package sqltable

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/accordhq/accord/engine"
)

// Update sets fields (canonical name to value) on row id, stamps updated_at
// so the change shows in the next pull, and returns the row as stored. The
// engine calls it only to apply a person's resolution of a conflict. An
// empty value is written as NULL where the column allows it.
//
// Errors: a field the mapping does not name is terminal and wraps
// engine.ErrInvalid; no row with that id wraps engine.ErrNotFound; the
// database refusing the value is terminal (engine.ErrInvalid, naming the
// column).
func (t *Table) Update(ctx context.Context, id string, fields map[string]string) (engine.Customer, error) {
	op := fmt.Sprintf("update %q in %s", id, t.cfg.Table)
	arg, ok := t.idArg(id)
	if !ok {
		return engine.Customer{}, fmt.Errorf("sqltable: %s: %w", op, engine.ErrNotFound)
	}
	stamp, err := t.stamp(ctx)
	if err != nil {
		return engine.Customer{}, err
	}
	sets := []string{quoteIdent(t.ts.name) + " = $1"}
	args := []any{stamp}
	for _, m := range t.fields {
		v, ok := fields[m.field]
		if !ok {
			continue
		}
		args = append(args, nullable(m.col, v))
		sets = append(sets, quoteIdent(m.col.name)+" = $"+strconv.Itoa(len(args)))
	}
	if len(sets)-1 != len(fields) {
		return engine.Customer{}, engine.Terminal(fmt.Errorf("sqltable: %s: a field is not mapped to a column: %w", op, engine.ErrInvalid))
	}
	args = append(args, arg)
	q := "UPDATE " + t.table + " SET " + strings.Join(sets, ", ") + " WHERE " + quoteIdent(t.id.name) +
		" = $" + strconv.Itoa(len(args))
	res, err := t.db.ExecContext(ctx, q, args...)
	if err != nil {
		return engine.Customer{}, t.writeError(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return engine.Customer{}, fmt.Errorf("sqltable: %s: %w", op, err)
	} else if n == 0 {
		return engine.Customer{}, fmt.Errorf("sqltable: %s: %w", op, engine.ErrNotFound)
	}
	return t.Get(ctx, id)
}

var _ engine.Updater = (*Table)(nil)
