package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/matchers"
)

// columnMap maps column names to the fields they hold; an empty field
// means "ignore this column".
type columnMap map[string]string

// parseColumnMap reads --map: COLUMN=FIELD pairs separated by commas.
// FIELD is a canonical field (first_name, address.postcode, ...), one of
// the obvious column names matchers.ColumnField knows (zip, dob, surname),
// name (split into first and last), street_number, or "-" to ignore the
// column.
func parseColumnMap(specs []string) (columnMap, error) {
	m := columnMap{}
	for _, spec := range specs {
		col, field, ok := strings.Cut(spec, "=")
		col, field = strings.TrimSpace(col), strings.TrimSpace(field)
		if !ok || col == "" || field == "" {
			return nil, fmt.Errorf("--map %q: want COLUMN=FIELD", spec)
		}
		switch {
		case field == "-":
			field = ""
		case matchers.IsColumnField(field):
		case matchers.ColumnField(field) != "":
			field = matchers.ColumnField(field)
		default:
			return nil, fmt.Errorf("--map %q: unknown field %q (want one of %s, name, street_number or -)",
				spec, field, strings.Join(engine.DataFields, ", "))
		}
		m[col] = field
	}
	return m, nil
}

// readCustomers reads a CSV export into customers: the header names the
// columns, idCol holds the record id, and every other column is mapped
// through m or recognised by its name (unmapped columns are ignored).
// Spaces after separators are trimmed and quoted fields may span lines.
// Errors name the file, line and column. A file that cannot be opened or
// has no id column is a usage error (exit code 2): the flags name the
// wrong thing. A malformed row fails the command (exit code 1).
func readCustomers(path, idCol string, m columnMap) ([]engine.Customer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &usageError{fmt.Errorf("match: %w", err)}
	}
	defer f.Close()
	return parseCustomers(f, path, idCol, m)
}

func parseCustomers(r io.Reader, path, idCol string, m columnMap) ([]engine.Customer, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty file, want a header line", path)
		}
		return nil, csvError(path, err)
	}
	header = append([]string(nil), header...)
	header[0] = strings.TrimPrefix(header[0], "\ufeff") // a spreadsheet's byte-order mark
	idAt := -1
	fields := make([]string, len(header))
	for i, h := range header {
		h = strings.TrimSpace(h)
		if h == idCol {
			idAt = i
			continue
		}
		if f, ok := m[h]; ok {
			fields[i] = f
		} else {
			fields[i] = matchers.ColumnField(h)
		}
	}
	if idAt < 0 {
		return nil, &usageError{fmt.Errorf("%s:1: no id column %q in the header (%s); name it with --id",
			path, idCol, strings.Join(header, ", "))}
	}
	var out []engine.Customer
	seen := map[string]int{}
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, csvError(path, err)
		}
		line, col := cr.FieldPos(idAt)
		id := strings.TrimSpace(row[idAt])
		if id == "" {
			return nil, fmt.Errorf("%s:%d:%d: empty id in column %q", path, line, col, idCol)
		}
		if first, dup := seen[id]; dup {
			return nil, fmt.Errorf("%s:%d:%d: id %q already used on line %d", path, line, col, id, first)
		}
		seen[id] = line
		c := engine.Customer{ID: id}
		for i, v := range row {
			if fields[i] != "" {
				matchers.SetColumn(&c, fields[i], v)
			}
		}
		out = append(out, c)
	}
}

// csvError names the file, line and column of a CSV syntax error.
func csvError(path string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d:%d: %w", path, pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("%s: %w", path, err)
}
