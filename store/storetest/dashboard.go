package storetest

import (
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

// suggest stores open suggestions local→upstream with scores.
func suggest(t *testing.T, db *store.DB, ss ...engine.Suggestion) {
	t.Helper()
	for i := range ss {
		if ss[i].Reason == "" {
			ss[i].Reason = engine.ReasonAmbiguousEmail
		}
	}
	apply(t, db, engine.Batch{Suggestions: ss})
}

func queueIDs(t *testing.T, db *store.DB, f store.QueueFilter) []int64 {
	t.Helper()
	f.Pair = pair
	items, err := db.ReviewQueue(bg(), f)
	ok(t, err)
	out := []int64{}
	for _, it := range items {
		if !it.HasLocal || !it.HasUpstream || it.Local.ID != it.Suggestion.LocalID || it.Upstream.ID != it.Suggestion.UpstreamID {
			t.Fatalf("queue item %d lacks its records: %+v", it.Suggestion.ID, it)
		}
		out = append(out, it.Suggestion.ID)
	}
	return out
}

var dashboardTests = []test{
	{"Dashboard/Users", func(t *testing.T, db *store.DB) {
		u, err := db.CreateUser(bg(), " Ann@Shop.NZ ", "$2a$hash")
		ok(t, err)
		eq(t, "stored email", u.Email, "ann@shop.nz")
		_, err = db.CreateUser(bg(), "ANN@shop.nz", "$2a$other")
		isErr(t, err, engine.ErrConflict)
		_, err = db.CreateUser(bg(), "", "$2a$hash")
		isErr(t, err, engine.ErrInvalid)
		got, err := db.FindUserByEmail(bg(), "ann@SHOP.nz")
		ok(t, err)
		eq(t, "found", []any{got.ID, got.PasswordHash}, []any{u.ID, "$2a$hash"})
		_, err = db.FindUserByEmail(bg(), "bob@shop.nz")
		isErr(t, err, engine.ErrNotFound)
		n, err := db.CountUsers(bg())
		ok(t, err)
		eq(t, "users", n, 1)

		ok(t, db.CreateSession(bg(), store.Session{TokenHash: "h1", UserID: u.ID, ExpiresAt: t0.Add(time.Hour), UserAgent: "x\xffy"}))
		ok(t, db.SetUserPassword(bg(), "ann@shop.nz", "$2a$new"))
		_, err = db.FindSession(bg(), "h1", t0)
		isErr(t, err, engine.ErrNotFound) // a new password signs every browser out
		got, err = db.FindUserByEmail(bg(), "ann@shop.nz")
		ok(t, err)
		eq(t, "new hash", got.PasswordHash, "$2a$new")
		isErr(t, db.SetUserPassword(bg(), "bob@shop.nz", "$2a$x"), engine.ErrNotFound)
	}},
	{"Dashboard/Sessions", func(t *testing.T, db *store.DB) {
		u, err := db.CreateUser(bg(), "ann@shop.nz", "$2a$hash")
		ok(t, err)
		ok(t, db.CreateSession(bg(), store.Session{TokenHash: "h1", UserID: u.ID, ExpiresAt: t0.Add(time.Hour), RemoteAddr: "10.0.0.1"}))
		ok(t, db.CreateSession(bg(), store.Session{TokenHash: "h2", UserID: u.ID, ExpiresAt: t0.Add(time.Minute)}))
		isErr(t, db.CreateSession(bg(), store.Session{TokenHash: "h3"}), engine.ErrInvalid)
		s, err := db.FindSession(bg(), "h1", t0)
		ok(t, err)
		eq(t, "session", []any{s.UserID, s.Email, s.ExpiresAt, s.RemoteAddr}, []any{u.ID, "ann@shop.nz", t0.Add(time.Hour), "10.0.0.1"})
		_, err = db.FindSession(bg(), "h2", t0.Add(2*time.Minute))
		isErr(t, err, engine.ErrNotFound) // expired
		ok(t, db.ExtendSession(bg(), "h2", t0.Add(3*time.Hour), t0.Add(2*time.Minute)))
		_, err = db.FindSession(bg(), "h2", t0.Add(2*time.Minute))
		ok(t, err)
		n, err := db.DeleteExpiredSessions(bg(), t0.Add(2*time.Hour))
		ok(t, err)
		eq(t, "expired sessions deleted", n, 1)
		ok(t, db.DeleteSession(bg(), "h2"))
		ok(t, db.DeleteSession(bg(), "h2"))
		_, err = db.FindSession(bg(), "h2", t0)
		isErr(t, err, engine.ErrNotFound)
	}},
	{"Dashboard/APITokens", func(t *testing.T, db *store.DB) {
		u, err := db.CreateUser(bg(), "ann@shop.nz", "$2a$hash")
		ok(t, err)
		tok, err := db.CreateAPIToken(bg(), u.ID, "nightly", "th1", "accord_ab")
		ok(t, err)
		_, err = db.CreateAPIToken(bg(), u.ID+99, "x", "th2", "accord_cd")
		isErr(t, err, engine.ErrNotFound)
		_, err = db.CreateAPIToken(bg(), u.ID, "dup", "th1", "accord_ab")
		isErr(t, err, engine.ErrConflict)
		found, err := db.FindAPIToken(bg(), "th1")
		ok(t, err)
		eq(t, "token", []any{found.ID, found.Email, found.Name, found.Prefix}, []any{tok.ID, "ann@shop.nz", "nightly", "accord_ab"})
		ok(t, db.TouchAPIToken(bg(), tok.ID, t0))
		list, err := db.FindAPITokens(bg(), u.ID)
		ok(t, err)
		eq(t, "listed", []any{len(list), list[0].LastUsedAt}, []any{1, t0})
		ok(t, db.RevokeAPIToken(bg(), u.ID, tok.ID))
		isErr(t, db.RevokeAPIToken(bg(), u.ID, tok.ID), engine.ErrConflict)
		_, err = db.FindAPIToken(bg(), "th1")
		isErr(t, err, engine.ErrNotFound)
		es, _, err := db.FindAudit(bg(), store.AuditFilter{Actor: "ann@shop.nz"})
		ok(t, err)
		eq(t, "audited", []string{es[0].Action, es[1].Action}, []string{store.ActionRevokeToken, store.ActionCreateToken})
	}},
	{"Dashboard/Settings", func(t *testing.T, db *store.DB) {
		_, err := db.FindPairSettings(bg(), pair)
		isErr(t, err, engine.ErrNotFound)
		n, pct := 100, 5.5
		ok(t, db.SavePairSettings(bg(), store.PairSettings{Pair: pair, MaxCreates: &n, MaxPercent: &pct}, "ann"))
		s, err := db.FindPairSettings(bg(), pair)
		ok(t, err)
		eq(t, "saved", []any{*s.MaxCreates, *s.MaxPercent, s.Schedule == nil, s.UpdatedBy}, []any{100, 5.5, true, "ann"})
		sched := "@daily"
		ok(t, db.SavePairSettings(bg(), store.PairSettings{Pair: pair, Schedule: &sched}, "bob"))
		s, err = db.FindPairSettings(bg(), pair)
		ok(t, err)
		eq(t, "replaced", []any{*s.Schedule, s.MaxCreates == nil, s.UpdatedBy}, []any{"@daily", true, "bob"})
		bad := -1
		isErr(t, db.SavePairSettings(bg(), store.PairSettings{Pair: pair, MaxCreates: &bad}, "ann"), engine.ErrInvalid)
		audited(t, db, "pair:"+pair, store.ActionSaveSettings, "bob")
	}},
	{"Dashboard/ReviewQueue", func(t *testing.T, db *store.DB) {
		save(t, db, engine.Local, "", cust("L1", "ann@x.nz"), cust("L2", "bob@x.nz"), cust("L3", "cat@x.nz"), cust("L4", "dan@x.nz"))
		save(t, db, engine.Upstream, "", cust("U1", "ann@x.nz"), cust("U2", "bob@x.nz"), cust("U3", "cat@x.nz"), cust("U4", "dan@x.nz"))
		suggest(t, db,
			engine.Suggestion{LocalID: "L1", UpstreamID: "U1", Score: 0.8},
			engine.Suggestion{LocalID: "L2", UpstreamID: "U2", Score: 0.95},
			engine.Suggestion{LocalID: "L3", UpstreamID: "U3", Score: 0.9},
			engine.Suggestion{LocalID: "L3", UpstreamID: "U4", Score: 0.9, Reason: engine.ReasonContradictingTiers},
			engine.Suggestion{LocalID: "L4", UpstreamID: "U4", Score: 0.85})
		eq(t, "best score first, then newest", queueIDs(t, db, store.QueueFilter{}), []int64{2, 4, 3, 5, 1})
		eq(t, "page 1", queueIDs(t, db, store.QueueFilter{Limit: 2}), []int64{2, 4})
		eq(t, "page 2", queueIDs(t, db, store.QueueFilter{Limit: 2, AfterScore: 0.9, AfterID: 4}), []int64{3, 5})
		eq(t, "oldest first", queueIDs(t, db, store.QueueFilter{Oldest: true, AfterID: 3}), []int64{4, 5})
		eq(t, "min score", queueIDs(t, db, store.QueueFilter{MinScore: 0.9}), []int64{2, 4, 3})
		eq(t, "reason", queueIDs(t, db, store.QueueFilter{Reason: engine.ReasonContradictingTiers}), []int64{4})
		eq(t, "by email prefix", queueIDs(t, db, store.QueueFilter{Search: store.SearchKeys{Email: "bob@"}}), []int64{2})
		eq(t, "by name prefix", queueIDs(t, db, store.QueueFilter{Search: store.SearchKeys{Name: "first l4"}}), []int64{5})
		eq(t, "by upstream id", queueIDs(t, db, store.QueueFilter{Search: store.SearchKeys{ID: "U4"}}), []int64{4, 5})
		n, capped, err := db.CountQueue(bg(), store.QueueFilter{Pair: pair}, 3)
		ok(t, err)
		eq(t, "capped count", []any{n, capped}, []any{3, true})
		n, capped, err = db.CountQueue(bg(), store.QueueFilter{Pair: pair, MinScore: 0.9}, 10)
		ok(t, err)
		eq(t, "count", []any{n, capped}, []any{3, false})
		// L3 and U4 each have two rival suggestions: bulk approval leaves
		// them for a person.
		got, err := db.BulkApprovable(bg(), store.QueueFilter{Pair: pair, MinScore: 0.8}, 10)
		ok(t, err)
		eq(t, "bulk-approvable", got, []int64{2, 1})
		_, err = db.ApproveSuggestion(bg(), 2, "ann")
		ok(t, err)
		eq(t, "decided ones leave the queue", queueIDs(t, db, store.QueueFilter{}), []int64{4, 3, 5, 1})
		eq(t, "history", queueIDs(t, db, store.QueueFilter{Status: engine.ReviewApproved}), []int64{2})
	}},
	{"Dashboard/LinksAndWork", func(t *testing.T, db *store.DB) {
		save(t, db, engine.Local, "", cust("L1", "ann@x.nz"), cust("L2", "bob@x.nz"))
		save(t, db, engine.Upstream, "", cust("U1", "ann@x.nz"), cust("U2", "bob@x.nz"))
		l1 := link(t, db, "L1", "U1")
		l2 := link(t, db, "L2", "U2")
		search := func(f store.LinkSearch) []int64 {
			f.Pair = pair
			ls, err := db.SearchLinks(bg(), f)
			ok(t, err)
			out := []int64{}
			for _, l := range ls {
				out = append(out, l.ID)
			}
			return out
		}
		eq(t, "newest first", search(store.LinkSearch{}), []int64{l2.ID, l1.ID})
		eq(t, "before", search(store.LinkSearch{BeforeID: l2.ID}), []int64{l1.ID})
		eq(t, "by local id", search(store.LinkSearch{Search: store.SearchKeys{ID: "L1"}}), []int64{l1.ID})
		eq(t, "by email", search(store.LinkSearch{Search: store.SearchKeys{Email: "bob@x.nz"}}), []int64{l2.ID})
		eq(t, "by name", search(store.LinkSearch{Search: store.SearchKeys{Name: "first l"}}), []int64{l2.ID, l1.ID})
		n, capped, err := db.CountLinks(bg(), store.LinkSearch{Pair: pair}, 1)
		ok(t, err)
		eq(t, "capped", []any{n, capped}, []any{1, true})
		recs, err := db.FindRecordsByID(bg(), pair, []string{"L1", "nope"}, []string{"U2"})
		ok(t, err)
		eq(t, "records", len(recs), 2)
		eq(t, "record", recs[engine.Ref{Side: engine.Upstream, ID: "U2"}].Email, "bob@x.nz")

		apply(t, db, engine.Batch{Conflicts: []engine.Conflict{
			{LinkID: l1.ID, LocalID: "L1", UpstreamID: "U1", Field: engine.FieldPhone, LocalValue: "1", UpstreamValue: "2"},
			{LinkID: l1.ID, LocalID: "L1", UpstreamID: "U1", Field: engine.FieldCompany, LocalValue: "A", UpstreamValue: "B"},
			{LinkID: l2.ID, LocalID: "L2", UpstreamID: "U2", Field: engine.FieldPhone, LocalValue: "3", UpstreamValue: "4"},
		}})
		links, err := db.ConflictLinks(bg(), pair, 0, 10)
		ok(t, err)
		eq(t, "links with conflicts", links, []int64{l1.ID, l2.ID})
		links, err = db.ConflictLinks(bg(), pair, l1.ID, 10)
		ok(t, err)
		eq(t, "after", links, []int64{l2.ID})
		cs, err := db.OpenConflictsOf(bg(), []int64{l1.ID})
		ok(t, err)
		eq(t, "conflicts of a link", len(cs), 2)

		suggest(t, db, engine.Suggestion{LocalID: "L9", UpstreamID: "U9", Score: 0.8})
		dupes(t, db, []string{"L8", "L9"})
		w, err := db.OpenWork(bg(), pair)
		ok(t, err)
		eq(t, "open work", w, store.OpenWork{Suggestions: 1, Conflicts: 3, ConflictLinks: 2, DuplicateSets: 1})

		r, err := db.CreateRun(bg(), engine.Run{Pair: pair, StartedAt: t0, APICalls: 0})
		ok(t, err)
		r.APICalls, r.Status = 7, engine.RunSucceeded
		ok(t, db.FinishRun(bg(), r))
		calls, err := db.APICallsSince(bg(), pair, t0.Add(-time.Minute))
		ok(t, err)
		eq(t, "calls since", calls, int64(7))
		calls, err = db.APICallsSince(bg(), pair, t0.Add(time.Minute))
		ok(t, err)
		eq(t, "calls since later", calls, int64(0))
	}},
}
