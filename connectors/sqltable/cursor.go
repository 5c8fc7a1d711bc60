package sqltable

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/accordhq/accord/engine"
)

// position is a decoded cursor: the place in the (updated_at, id) order
// after which the next page starts. Values are kept as the driver returned
// them and bound back unchanged, so the comparison in SQL is against exactly
// what is stored: no rounding, no reformatting, no change of type.
type position struct {
	// nullTS: still reading the rows whose updated_at is NULL (in id
	// order), which come before every other row so that they are
	// quarantined on the first full read instead of skipped.
	nullTS bool
	// ts is the last row's timestamp: on SQLite the stored value itself
	// (normally text); on Postgres a time.Time.
	ts any
	// hasID is false for a rewound cursor, which starts at ts inclusive.
	hasID bool
	// id is the last row's id: int64, string, or nil when it was NULL.
	id any
}

// encodeCursor writes the documented JSON form (see doc.go).
func encodeCursor(p position) string {
	var b strings.Builder
	b.WriteString(`{"ts":`)
	if p.nullTS {
		b.WriteString("null")
	} else {
		b.Write(encodeValue(p.ts))
	}
	if p.hasID {
		b.WriteString(`,"id":`)
		b.Write(encodeValue(p.id))
	}
	b.WriteString("}")
	return b.String()
}

// encodeValue keeps the Go type: JSON strings are strings, JSON integers are
// int64, and the rarer types are tagged objects ({"real":1.5},
// {"blob":"base64"}) because a bare 1.0 would come back as an integer.
func encodeValue(v any) []byte {
	var out any
	switch x := v.(type) {
	case nil:
		out = nil
	case string:
		out = x
	case time.Time:
		out = x.Format(time.RFC3339Nano)
	case int64:
		out = x
	case float64:
		out = map[string]float64{"real": x}
	case []byte:
		out = map[string]string{"blob": base64.StdEncoding.EncodeToString(x)}
	case bool:
		out = map[string]bool{"bool": x}
	default:
		out = fmt.Sprint(x)
	}
	b, err := json.Marshal(out)
	if err != nil { // only NaN or Inf floats, which no database returns
		return []byte("null")
	}
	return b
}

var errCursor = errors.New("malformed cursor")

// decodeCursor parses a cursor; "" is the beginning (nil).
func decodeCursor(s string, d dialect) (*position, error) {
	if s == "" {
		return nil, nil
	}
	var w map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &w); err != nil {
		return nil, fmt.Errorf("%w %q: %w", errCursor, s, err)
	}
	rawTS, ok := w["ts"]
	if !ok {
		return nil, fmt.Errorf("%w %q: no ts", errCursor, s)
	}
	var p position
	var err error
	if p.ts, err = decodeValue(rawTS); err != nil {
		return nil, fmt.Errorf("%w %q: ts: %w", errCursor, s, err)
	}
	p.nullTS = p.ts == nil
	if rawID, ok := w["id"]; ok {
		p.hasID = true
		if p.id, err = decodeValue(rawID); err != nil {
			return nil, fmt.Errorf("%w %q: id: %w", errCursor, s, err)
		}
	}
	if p.nullTS && !p.hasID {
		return nil, fmt.Errorf("%w %q: null ts without id", errCursor, s)
	}
	// Postgres timestamps travel as RFC 3339 text and are bound as
	// time.Time; anything else (say "infinity") is bound as the text the
	// server sent.
	if str, ok := p.ts.(string); ok && d == dialectPostgres {
		if tm, err := time.Parse(time.RFC3339Nano, str); err == nil {
			p.ts = tm
		}
	}
	return &p, nil
}

func decodeValue(raw json.RawMessage) (any, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case bytes.Equal(raw, []byte("null")):
		return nil, nil
	case len(raw) > 0 && raw[0] == '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case len(raw) > 0 && raw[0] == '{':
		var tagged struct {
			Real *float64
			Blob *string
			Bool *bool
		}
		if err := json.Unmarshal(raw, &tagged); err != nil {
			return nil, err
		}
		switch {
		case tagged.Real != nil:
			return *tagged.Real, nil
		case tagged.Blob != nil:
			return base64.StdEncoding.DecodeString(*tagged.Blob)
		case tagged.Bool != nil:
			return *tagged.Bool, nil
		}
		return nil, errors.New("unknown tagged value")
	}
	return strconv.ParseInt(string(raw), 10, 64)
}

// Rewind returns cursor moved back by the overlap window: the timestamp
// minus Overlap, and no id, so that the next pull starts at the first row
// of that instant. Rows committed late with an earlier timestamp are then
// read on the next run. Rewind("") is "". A cursor whose timestamp cannot be
// read (a quarantined row's) is returned unchanged; Pull reports it.
func (t *Table) Rewind(cursor string) string {
	p, err := decodeCursor(cursor, t.dialect)
	if err != nil || p == nil || p.nullTS {
		return cursor
	}
	switch ts := p.ts.(type) {
	case time.Time:
		p.ts = ts.Add(-t.cfg.Overlap)
	case string:
		tm, ok := parseSQLiteTime(ts)
		if !ok {
			return cursor
		}
		p.ts = rewoundText(tm.Add(-t.cfg.Overlap), ts)
	default:
		return cursor
	}
	p.hasID, p.id = false, nil
	return encodeCursor(*p)
}

// cursorError is a stored cursor this package cannot read: retrying cannot
// fix it, so it is terminal.
func cursorError(err error) error {
	return engine.Terminal(fmt.Errorf("sqltable: pull: %w: %w", engine.ErrInvalid, err))
}
