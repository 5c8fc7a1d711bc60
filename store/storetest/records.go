package storetest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

var migrateTests = []test{
	{"Migrate/StatusCurrentAndIdempotent", func(t *testing.T, db *store.DB) {
		ok(t, db.Migrate(bg())) // a second run applies nothing and fails nothing
		st, err := db.MigrationStatus(bg())
		ok(t, err)
		if len(st) == 0 || st[0].Version != 1 || st[0].Name != "init" {
			t.Fatalf("status = %+v, want 00001 init first", st)
		}
		for _, m := range st {
			if !m.Applied || m.AppliedAt.IsZero() {
				t.Fatalf("migration %d not applied: %+v", m.Version, m)
			}
		}
		cur, err := db.SchemaCurrent(bg())
		ok(t, err)
		eq(t, "schema current", cur, true)
	}},
}

var savePageTests = []test{
	{"SavePage/NewRecordsStoredDirtyAndRoundTrip", func(t *testing.T, db *store.DB) {
		full := engine.Customer{ID: "L1", Email: "Ann@Example.com ", FirstName: "Ann", LastName: "Lee",
			Company: "Lee Ltd", Phone: "021 555 0101", Mobile: "+64215550102", AccountCode: "C-1",
			ExternalRef: "U9", Address: engine.Address{Line1: "1 Main St", Line2: "Unit 2", City: "Wellington",
				State: "WGN", Postcode: "6011", Country: "NZ"}, Birthday: "1980-02-29",
			UpdatedAt: t0.Add(-time.Hour), Version: 42, Raw: []byte(`{"id":"L1","x":[1,2]}`)}
		r := rec(engine.Local, full)
		r.Keys.Phone, r.Keys.Mobile, r.Keys.Postcode = "+64215550101", "+64215550102", "6011"
		n, err := db.SavePage(bg(), engine.SavePage{Pair: pair, Side: engine.Local, RunID: 7,
			Records: []engine.Record{r, rec(engine.Local, cust("L2", "b@x.io"))}, Cursor: "c1", At: t0})
		ok(t, err)
		eq(t, "changed", n, 2)
		eq(t, "dirty", dirtyIDs(t, db, engine.Local), []string{"L1", "L2"})
		got, err := db.FindRecord(bg(), pair, engine.Local, "L1")
		ok(t, err)
		want := r
		want.SeenAt = t0
		eq(t, "stored record", got, want)
	}},
	{"SavePage/UnchangedHashNotDirty", func(t *testing.T, db *store.DB) {
		save(t, db, engine.Local, "c1", cust("L1", "a@x.io"), cust("L2", "b@x.io"))
		apply(t, db, engine.Batch{Clean: []string{"L1", "L2"}})
		// The same customers, re-read later by another run.
		p := engine.SavePage{Pair: pair, Side: engine.Local, RunID: 2, At: t0.Add(time.Hour),
			Records: []engine.Record{rec(engine.Local, cust("L1", "a@x.io")), rec(engine.Local, cust("L2", "b@x.io"))}}
		n, err := db.SavePage(bg(), p)
		ok(t, err)
		eq(t, "changed", n, 0)
		eq(t, "dirty", len(dirtyIDs(t, db, engine.Local)), 0)
		got, err := db.FindRecord(bg(), pair, engine.Local, "L1")
		ok(t, err)
		eq(t, "seen at of an unchanged record (not rewritten)", got.SeenAt, t0)
	}},
	{"SavePage/ChangedHashDirty", func(t *testing.T, db *store.DB) {
		save(t, db, engine.Local, "", cust("L1", "a@x.io"), cust("L2", "b@x.io"))
		apply(t, db, engine.Batch{Clean: []string{"L1", "L2"}})
		c := cust("L2", "new@x.io")
		c.Version = 2
		eq(t, "changed", save(t, db, engine.Local, "", cust("L1", "a@x.io"), c), 1)
		eq(t, "dirty", dirtyIDs(t, db, engine.Local), []string{"L2"})
		got, err := db.FindRecord(bg(), pair, engine.Local, "L2")
		ok(t, err)
		eq(t, "email", got.Email, "new@x.io")
		eq(t, "email key", got.Keys.Email, "new@x.io")
	}},
	{"SavePage/OlderVersionDoesNotRollBack", func(t *testing.T, db *store.DB) {
		c := cust("U1", "new@x.io")
		c.Version = 5
		save(t, db, engine.Upstream, "", c)
		old := cust("U1", "old@x.io")
		old.Version = 4
		eq(t, "changed", save(t, db, engine.Upstream, "", old), 0)
		got, err := db.FindRecord(bg(), pair, engine.Upstream, "U1")
		ok(t, err)
		eq(t, "email", got.Email, "new@x.io")
	}},
	{"SavePage/IdlePageWritesNothing", func(t *testing.T, db *store.DB) {
		save(t, db, engine.Upstream, "v10", cust("U1", "a@x.io"))
		before, err := db.FindCursor(bg(), pair, engine.Upstream)
		ok(t, err)
		// An idle run: an empty page whose cursor did not move, then one
		// with no cursor at all, then a re-read of an unchanged record.
		for _, p := range []engine.SavePage{
			{Pair: pair, Side: engine.Upstream, RunID: 9, Cursor: "v10", At: t0.Add(time.Hour)},
			{Pair: pair, Side: engine.Upstream, RunID: 9, At: t0.Add(time.Hour)},
			{Pair: pair, Side: engine.Upstream, RunID: 9, Cursor: "v10", At: t0.Add(time.Hour),
				Records: []engine.Record{rec(engine.Upstream, cust("U1", "a@x.io"))}},
		} {
			n, err := db.SavePage(bg(), p)
			ok(t, err)
			eq(t, "changed", n, 0)
		}
		after, err := db.FindCursor(bg(), pair, engine.Upstream)
		ok(t, err)
		eq(t, "cursor row (untouched)", after, before)
		got, err := db.FindRecord(bg(), pair, engine.Upstream, "U1")
		ok(t, err)
		eq(t, "record seen at (untouched)", got.SeenAt, t0)
	}},
	{"SavePage/CursorAdvancesWithItsPage", func(t *testing.T, db *store.DB) {
		c, err := db.Cursor(bg(), pair, engine.Local)
		ok(t, err)
		eq(t, "initial cursor", c, "")
		_, err = db.FindCursor(bg(), pair, engine.Local)
		isErr(t, err, engine.ErrNotFound)
		save(t, db, engine.Local, "c1", cust("L1", "a@x.io"))
		save(t, db, engine.Local, "c2", cust("L2", "b@x.io"))
		save(t, db, engine.Local, "") // "" keeps the stored cursor
		c, err = db.Cursor(bg(), pair, engine.Local)
		ok(t, err)
		eq(t, "cursor", c, "c2")
		c, err = db.Cursor(bg(), pair, engine.Upstream)
		ok(t, err)
		eq(t, "other side's cursor", c, "")
	}},
	{"SavePage/FailedPageMovesNeitherRecordsNorCursor", func(t *testing.T, db *store.DB) {
		save(t, db, engine.Local, "c1", cust("L0", "z@x.io"))
		// More than one upsert statement's worth of valid records, then one
		// the schema refuses: the whole page must roll back.
		var recs []engine.Record
		for _, id := range ids("L", 1200) {
			recs = append(recs, rec(engine.Local, cust(id, id+"@x.io")))
		}
		recs = append(recs, rec(engine.Local, cust("", "bad@x.io")))
		_, err := db.SavePage(bg(), engine.SavePage{Pair: pair, Side: engine.Local, RunID: 2, Records: recs,
			Bad: []engine.Quarantined{{ID: "Q1", Reason: "malformed"}}, Cursor: "c2", At: t0})
		if err == nil {
			t.Fatal("SavePage of a record with an empty id succeeded")
		}
		c, err := db.Cursor(bg(), pair, engine.Local)
		ok(t, err)
		eq(t, "cursor after a failed page", c, "c1")
		n, err := db.CountRecords(bg(), pair, engine.Local)
		ok(t, err)
		eq(t, "records after a failed page", n, 1)
		q, err := db.FindQuarantine(bg(), pair)
		ok(t, err)
		eq(t, "quarantined after a failed page", len(q), 0)
	}},
	{"SavePage/CancelledContextMovesNothing", func(t *testing.T, db *store.DB) {
		save(t, db, engine.Local, "c1", cust("L0", "z@x.io"))
		ctx, cancel := context.WithCancel(bg())
		cancel()
		_, err := db.SavePage(ctx, engine.SavePage{Pair: pair, Side: engine.Local, RunID: 2, Cursor: "c2", At: t0,
			Records: []engine.Record{rec(engine.Local, cust("L1", "a@x.io"))}})
		if err == nil {
			t.Fatal("SavePage with a cancelled context succeeded")
		}
		c, err := db.Cursor(bg(), pair, engine.Local)
		ok(t, err)
		eq(t, "cursor", c, "c1")
		_, err = db.FindRecord(bg(), pair, engine.Local, "L1")
		isErr(t, err, engine.ErrNotFound)
	}},
	{"SavePage/QuarantinesBadRecords", func(t *testing.T, db *store.DB) {
		n, err := db.SavePage(bg(), engine.SavePage{Pair: pair, Side: engine.Upstream, RunID: 3, At: t0,
			Records: []engine.Record{rec(engine.Upstream, cust("U1", "a@x.io"))},
			Bad: []engine.Quarantined{{ID: "U2", Reason: "birthday: impossible date", Raw: []byte(`{"id":"U2",`)},
				{Reason: "not JSON", Raw: []byte{0xff, 0x00}}}})
		ok(t, err)
		eq(t, "changed", n, 1)
		q, err := db.FindQuarantine(bg(), pair)
		ok(t, err)
		if len(q) != 2 {
			t.Fatalf("quarantined = %d, want 2", len(q))
		}
		slices.SortFunc(q, func(a, b store.QuarantineEntry) int { return cmp.Compare(a.ID, b.ID) })
		eq(t, "first", []any{q[0].RecordID, q[0].Reason, string(q[0].Raw), q[0].Side, q[0].RunID, q[0].At},
			[]any{"U2", "birthday: impossible date", `{"id":"U2",`, engine.Upstream, int64(3), t0})
		eq(t, "raw bytes kept as they were", q[1].Raw, []byte{0xff, 0x00})
	}},
	{"SavePage/RepeatedIDLastWins", func(t *testing.T, db *store.DB) {
		a, b := cust("L1", "first@x.io"), cust("L1", "second@x.io")
		eq(t, "changed", save(t, db, engine.Local, "", a, b), 1)
		got, err := db.FindRecord(bg(), pair, engine.Local, "L1")
		ok(t, err)
		eq(t, "email", got.Email, "second@x.io")
	}},
	{"SavePage/PairsAndSidesAreSeparate", func(t *testing.T, db *store.DB) {
		save(t, db, engine.Local, "c1", cust("X", "a@x.io"))
		eq(t, "same id upstream is new", save(t, db, engine.Upstream, "u1", cust("X", "a@x.io")), 1)
		n, err := db.SavePage(bg(), engine.SavePage{Pair: "other", Side: engine.Local, At: t0,
			Records: []engine.Record{rec(engine.Local, cust("X", "a@x.io"))}})
		ok(t, err)
		eq(t, "same id in another pair is new", n, 1)
	}},
}

