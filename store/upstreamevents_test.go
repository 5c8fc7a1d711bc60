package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

var evAt = time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)

// linkUp stores upstream records and an active link local↔upstream.
func linkUp(t *testing.T, db *store.DB, local, upstream string) engine.Link {
	t.Helper()
	ctx := context.Background()
	var recs []engine.Record
	for _, id := range []string{upstream} {
		c := engine.Customer{ID: id, Email: id + "@example.com", UpdatedAt: evAt, Version: 1}
		recs = append(recs, engine.Record{Pair: "main", Side: engine.Upstream, Customer: c, Hash: c.Hash(), SeenAt: evAt})
	}
	_, err := db.SavePage(ctx, engine.SavePage{Pair: "main", Side: engine.Upstream, RunID: 1, Records: recs,
		Cursor: "c-" + upstream, At: evAt})
	must(t, err)
	must(t, db.ApplyBatch(ctx, engine.Batch{Pair: "main", Side: engine.Local, RunID: 1, At: evAt,
		Links: []engine.Link{{LocalID: local, UpstreamID: upstream, Method: engine.MethodEmail,
			State: engine.LinkActive, Evidence: engine.Evidence{Rule: "email"}}}}))
	ls, err := db.LinksFor(ctx, "main", engine.Local, []string{local})
	must(t, err)
	if len(ls) != 1 {
		t.Fatalf("links of %s = %d", local, len(ls))
	}
	return ls[0]
}

func linkOf(t *testing.T, db *store.DB, local string) engine.Link {
	t.Helper()
	ls, err := db.LinksFor(context.Background(), "main", engine.Local, []string{local})
	must(t, err)
	if len(ls) != 1 {
		t.Fatalf("links of %s = %d, want 1", local, len(ls))
	}
	return ls[0]
}

func lastAudit(t *testing.T, db *store.DB, l engine.Link) store.AuditEntry {
	t.Helper()
	es, _, err := db.FindAudit(context.Background(), store.AuditFilter{Subject: fmt.Sprintf("link:%d", l.ID)})
	must(t, err)
	if len(es) == 0 {
		t.Fatalf("link %d: no audit entry", l.ID)
	}
	return es[0]
}

func TestMergeRepointsTheLinkAndIsAudited(t *testing.T) {
	t.Parallel()
	onBoth(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l := linkUp(t, db, "L1", "SQ-A")
		m := engine.UpstreamMerge{Pair: "main", EventID: "ev-1", Actor: "webhook:square", From: []string{"SQ-A", "SQ-B"},
			To: "SQ-C", At: evAt}
		res, err := db.MergeUpstream(ctx, m)
		must(t, err)
		if len(res.Repointed) != 1 || res.Repointed[0].UpstreamID != "SQ-C" || len(res.Review) != 0 {
			t.Fatalf("merge result = %+v, want L1's link re-pointed to SQ-C", res)
		}
		got := linkOf(t, db, "L1")
		if got.ID != l.ID || got.UpstreamID != "SQ-C" || got.State != engine.LinkActive {
			t.Fatalf("link after merge = %+v", got)
		}
		a := lastAudit(t, db, l)
		if a.Action != store.ActionRepointLink || a.Actor != "webhook:square" || a.Detail["to"] != "SQ-C" ||
			a.Detail["from_upstream_id"] != "SQ-A" {
			t.Fatalf("audit = %+v", a)
		}
		rec, err := db.FindRecord(ctx, "main", engine.Upstream, "SQ-A")
		must(t, err)
		if !rec.Deleted {
			t.Fatal("the merged customer's record is still live")
		}

		// A replay (same event id) and a later event naming the same merge
		// (Square sends one per merged profile) change nothing.
		res, err = db.MergeUpstream(ctx, m)
		must(t, err)
		if !res.Replayed {
			t.Fatalf("replay result = %+v, want Replayed", res)
		}
		m.EventID = "ev-2"
		res, err = db.MergeUpstream(ctx, m)
		must(t, err)
		if res.Replayed || len(res.Repointed)+len(res.Review) != 0 {
			t.Fatalf("second event of the merge = %+v, want nothing to do", res)
		}
		es, n, err := db.FindAudit(ctx, store.AuditFilter{Subject: fmt.Sprintf("link:%d", l.ID)})
		must(t, err)
		if n != 1 {
			t.Fatalf("audit entries of the link = %d (%+v), want 1", n, es)
		}
	})
}

