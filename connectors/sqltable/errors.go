package sqltable

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	gosqlite "github.com/glebarez/go-sqlite"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/accordhq/accord/engine"
)

// SQLite primary result codes this package tells apart.
const (
	sqliteBusy       = 5
	sqliteLocked     = 6
	sqliteReadOnly   = 8
	sqliteInterrupt  = 9
	sqliteConstraint = 19
	sqliteMismatch   = 20
	sqliteUniqueCode = 2067 // SQLITE_CONSTRAINT_UNIQUE
	sqlitePKCode     = 1555 // SQLITE_CONSTRAINT_PRIMARYKEY
)

// writeError sorts the error of a write statement into the engine's
// classes. The statement was sent unless it says otherwise, so any error
// that is neither the database's verdict on the statement nor provably
// raised before sending is an unknown outcome: the engine then settles it
// from the next pull instead of inserting twice.
func (t *Table) writeError(op string, err error) error {
	var pgErr *pgconn.PgError
	var liteErr *gosqlite.Error
	switch {
	case errors.As(err, &pgErr):
		class := pgErr.Code[:2]
		switch {
		case class == "23" || class == "22":
			return t.rejected(op, pgColumn(pgErr), pgErr.Code == "23505", err)
		case class == "42": // permissions, generated columns: retrying cannot help
			return engine.Terminal(fmt.Errorf("sqltable: %s: %w", op, err))
		}
		return fmt.Errorf("sqltable: %s: %w", op, err) // the server refused the statement
	case errors.As(err, &liteErr):
		switch liteErr.Code() & 0xff {
		case sqliteConstraint:
			code := liteErr.Code()
			return t.rejected(op, sqliteColumn(liteErr.Error()), code == sqliteUniqueCode || code == sqlitePKCode, err)
		case sqliteMismatch:
			return t.rejected(op, "", false, err)
		case sqliteReadOnly:
			return engine.Terminal(fmt.Errorf("sqltable: %s: %w", op, err))
		case sqliteInterrupt:
			return fmt.Errorf("sqltable: %s: %w: %w", op, engine.ErrUnknownOutcome, err)
		case sqliteBusy, sqliteLocked:
			return fmt.Errorf("sqltable: %s: %w", op, err) // nothing was written
		}
		// SQLite runs in-process: any other error it reports is a statement
		// that failed and was rolled back.
		return fmt.Errorf("sqltable: %s: %w", op, err)
	case pgconn.SafeToRetry(err):
		return fmt.Errorf("sqltable: %s: %w", op, err)
	}
	return fmt.Errorf("sqltable: %s: %w: %w", op, engine.ErrUnknownOutcome, err)
}

// rejected is the terminal error of a row the database refused. A unique
// violation also wraps engine.ErrConflict.
func (t *Table) rejected(op, col string, unique bool, err error) error {
	what := "rejected"
	if col != "" {
		what = fmt.Sprintf("column %q rejected", col)
	}
	if unique {
		return engine.Terminal(fmt.Errorf("sqltable: %s: %s: %w: %w: %w", op, what, engine.ErrInvalid, engine.ErrConflict, err))
	}
	return engine.Terminal(fmt.Errorf("sqltable: %s: %s: %w: %w", op, what, engine.ErrInvalid, err))
}

// pgKeyDetail matches the detail of a unique violation:
// `Key (email)=(a@b.c) already exists.`
var pgKeyDetail = regexp.MustCompile(`^Key \((.+?)\)=`)

func pgColumn(e *pgconn.PgError) string {
	if e.ColumnName != "" {
		return e.ColumnName
	}
	if m := pgKeyDetail.FindStringSubmatch(e.Detail); m != nil {
		return m[1]
	}
	return e.ConstraintName
}

// sqliteColumn finds the column in messages such as
// "NOT NULL constraint failed: customers.email" or
// "UNIQUE constraint failed: customers.email, customers.phone".
func sqliteColumn(msg string) string {
	_, after, ok := strings.Cut(msg, "constraint failed: ")
	if !ok {
		return ""
	}
	if i := strings.Index(after, " ("); i >= 0 { // the driver appends "(code)"
		after = after[:i]
	}
	var cols []string
	for c := range strings.SplitSeq(after, ", ") {
		_, name, found := strings.Cut(c, ".")
		if !found {
			name = c
		}
		cols = append(cols, name)
	}
	return strings.Join(cols, ", ")
}

// isBadValue reports a Postgres refusal of a parameter's text for the
// column's type (invalid_text_representation), such as "x" for a uuid.
func isBadValue(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "22P02"
}
