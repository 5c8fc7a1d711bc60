package sqltable

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
)

// pagingRows inserts 23 rows in shuffled order and returns their ids in
// the expected (updated_at, id) order. Rows 4-15 share one timestamp, so
// with pages of 5 that group spans three page boundaries; rows 16-23 are a
// microsecond apart.
func pagingRows(t *testing.T, tdb *testDB, id func(n int) string) []string {
	t.Helper()
	type row struct {
		id string
		ts time.Time
	}
	var rows []row
	for n := 1; n <= 23; n++ {
		ts := t0
		switch {
		case n <= 3:
			ts = t0.Add(-time.Duration(4-n) * time.Minute)
		case n >= 16:
			ts = t0.Add(time.Duration(n-15) * time.Microsecond)
		}
		rows = append(rows, row{id(n), ts})
	}
	for _, i := range rand.Perm(len(rows)) {
		r := rows[i]
		tdb.exec(t, `INSERT INTO customers (id, updated_at, email) VALUES ($1, $2, $3)`, r.id, r.ts, "c"+r.id+"@example.com")
	}
	var want []string
	for _, r := range rows {
		want = append(want, r.id)
	}
	return want
}

func TestPullReturnsEveryRowOnceAcrossPages(t *testing.T) {
	t.Parallel()
	t.Run("integer ids", func(t *testing.T) {
		t.Parallel()
		forEachDialect(t, func(t *testing.T, tdb *testDB) {
			tdb.createCustomers(t, "{serial}")
			// Numeric order: 9 before 10 (text order would put "10" first).
			want := pagingRows(t, tdb, strconv.Itoa)
			checkPaging(t, open(t, baseConfig(tdb)), want)
		})
	})
	t.Run("text ids", func(t *testing.T) {
		t.Parallel()
		forEachDialect(t, func(t *testing.T, tdb *testDB) {
			tdb.createCustomers(t, "{textid}")
			// Text order: "c10" before "c9".
			want := pagingRows(t, tdb, func(n int) string { return fmt.Sprintf("c%d", n) })
			slices.SortStableFunc(want, func(a, b string) int {
				ga, gb := group(a), group(b)
				if ga != gb {
					return ga - gb
				}
				return strings.Compare(a, b)
			})
			checkPaging(t, open(t, baseConfig(tdb)), want)
		})
	})
}

// group is a text id's timestamp rank in pagingRows: rows 1-3 and 16-23
// each have their own timestamp, rows 4-15 share one.
func group(id string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(id, "c"))
	if n >= 4 && n <= 15 {
		return 4
	}
	return n
}

func checkPaging(t *testing.T, tbl *Table, want []string) {
	t.Helper()
	pages := pullAll(t, tbl, "")
	if got := ids(pages...); !slices.Equal(got, want) {
		t.Fatalf("ids across pages:\n got %v\nwant %v", got, want)
	}
	for i, p := range pages {
		if last := i == len(pages)-1; p.Done != last {
			t.Errorf("page %d: Done = %v", i, p.Done)
		}
		if len(p.Bad) > 0 {
			t.Errorf("page %d: quarantined %v", i, p.Bad)
		}
	}
	// 23 rows in pages of 5: the last page has 3 rows and is Done.
	if len(pages) != 5 || len(pages[4].Customers) != 3 {
		t.Errorf("%d pages, last with %d rows; want 5 pages, last with 3", len(pages), len(pages[len(pages)-1].Customers))
	}
	c := pages[0].Customers[0]
	if c.Email != "c"+c.ID+"@example.com" || c.UpdatedAt.IsZero() || len(c.Raw) == 0 {
		t.Errorf("first customer %+v not mapped", c)
	}
}

func TestPullMapsColumns(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, tdb *testDB) {
		tdb.createCustomers(t, "{serial}")
		tdb.exec(t, `INSERT INTO customers (id, updated_at, lightspeed_id, email, first_name, last_name, phone)
			VALUES (7, $1, 'ls-7', 'ann@example.com', 'Ann', NULL, '021 555 0101')`, t0)
		tbl := open(t, baseConfig(tdb))
		p, err := tbl.Pull(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Customers) != 1 || !p.Done {
			t.Fatalf("page %+v", p)
		}
		c := p.Customers[0]
		want := engine.Customer{ID: "7", Email: "ann@example.com", FirstName: "Ann", Phone: "021 555 0101",
			ExternalRef: "ls-7", UpdatedAt: t0, Version: t0.UnixNano()}
		raw := c.Raw
		c.Raw = nil
		if !c.UpdatedAt.Equal(t0) || c.Version != want.Version {
			t.Errorf("UpdatedAt %v, Version %d; want %v", c.UpdatedAt, c.Version, t0)
		}
		c.UpdatedAt = t0
		if fmt.Sprint(c) != fmt.Sprint(want) {
			t.Errorf("customer\n got %+v\nwant %+v", c, want)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil || m["email"] != "ann@example.com" || m["last_name"] != nil || m["lightspeed_id"] != "ls-7" {
			t.Errorf("Raw %s (%v)", raw, err)
		}
		got, err := tbl.Get(context.Background(), "7")
		if err != nil || got.Email != c.Email || got.ExternalRef != "ls-7" {
			t.Errorf("Get(7) = %+v, %v", got, err)
		}
		for _, id := range []string{"8", "x"} {
			if _, err := tbl.Get(context.Background(), id); !errors.Is(err, engine.ErrNotFound) {
				t.Errorf("Get(%s): %v, want ErrNotFound", id, err)
			}
		}
	})
}