var recordTests = []test{
	{"Records/FindByEachKey", func(t *testing.T, db *store.DB) {
		a := cust("L1", "ann@x.io")
		a.AccountCode, a.ExternalRef = "C1", "U1"
		b := cust("L2", "")
		save(t, db, engine.Local, "", a, b, cust("L3", "cat@x.io"))
		for _, tc := range []struct {
			key    engine.Key
			values []string
			want   []string
		}{
			{engine.KeyID, []string{"L2", "nope"}, []string{"L2"}},
			{engine.KeyEmail, []string{"ann@x.io", "cat@x.io", ""}, []string{"L1", "L3"}},
			{engine.KeyAccountCode, []string{"C1"}, []string{"L1"}},
			{engine.KeyExternalRef, []string{"U1"}, []string{"L1"}},
			{engine.KeyEmail, []string{""}, nil}, // empty keys never match
		} {
			rs, err := db.FindRecords(bg(), pair, engine.Local, tc.key, tc.values)
			ok(t, err)
			var got []string
			for _, r := range rs {
				got = append(got, r.ID)
			}
			slices.Sort(got)
			eq(t, fmt.Sprintf("find by %s %v", tc.key, tc.values), got, tc.want)
		}
		_, err := db.FindRecords(bg(), pair, engine.Local, engine.Key("nickname"), []string{"x"})
		isErr(t, err, engine.ErrInvalid)
	}},
	{"Records/FindManyValuesInChunks", func(t *testing.T, db *store.DB) {
		var cs []engine.Customer
		for _, id := range ids("U", 2500) {
			cs = append(cs, cust(id, id+"@x.io"))
		}
		save(t, db, engine.Upstream, "", cs...)
		var emails []string
		for i, id := range ids("U", 2500) {
			if i%2 == 0 {
				emails = append(emails, strings.ToLower(id)+"@x.io")
			}
		}
		rs, err := db.FindRecords(bg(), pair, engine.Upstream, engine.KeyEmail, append(emails, "none@x.io"))
		ok(t, err)
		eq(t, "found", len(rs), 1250)
	}},
	{"Records/CountExcludesDeleted", func(t *testing.T, db *store.DB) {
		d := cust("U2", "b@x.io")
		d.Deleted = true
		save(t, db, engine.Upstream, "", cust("U1", "a@x.io"), d)
		n, err := db.CountRecords(bg(), pair, engine.Upstream)
		ok(t, err)
		eq(t, "live records", n, 1)
	}},
	{"Records/DirtyPagesByID", func(t *testing.T, db *store.DB) {
		save(t, db, engine.Local, "", cust("L3", ""), cust("L1", ""), cust("L2", ""), cust("L4", ""))
		rs, err := db.DirtyRecords(bg(), pair, engine.Local, "L1", 2)
		ok(t, err)
		eq(t, "page", []string{rs[0].ID, rs[1].ID}, []string{"L2", "L3"})
		eq(t, "page size", len(rs), 2)
	}},
	{"Records/FindRecordNotFound", func(t *testing.T, db *store.DB) {
		_, err := db.FindRecord(bg(), pair, engine.Local, "missing")
		isErr(t, err, engine.ErrNotFound)
	}},
}
