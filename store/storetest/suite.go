package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

// test is one conformance test, run against a fresh store.
type test struct {
	name string
	fn   func(t *testing.T, db *store.DB)
}

// Run runs the conformance suite; open returns a fresh, migrated store for
// each test.
func Run(t *testing.T, open func(t *testing.T) *store.DB) {
	var all []test
	for _, group := range [][]test{
		migrateTests, savePageTests, recordTests, linkTests, suggestionTests, duplicateTests,
		blockedTests, conflictTests, outboxTests, outboxBatchTests, runTests, lockTests, usageTests, dashboardTests, fuzzyTests,
	} {
		all = append(all, group...)
	}
	for _, tc := range all {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t))
		})
	}
}

// t0 is the suite's fixed clock origin; times are in UTC at microseconds,
// as the store writes them.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589793000, time.UTC)

const pair = "main"

func bg() context.Context { return context.Background() }

// cust builds a customer with an email and a name derived from id.
func cust(id, email string) engine.Customer {
	return engine.Customer{ID: id, Email: email, FirstName: "First " + id, LastName: "Last",
		UpdatedAt: t0, Version: 1}
}

// rec builds the record of c on side with simple keys (the real normaliser
// lives in matchers; the store only stores what it is given).
func rec(side engine.Side, c engine.Customer) engine.Record {
	return engine.Record{Pair: pair, Side: side, Customer: c, Hash: c.Hash(), SeenAt: t0,
		Keys: engine.Keys{Email: strings.ToLower(strings.TrimSpace(c.Email)), AccountCode: c.AccountCode,
			Name: strings.ToLower(c.FirstName + " " + c.LastName)}}
}

// save stores customers on side as one page and returns how many changed.
func save(t *testing.T, db *store.DB, side engine.Side, cursor string, cs ...engine.Customer) int {
	t.Helper()
	p := engine.SavePage{Pair: pair, Side: side, RunID: 1, Cursor: cursor, At: t0}
	for _, c := range cs {
		p.Records = append(p.Records, rec(side, c))
	}
	n, err := db.SavePage(bg(), p)
	ok(t, err)
	return n
}

// apply stores a batch with the suite's pair and clock filled in.
func apply(t *testing.T, db *store.DB, b engine.Batch) {
	t.Helper()
	ok(t, applyErr(db, b))
}

func applyErr(db *store.DB, b engine.Batch) error {
	b.Pair = pair
	if b.Side == "" {
		b.Side = engine.Local
	}
	if b.At.IsZero() {
		b.At = t0
	}
	if b.RunID == 0 {
		b.RunID = 1
	}
	return db.ApplyBatch(bg(), b)
}

// link stores an active link between local and upstream and returns it.
func link(t *testing.T, db *store.DB, local, upstream string) engine.Link {
	t.Helper()
	apply(t, db, engine.Batch{Links: []engine.Link{{LocalID: local, UpstreamID: upstream,
		Method: engine.MethodEmail, State: engine.LinkActive, Evidence: engine.Evidence{Rule: "email"}}}})
	ls, err := db.LinksFor(bg(), pair, engine.Local, []string{local})
	ok(t, err)
	if len(ls) != 1 {
		t.Fatalf("links of %s = %d, want 1", local, len(ls))
	}
	return ls[0]
}

func dirtyIDs(t *testing.T, db *store.DB, side engine.Side) []string {
	t.Helper()
	rs, err := db.DirtyRecords(bg(), pair, side, "", 10000)
	ok(t, err)
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

func ok(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func isErr(t testing.TB, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want one wrapping %q", err, target)
	}
}

func eq[T any](t testing.TB, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s = %#v, want %#v", what, got, want)
	}
}

// audited checks that the newest audit entry of subject is action by actor.
func audited(t *testing.T, db *store.DB, subject, action, actor string) store.AuditEntry {
	t.Helper()
	es, _, err := db.FindAudit(bg(), store.AuditFilter{Pair: pair, Subject: subject})
	ok(t, err)
	if len(es) == 0 {
		t.Fatalf("no audit entry for %s", subject)
	}
	e := es[0]
	if e.Action != action || e.Actor != actor {
		t.Fatalf("audit of %s = %s by %s, want %s by %s", subject, e.Action, e.Actor, action, actor)
	}
	return e
}

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%06d", prefix, i)
	}
	return out
}