func TestPullEmptyPage(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, tdb *testDB) {
		tdb.createCustomers(t, "{serial}")
		tbl := open(t, baseConfig(tdb))
		p, err := tbl.Pull(context.Background(), "")
		if err != nil || p.Cursor != "" || !p.Done || len(p.Customers) != 0 {
			t.Fatalf("empty table: %+v, %v", p, err)
		}
		// Exactly one full page: the next pull is empty, with "" and Done.
		for n := 1; n <= 5; n++ {
			tdb.exec(t, `INSERT INTO customers (id, updated_at) VALUES ($1, $2)`, n, t0)
		}
		p, err = tbl.Pull(context.Background(), "")
		if err != nil || p.Done || len(p.Customers) != 5 || p.Cursor == "" {
			t.Fatalf("full page: %+v, %v", p, err)
		}
		next, err := tbl.Pull(context.Background(), p.Cursor)
		if err != nil || next.Cursor != "" || !next.Done || len(next.Customers) != 0 {
			t.Fatalf("after the last row: %+v, %v", next, err)
		}
	})
}

func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	pgTime := time.Date(2024, 5, 1, 10, 0, 0, 123456789, time.FixedZone("", 12*3600))
	tests := []struct {
		name string
		d    dialect
		p    position
	}{
		{"sqlite text ts, integer id", dialectSQLite, position{ts: "2024-05-01 10:00:00.123456789+00:00", hasID: true, id: int64(10)}},
		{"text id with separators", dialectSQLite, position{ts: "2024-05-01 10:00:00", hasID: true, id: `a|b"c,}`}},
		{"postgres time", dialectPostgres, position{ts: pgTime, hasID: true, id: "c-7"}},
		{"rewound", dialectPostgres, position{ts: pgTime}},
		{"null id", dialectSQLite, position{ts: "2024-05-01 10:00:00", hasID: true}},
		{"null timestamp phase", dialectSQLite, position{nullTS: true, hasID: true, id: int64(3)}},
		{"numeric ts", dialectSQLite, position{ts: int64(1700000000), hasID: true, id: 1.0}},
		{"blob id", dialectSQLite, position{ts: "x", hasID: true, id: []byte{0, 1, 2}}},
		{"max int64", dialectSQLite, position{ts: "x", hasID: true, id: int64(1<<63 - 1)}},
	}
	for _, tt := range tests {
		s := encodeCursor(tt.p)
		got, err := decodeCursor(s, tt.d)
		if err != nil {
			t.Errorf("%s: decode %s: %v", tt.name, s, err)
			continue
		}
		if fmt.Sprintf("%#v", *got) != fmt.Sprintf("%#v", tt.p) {
			if tm, ok := got.ts.(time.Time); !ok || !tm.Equal(pgTime) || got.id != tt.p.id {
				t.Errorf("%s: %s decoded to %#v, want %#v", tt.name, s, *got, tt.p)
			}
		}
	}
	if p, err := decodeCursor("", dialectSQLite); p != nil || err != nil {
		t.Errorf(`decode "": %v, %v`, p, err)
	}
	for _, bad := range []string{"garbage", `{"id":1}`, `{"ts":null}`, `{"ts":"x","id":1.5}`, `{"ts":{"zzz":1}}`} {
		if _, err := decodeCursor(bad, dialectSQLite); err == nil {
			t.Errorf("decode %s: no error", bad)
		}
	}
}

func TestPullRejectsMalformedCursor(t *testing.T) {
	t.Parallel()
	tdb := newSQLite(t)
	tdb.createCustomers(t, "{serial}")
	tbl := open(t, baseConfig(tdb))
	_, err := tbl.Pull(context.Background(), "not a cursor")
	if !errors.Is(err, engine.ErrInvalid) || !engine.IsTerminal(err) {
		t.Errorf("Pull(garbage): %v, want terminal ErrInvalid", err)
	}
}