func TestMergeIntoALinkedSurvivorGoesToReview(t *testing.T) {
	t.Parallel()
	onBoth(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		la := linkUp(t, db, "L1", "SQ-A")
		linkUp(t, db, "L2", "SQ-C")
		res, err := db.MergeUpstream(ctx, engine.UpstreamMerge{Pair: "main", EventID: "ev-9", Actor: "webhook:square",
			From: []string{"SQ-A"}, To: "SQ-C", At: evAt})
		must(t, err)
		if len(res.Repointed) != 0 || len(res.Review) != 1 {
			t.Fatalf("result = %+v, want one link to review", res)
		}
		got := linkOf(t, db, "L1")
		if got.UpstreamID != "SQ-A" || got.State != engine.LinkUpstreamDeleted {
			t.Fatalf("L1's link = %+v, want SQ-A kept, upstream_deleted", got)
		}
		if s := linkOf(t, db, "L2"); s.UpstreamID != "SQ-C" || s.State != engine.LinkActive {
			t.Fatalf("the survivor's link changed: %+v", s)
		}
		if a := lastAudit(t, db, la); a.Action != store.ActionMergeToReview {
			t.Fatalf("audit = %+v", a)
		}
	})
}

func TestMergeOfTwoLinkedCustomersGuessesNothing(t *testing.T) {
	t.Parallel()
	onBoth(t, func(t *testing.T, db *store.DB) {
		linkUp(t, db, "L1", "SQ-A")
		linkUp(t, db, "L2", "SQ-B")
		res, err := db.MergeUpstream(context.Background(), engine.UpstreamMerge{Pair: "main", EventID: "ev-3",
			From: []string{"SQ-A", "SQ-B"}, To: "SQ-C", At: evAt})
		must(t, err)
		if len(res.Repointed) != 0 || len(res.Review) != 2 {
			t.Fatalf("result = %+v, want both links to review", res)
		}
	})
}

func TestDeleteGoesToReview(t *testing.T) {
	t.Parallel()
	onBoth(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l := linkUp(t, db, "L1", "SQ-A")
		d := engine.UpstreamDelete{Pair: "main", EventID: "ev-5", Actor: "webhook:square", UpstreamID: "SQ-A", At: evAt}
		res, err := db.DeleteUpstream(ctx, d)
		must(t, err)
		if len(res.Review) != 1 {
			t.Fatalf("result = %+v", res)
		}
		got := linkOf(t, db, "L1")
		if got.State != engine.LinkUpstreamDeleted || got.UpstreamID != "SQ-A" || got.LocalID != "L1" {
			t.Fatalf("link = %+v", got)
		}
		if a := lastAudit(t, db, l); a.Action != store.ActionUpstreamDelete || a.Actor != "webhook:square" {
			t.Fatalf("audit = %+v", a)
		}
		res, err = db.DeleteUpstream(ctx, d)
		must(t, err)
		if !res.Replayed {
			t.Fatalf("replay = %+v", res)
		}
		d.EventID = "ev-6" // a redelivery under a new id is harmless too
		res, err = db.DeleteUpstream(ctx, d)
		must(t, err)
		if len(res.Review) != 0 {
			t.Fatalf("second delete = %+v", res)
		}
		// A merge that arrives after the plain delete still follows it.
		res, err = db.MergeUpstream(ctx, engine.UpstreamMerge{Pair: "main", EventID: "ev-7", From: []string{"SQ-A"},
			To: "SQ-Z", At: evAt})
		must(t, err)
		if got := linkOf(t, db, "L1"); len(res.Repointed) != 1 || got.UpstreamID != "SQ-Z" || got.State != engine.LinkActive {
			t.Fatalf("merge after delete: %+v, link %+v", res, got)
		}
	})
}
