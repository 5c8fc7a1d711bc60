package sqltable

import (
	"encoding/json"
	"math"
	"testing"
	"time"
)

func TestRawIsValidJSON(t *testing.T) {
	t.Parallel()
	tm := time.Date(2024, 5, 1, 10, 0, 0, 5, time.UTC)
	tests := []struct {
		in   any
		want any // after json.Unmarshal into any
	}{
		{nil, nil},
		{"plain", "plain"},
		{"quote \" backslash \\ newline \n tab \t nul \x00 bell \a", "quote \" backslash \\ newline \n tab \t nul \x00 bell \a"},
		{"Māori ✓ \u2028", "Māori ✓ \u2028"},
		{"\xff\xfe", "//4="}, // invalid UTF-8: base64
		{[]byte("bytes"), "bytes"},
		{int64(-42), float64(-42)},
		{1.5, 1.5},
		{math.NaN(), nil},
		{true, true},
		{tm, "2024-05-01T10:00:00.000000005Z"},
	}
	for _, tt := range tests {
		b := appendJSON(nil, tt.in)
		var got any
		if err := json.Unmarshal(b, &got); err != nil {
			t.Errorf("%#v encoded as invalid JSON %s: %v", tt.in, b, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%#v encoded as %s, decoded %#v, want %#v", tt.in, b, got, tt.want)
		}
	}
}

func TestParseSQLiteTime(t *testing.T) {
	t.Parallel()
	want := time.Date(2024, 5, 1, 10, 0, 0, 500000000, time.UTC)
	for _, s := range []string{
		"2024-05-01 10:00:00.5+00:00",
		"2024-05-01T10:00:00.500Z",
		"2024-05-01 22:00:00.5+12:00",
		"2024-05-01T05:00:00.5-05:00",
		"2024-05-01 10:00:00.500000",
		"2024-05-01 10:00:00.5 +0000 UTC",
		"2024-05-01 10:00:00.5 +0000 UTC m=+0.000000001",
	} {
		if got, ok := parseSQLiteTime(s); !ok || !got.Equal(want) {
			t.Errorf("parse %q = %v, %v; want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"2024-05-01 10:00", "2024-05-01"} {
		if _, ok := parseSQLiteTime(s); !ok {
			t.Errorf("parse %q failed", s)
		}
	}
	for _, s := range []string{"", "yesterday", "2024-13-01 10:00:00", "1714557600"} {
		if got, ok := parseSQLiteTime(s); ok {
			t.Errorf("parse %q = %v, want failure", s, got)
		}
	}
}

// A rewound SQLite cursor is the wall clock in the stored value's own offset
// and separator, truncated to the second: a prefix that sorts before every
// form of that second.
func TestRewindSQLiteText(t *testing.T) {
	t.Parallel()
	tbl := &Table{dialect: dialectSQLite, cfg: Config{Overlap: 2 * time.Minute}}
	for stored, want := range map[string]string{
		"2024-05-01 10:00:00.5+00:00":     "2024-05-01 09:58:00",
		"2024-05-01T10:00:00.500Z":        "2024-05-01T09:58:00",
		"2024-05-01 22:00:00.5+12:00":     "2024-05-01 21:58:00",
		"2024-05-01 00:01:00":             "2024-04-30 23:59:00",
		"2024-05-01 10:00:00.5 +0000 UTC": "2024-05-01 09:58:00",
	} {
		got := tbl.Rewind(encodeCursor(position{ts: stored, hasID: true, id: int64(1)}))
		if wantCursor := encodeCursor(position{ts: want}); got != wantCursor {
			t.Errorf("Rewind after %q = %s, want %s", stored, got, wantCursor)
		}
	}
	for _, c := range []string{
		encodeCursor(position{ts: "yesterday", hasID: true, id: int64(1)}), // a quarantined row's
		encodeCursor(position{nullTS: true, hasID: true, id: int64(1)}),
		"garbage",
	} {
		if got := tbl.Rewind(c); got != c {
			t.Errorf("Rewind(%s) = %s, want it unchanged", c, got)
		}
	}
}
