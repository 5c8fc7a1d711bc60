package sqltable

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/accordhq/accord/engine"
)

// decode maps one row's values, in select-list order (id, updated_at,
// upstream id, fields), to a customer. reason is "" for a good row; for a
// row that cannot be read it names each bad column, and c still carries
// the id (when readable) and Raw for the quarantine.
func (t *Table) decode(vals []any) (c engine.Customer, reason string) {
	var problems []string
	bad := func(col, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("column %q: ", col)+fmt.Sprintf(format, args...))
	}

	// Raw is the selected columns as a JSON object, keys in select order.
	raw := make([]byte, 0, 256)
	for i, v := range vals {
		if i == 0 {
			raw = append(raw, '{')
		} else {
			raw = append(raw, ',')
		}
		raw = append(raw, t.rawKeys[i]...)
		raw = appendJSON(raw, v)
	}
	c.Raw = append(raw, '}')

	switch id := vals[0].(type) {
	case nil:
		bad(t.id.name, "id is NULL")
	case int64:
		c.ID = strconv.FormatInt(id, 10)
	case string, []byte:
		s, _ := stringify(id, false)
		switch {
		case t.id.kind == kindInt:
			// SQLite stores text in an INTEGER column that is not the rowid.
			bad(t.id.name, "id %q is not an integer", s)
		case !utf8.ValidString(s):
			bad(t.id.name, "id is not valid UTF-8")
		default:
			c.ID = s
		}
	default:
		bad(t.id.name, "id has unsupported type %T", id)
	}

	switch ts := vals[1].(type) {
	case nil:
		bad(t.ts.name, "timestamp is NULL")
	case time.Time:
		c.UpdatedAt = ts.UTC()
	case string:
		if tm, ok := parseSQLiteTime(ts); ok {
			c.UpdatedAt = tm.UTC()
		} else {
			bad(t.ts.name, "cannot read %q as a timestamp", ts)
		}
	default:
		bad(t.ts.name, "timestamp %v (%T) is not text", ts, ts)
	}
	c.Version = c.UpdatedAt.UnixNano()

	i := 2
	if t.up != nil {
		if s, ok := stringify(vals[i], false); ok {
			c.ExternalRef = s
		} else {
			bad(t.up.name, "unsupported value of type %T", vals[i])
		}
		i++
	}
	for _, m := range t.fields {
		if s, ok := stringify(vals[i], m.field == engine.FieldBirthday); ok {
			c.SetField(m.field, s)
		} else {
			bad(m.col.name, "%s: unsupported value of type %T", m.field, vals[i])
		}
		i++
	}
	return c, strings.Join(problems, "; ")
}

// stringify turns a column value into a canonical field value. NULL is "".
// A date (or a timestamp at midnight UTC) is written YYYY-MM-DD, the
// canonical form of a birthday.
func stringify(v any, date bool) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", true
	case string:
		return x, utf8.ValidString(x)
	case []byte:
		return string(x), utf8.Valid(x)
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	case time.Time:
		if date || x.Equal(x.Truncate(24*time.Hour)) {
			return x.Format(time.DateOnly), true
		}
		return x.UTC().Format(time.RFC3339Nano), true
	}
	return "", false
}

// appendJSON appends a column value to Raw: text stays text, numbers stay
// numbers, timestamps are RFC 3339, binary and invalid UTF-8 are base64.
// Written by hand because reflection-based encoding of a map per row was a
// quarter of the cost of a pull.
func appendJSON(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		if utf8.ValidString(x) {
			return appendJSONString(b, x)
		}
		return appendJSONString(b, base64.StdEncoding.EncodeToString([]byte(x)))
	case []byte:
		if utf8.Valid(x) {
			return appendJSONString(b, string(x))
		}
		return appendJSONString(b, base64.StdEncoding.EncodeToString(x))
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return append(b, "null"...)
		}
		return strconv.AppendFloat(b, x, 'g', -1, 64)
	case bool:
		return strconv.AppendBool(b, x)
	case time.Time:
		return appendJSONString(b, x.Format(time.RFC3339Nano))
	}
	return appendJSONString(b, fmt.Sprint(v))
}

// appendJSONString appends s, valid UTF-8, as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
