package storetest

import (
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

// plan stores create_upstream writes for local records in run 1 and returns
// them.
func plan(t *testing.T, db *store.DB, sourceIDs ...string) []engine.Write {
	t.Helper()
	b := engine.Batch{}
	for _, id := range sourceIDs {
		b.Writes = append(b.Writes, engine.Write{Kind: engine.WriteCreateUpstream, SourceID: id, Customer: cust(id, id+"@x.io")})
	}
	apply(t, db, b)
	ws, _, err := db.FindWrites(bg(), store.WriteFilter{Pair: pair, RunID: 1})
	ok(t, err)
	return ws
}

func write(t *testing.T, db *store.DB, id int64) engine.Write {
	t.Helper()
	ws, _, err := db.FindWrites(bg(), store.WriteFilter{ID: id})
	ok(t, err)
	if len(ws) != 1 {
		t.Fatalf("write %d not found", id)
	}
	return ws[0]
}

func linkByID(t *testing.T, db *store.DB, id int64) (engine.Link, bool) {
	t.Helper()
	ls, _, err := db.FindLinks(bg(), store.LinkFilter{ID: id})
	ok(t, err)
	if len(ls) == 0 {
		return engine.Link{}, false
	}
	return ls[0], true
}

func due(t *testing.T, db *store.DB, now time.Time) []int64 {
	t.Helper()
	ws, err := db.DueWrites(bg(), pair, now, 0, 100)
	ok(t, err)
	var out []int64
	for _, w := range ws {
		out = append(out, w.ID)
	}
	return out
}

var outboxTests = []test{
	{"Outbox/PlannedWithPendingLinkAndKey", func(t *testing.T, db *store.DB) {
		c := cust("L1", "a@x.io")
		c.Address.City, c.Raw = "Nelson", []byte(`{"id":"L1"}`)
		apply(t, db, engine.Batch{Writes: []engine.Write{
			{Kind: engine.WriteCreateUpstream, SourceID: "L1", Customer: c},
			{Kind: engine.WriteCreateLocal, SourceID: "U7", Customer: cust("U7", "")}}})
		ws, _, err := db.FindWrites(bg(), store.WriteFilter{Pair: pair})
		ok(t, err)
		eq(t, "writes", len(ws), 2)
		w := ws[0]
		eq(t, "write", []any{w.Kind, w.SourceID, w.Status, w.RunID, w.Attempts, w.Customer},
			[]any{engine.WriteCreateUpstream, "L1", engine.WritePlanned, int64(1), 0, c})
		eq(t, "idempotency key derived from the link", w.IdempotencyKey, engine.IdempotencyKey(pair, w.LinkID))
		l, found := linkByID(t, db, w.LinkID)
		if !found {
			t.Fatal("no pending link for the write")
		}
		eq(t, "pending link", []any{l.LocalID, l.UpstreamID, l.Method, l.State}, []any{"L1", "", engine.MethodPushed, engine.LinkPending})
		l, _ = linkByID(t, db, ws[1].LinkID)
		eq(t, "pending local link", []any{l.LocalID, l.UpstreamID, l.Method, l.State}, []any{"", "U7", engine.MethodPulled, engine.LinkPending})
		if ws[0].IdempotencyKey == ws[1].IdempotencyKey {
			t.Fatal("two writes share an idempotency key")
		}
	}},
	{"Outbox/NoSecondCreationOfARecord", func(t *testing.T, db *store.DB) {
		plan(t, db, "L1")
		err := applyErr(db, engine.Batch{RunID: 2, Writes: []engine.Write{{Kind: engine.WriteCreateUpstream, SourceID: "L1"}}})
		isErr(t, err, engine.ErrConflict)
		n, _, err := db.FindWrites(bg(), store.WriteFilter{Pair: pair})
		ok(t, err)
		eq(t, "writes", len(n), 1)
	}},
	{"Outbox/PlanSummaryAndRelease", func(t *testing.T, db *store.DB) {
		save(t, db, engine.Local, "", cust("L1", ""), cust("L2", ""), cust("L3", ""))
		save(t, db, engine.Upstream, "", cust("U1", ""))
		plan(t, db, "L1", "L2")
		s, err := db.PlanSummary(bg(), pair, 1)
		ok(t, err)
		eq(t, "summary", s, engine.PlanSummary{CreateUpstream: 2, LocalSize: 3, UpstreamSize: 1})
		n, err := db.ReleasePlan(bg(), pair, 1, false)
		ok(t, err)
		eq(t, "released", n, 2)
		counts, err := db.WriteCounts(bg(), pair)
		ok(t, err)
		eq(t, "counts", counts, map[engine.WriteStatus]int{engine.WritePending: 2})
		n, err = db.ReleasePlan(bg(), pair, 1, false)
		ok(t, err)
		eq(t, "released twice", n, 0)
	}},
	{"Outbox/ReleaseAdoptsOrphanedPlans", func(t *testing.T, db *store.DB) {
		// Run 1 planned L1 and crashed before its plan step; run 2 adopts it.
		plan(t, db, "L1")
		s, err := db.PlanSummary(bg(), pair, 2)
		ok(t, err)
		eq(t, "orphans counted", s.CreateUpstream, 1)
		n, err := db.ReleasePlan(bg(), pair, 2, true)
		ok(t, err)
		eq(t, "adopted", n, 1)
		ws, _, err := db.FindWrites(bg(), store.WriteFilter{Pair: pair, RunID: 2, Status: engine.WriteHeld})
		ok(t, err)
		eq(t, "held under the adopting run", len(ws), 1)
	}},
	{"Outbox/Lifecycle", func(t *testing.T, db *store.DB) {
		w := plan(t, db, "L1")[0]
		eq(t, "due while planned", len(due(t, db, time.Now().Add(time.Hour))), 0)
		_, err := db.ReleasePlan(bg(), pair, 1, false)
		ok(t, err)
		now := time.Now().Add(time.Minute)
		eq(t, "due once pending", due(t, db, now), []int64{w.ID})
		started, err := db.StartWrite(bg(), w.ID, t0)
		ok(t, err)
		eq(t, "started", []any{started.Status, started.Attempts, started.LastAttemptAt}, []any{engine.WriteInflight, 1, t0})
		eq(t, "inflight is due (to be settled)", due(t, db, now), []int64{w.ID})
		ok(t, db.NoteUnknown(bg(), w.ID, "timeout", t0))
		eq(t, "unknown stays inflight", write(t, db, w.ID).Status, engine.WriteInflight)
		next := now.Add(time.Hour)
		ok(t, db.RetryWrite(bg(), w.ID, "429", next))
		eq(t, "not due before next attempt", len(due(t, db, now)), 0)
		eq(t, "due at next attempt", due(t, db, next), []int64{w.ID})
		started, err = db.StartWrite(bg(), w.ID, t0.Add(time.Second))
		ok(t, err)
		eq(t, "attempts", started.Attempts, 2)
		eq(t, "key stable across retries", started.IdempotencyKey, engine.IdempotencyKey(pair, w.LinkID))

		created := cust("U100", "l1@x.io")
		created.ExternalRef = "L1"
		base := map[string]engine.Baseline{engine.FieldEmail: {Local: engine.ValueHash("l1@x.io"), Upstream: engine.ValueHash("l1@x.io")}}
		ok(t, db.CompleteWrite(bg(), engine.Completion{WriteID: w.ID, LinkID: w.LinkID, OtherID: "U100",
			Record: rec(engine.Upstream, created), Base: base,
			Outcome: engine.Outcome{RunID: 1, Pair: pair, Side: engine.Local, RecordID: "L1",
				Kind: engine.OutcomeCreatedUpstream, Reason: engine.ReasonPushed}}))
		eq(t, "done", write(t, db, w.ID).Status, engine.WriteDone)
		l, _ := linkByID(t, db, w.LinkID)
		eq(t, "link", []any{l.LocalID, l.UpstreamID, l.State, l.Method, l.Baseline, l.VerifiedAt.IsZero()},
			[]any{"L1", "U100", engine.LinkActive, engine.MethodPushed, base, false})
		r, err := db.FindRecord(bg(), pair, engine.Upstream, "U100")
		ok(t, err)
		eq(t, "created record stored", r.ExternalRef, "L1")
		eq(t, "created record clean", len(dirtyIDs(t, db, engine.Upstream)), 0)
		outs, _, err := db.FindOutcomes(bg(), store.OutcomeFilter{RunID: 1, Kind: engine.OutcomeCreatedUpstream})
		ok(t, err)
		eq(t, "outcome", len(outs), 1)
		eq(t, "done is not due", len(due(t, db, next)), 0)
		_, err = db.StartWrite(bg(), w.ID, t0)
		isErr(t, err, engine.ErrConflict)
		isErr(t, db.CompleteWrite(bg(), engine.Completion{WriteID: w.ID, OtherID: "U100"}), engine.ErrConflict)
		isErr(t, db.RetryWrite(bg(), w.ID, "x", next), engine.ErrConflict)
		// The created record read back from the feed is not a change.
		n, err := db.SavePage(bg(), engine.SavePage{Pair: pair, Side: engine.Upstream, RunID: 2, At: t0,
			Records: []engine.Record{rec(engine.Upstream, created)}})
		ok(t, err)
		eq(t, "changed on read-back", n, 0)
	}},
	{"Outbox/DeadRetryAndDiscard", func(t *testing.T, db *store.DB) {
		ws := plan(t, db, "L1", "L2")
		_, err := db.ReleasePlan(bg(), pair, 1, false)
		ok(t, err)
		_, err = db.StartWrite(bg(), ws[0].ID, t0)
		ok(t, err)
		ok(t, db.FailWrite(bg(), ws[0].ID, "400 invalid email", t0))
		eq(t, "dead", write(t, db, ws[0].ID).Status, engine.WriteDead)
		eq(t, "dead is not due", due(t, db, time.Now().Add(time.Hour)), []int64{ws[1].ID})
		isErr(t, db.RetryDeadWrite(bg(), ws[1].ID, "ann"), engine.ErrConflict)
		ok(t, db.RetryDeadWrite(bg(), ws[0].ID, "ann"))
		w := write(t, db, ws[0].ID)
		eq(t, "retried", []any{w.Status, w.Attempts}, []any{engine.WritePending, 0})
		audited(t, db, "write:"+itoa(w.ID), store.ActionRetryWrite, "ann")

		ok(t, db.DiscardWrite(bg(), ws[0].ID, "bob"))
		eq(t, "discarded", write(t, db, ws[0].ID).Status, engine.WriteDiscarded)
		if _, found := linkByID(t, db, ws[0].LinkID); found {
			t.Fatal("the discarded write's pending link is still there")
		}
		audited(t, db, "write:"+itoa(w.ID), store.ActionDiscardWrite, "bob")
		_, err = db.StartWrite(bg(), ws[1].ID, t0)
		ok(t, err)
		isErr(t, db.DiscardWrite(bg(), ws[1].ID, "bob"), engine.ErrConflict) // inflight: may have happened
		isErr(t, db.DiscardWrite(bg(), 999, "bob"), engine.ErrNotFound)
	}},
	{"Outbox/HeldPlanApproved", func(t *testing.T, db *store.DB) {
		run, err := db.CreateRun(bg(), engine.Run{Pair: pair, Trigger: "cli", StartedAt: t0})
		ok(t, err)
		apply(t, db, engine.Batch{RunID: run.ID, Writes: []engine.Write{{Kind: engine.WriteCreateUpstream, SourceID: "L1"}}})
		n, err := db.ReleasePlan(bg(), pair, run.ID, true)
		ok(t, err)
		eq(t, "held", n, 1)
		run.Status, run.HeldReason = engine.RunHeld, "too many"
		ok(t, db.FinishRun(bg(), run))
		eq(t, "held is not due", len(due(t, db, time.Now().Add(time.Hour))), 0)
		n, err = db.ApproveHeldPlan(bg(), run.ID, "ann")
		ok(t, err)
		eq(t, "approved", n, 1)
		eq(t, "due after approval", len(due(t, db, time.Now().Add(time.Minute))), 1)
		r, err := db.FindRunByID(bg(), run.ID)
		ok(t, err)
		eq(t, "run no longer held", r.Status, engine.RunSucceeded)
		audited(t, db, "run:"+itoa(run.ID), store.ActionApprovePlan, "ann")
		_, err = db.ApproveHeldPlan(bg(), run.ID, "ann")
		isErr(t, err, engine.ErrConflict)
		_, err = db.ApproveHeldPlan(bg(), 999, "ann")
		isErr(t, err, engine.ErrNotFound)
	}},
	{"Outbox/HeldPlanRejected", func(t *testing.T, db *store.DB) {
		save(t, db, engine.Local, "", cust("L1", ""))
		apply(t, db, engine.Batch{Clean: []string{"L1"}})
		run, err := db.CreateRun(bg(), engine.Run{Pair: pair, Status: engine.RunHeld, StartedAt: t0})
		ok(t, err)
		apply(t, db, engine.Batch{RunID: run.ID, Writes: []engine.Write{{Kind: engine.WriteCreateUpstream, SourceID: "L1"}}})
		_, err = db.ReleasePlan(bg(), pair, run.ID, true)
		ok(t, err)
		ws, _, err := db.FindWrites(bg(), store.WriteFilter{RunID: run.ID})
		ok(t, err)
		n, err := db.RejectHeldPlan(bg(), run.ID, "ann")
		ok(t, err)
		eq(t, "rejected", n, 1)
		eq(t, "discarded", write(t, db, ws[0].ID).Status, engine.WriteDiscarded)
		if _, found := linkByID(t, db, ws[0].LinkID); found {
			t.Fatal("the rejected write's pending link is still there")
		}
		eq(t, "source re-queued", dirtyIDs(t, db, engine.Local), []string{"L1"})
		r, err := db.FindRunByID(bg(), run.ID)
		ok(t, err)
		eq(t, "run", r.Status, engine.RunCancelled)
		audited(t, db, "run:"+itoa(run.ID), store.ActionRejectPlan, "ann")
		// The record may be planned again by a later run.
		apply(t, db, engine.Batch{RunID: run.ID + 1, Writes: []engine.Write{{Kind: engine.WriteCreateUpstream, SourceID: "L1"}}})
	}},
	{"Outbox/SettledFromFeed", func(t *testing.T, db *store.DB) {
		w := plan(t, db, "L1")[0]
		_, err := db.ReleasePlan(bg(), pair, 1, false)
		ok(t, err)
		_, err = db.StartWrite(bg(), w.ID, t0)
		ok(t, err)
		ok(t, db.NoteUnknown(bg(), w.ID, "timeout", t0))
		// The next run finds the created record in the upstream feed.
		found := cust("U5", "l1@x.io")
		found.ExternalRef = "L1"
		save(t, db, engine.Upstream, "", found)
		base := map[string]engine.Baseline{engine.FieldEmail: {Local: "a", Upstream: "b"}}
		apply(t, db, engine.Batch{Side: engine.Upstream, Clean: []string{"U5"},
			Settle: []engine.Settlement{{LinkID: w.LinkID, OtherID: "U5", Record: rec(engine.Upstream, found), Base: base}}})
		l, _ := linkByID(t, db, w.LinkID)
		eq(t, "settled link", []any{l.LocalID, l.UpstreamID, l.State, l.Method, l.Baseline},
			[]any{"L1", "U5", engine.LinkActive, engine.MethodPushed, base})
		eq(t, "write done", write(t, db, w.ID).Status, engine.WriteDone)
		eq(t, "target clean", len(dirtyIDs(t, db, engine.Upstream)), 0)
		err = applyErr(db, engine.Batch{Settle: []engine.Settlement{{LinkID: w.LinkID, OtherID: "U5"}}})
		isErr(t, err, engine.ErrConflict)
	}},
}