func TestRewindRereadsOverlapWindow(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, tdb *testDB) {
		tdb.createCustomers(t, "{serial}")
		for _, r := range []struct {
			id int
			ts time.Time
		}{{10, t0.Add(-5 * time.Minute)}, {20, t0.Add(-time.Minute)}, {30, t0}} {
			tdb.exec(t, `INSERT INTO customers (id, updated_at) VALUES ($1, $2)`, r.id, r.ts)
		}
		tbl := open(t, baseConfig(tdb))
		if tbl.Rewind("") != "" {
			t.Error(`Rewind("") != ""`)
		}
		cursor := lastCursor(pullAll(t, tbl, ""))

		// Committed late, with a timestamp 30s before the last row read.
		tdb.exec(t, `INSERT INTO customers (id, updated_at) VALUES ($1, $2)`, 5, t0.Add(-30*time.Second))
		if got := ids(pullAll(t, tbl, cursor)...); len(got) != 0 {
			t.Fatalf("without rewinding: %v (the test needs the late row to be behind the cursor)", got)
		}
		rewound := tbl.Rewind(cursor)
		if got, want := ids(pullAll(t, tbl, rewound)...), []string{"20", "5", "30"}; !slices.Equal(got, want) {
			t.Errorf("after Rewind: %v, want %v (row 10 is outside the 2m window)", got, want)
		}
		// Rewinding a rewound cursor moves it back again.
		if got := ids(pullAll(t, tbl, tbl.Rewind(tbl.Rewind(rewound)))...); !slices.Contains(got, "10") {
			t.Errorf("after three rewinds: %v, want row 10 too", got)
		}
	})
}

func TestPullQuarantinesUnreadableRows(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, tdb *testDB) {
		tdb.exec(t, `CREATE TABLE customers (id TEXT {C}, updated_at {ts}, lightspeed_id TEXT, email TEXT, first_name TEXT, last_name TEXT, phone TEXT)`)
		ins := func(id, ts any) {
			tdb.exec(t, `INSERT INTO customers (id, updated_at, email) VALUES ($1, $2, 'x@example.com')`, id, ts)
		}
		ins("a", t0)
		ins("b", nil) // NULL timestamp: quarantined on the first full read
		ins("c", nil)
		ins(nil, t0.Add(time.Second)) // NULL id
		ins("d", t0.Add(2*time.Second))
		ins("e", t0.Add(3*time.Second))
		wantBad := map[string]string{"b": `column "updated_at": timestamp is NULL`, "c": `column "updated_at": timestamp is NULL`,
			"": `column "id": id is NULL`}
		if tdb.dialect == dialectSQLite {
			ins("f", "yesterday")
			ins("g", 1700000000)
			wantBad["f"] = `column "updated_at": cannot read "yesterday" as a timestamp`
			wantBad["g"] = `column "updated_at": timestamp 1700000000 (int64) is not text`
		}
		cfg := baseConfig(tdb)
		cfg.PageSize = 2 // a page boundary falls on bad rows too
		pages := pullAll(t, open(t, cfg), "")
		if got := ids(pages...); !slices.Equal(got, []string{"a", "d", "e"}) {
			t.Errorf("good rows %v, want a d e", got)
		}
		gotBad := map[string]string{}
		for _, p := range pages {
			for _, q := range p.Bad {
				if _, dup := gotBad[q.ID]; dup {
					t.Errorf("%q quarantined twice", q.ID)
				}
				gotBad[q.ID] = q.Reason
				if !json.Valid(q.Raw) {
					t.Errorf("%q: Raw %q", q.ID, q.Raw)
				}
			}
		}
		if fmt.Sprint(gotBad) != fmt.Sprint(wantBad) {
			t.Errorf("quarantined\n got %v\nwant %v", gotBad, wantBad)
		}
	})
}

func TestGetUnknownUUIDIsNotFound(t *testing.T) {
	t.Parallel()
	tdb := newPostgres(t)
	tdb.exec(t, `CREATE TABLE customers (id uuid PRIMARY KEY, updated_at timestamptz, email text)`)
	cfg := baseConfig(tdb)
	cfg.UpstreamID, cfg.Fields = "", map[string]string{engine.FieldEmail: "email"}
	tbl := open(t, cfg)
	for _, id := range []string{"not-a-uuid", "6f1c1a52-5d1e-4c8a-9d51-0d6f1c1a5200"} {
		if _, err := tbl.Get(context.Background(), id); !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("Get(%s): %v, want ErrNotFound", id, err)
		}
	}
}
