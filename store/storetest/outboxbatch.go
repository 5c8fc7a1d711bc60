package storetest

import (
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

// released plans creations of the given local records upstream, and of
// upstream U7 locally, releases them and returns them as DueWrites does.
func released(t *testing.T, db *store.DB, localIDs ...string) []engine.Write {
	t.Helper()
	b := engine.Batch{}
	for _, id := range localIDs {
		b.Writes = append(b.Writes, engine.Write{Kind: engine.WriteCreateUpstream, SourceID: id, Customer: cust(id, id+"@x.io")})
	}
	b.Writes = append(b.Writes, engine.Write{Kind: engine.WriteCreateLocal, SourceID: "U7", Customer: cust("U7", "u7@x.io")})
	apply(t, db, b)
	_, err := db.ReleasePlan(bg(), pair, 1, false)
	ok(t, err)
	ws, err := db.DueWrites(bg(), pair, time.Now().Add(time.Minute), 0, 100)
	ok(t, err)
	return ws
}

// creation is the completion of w as created with id other on its target.
func creation(w engine.Write, other string) engine.Completion {
	target := w.Kind.Target()
	c := cust(other, w.Customer.Email)
	c.ExternalRef = w.SourceID
	r := rec(target, c)
	r.Blocks = []string{"e:" + w.Customer.Email}
	kind := engine.OutcomeCreatedUpstream
	if target == engine.Local {
		kind = engine.OutcomeCreatedLocal
	}
	return engine.Completion{WriteID: w.ID, LinkID: w.LinkID, OtherID: other, Record: r,
		Base:    map[string]engine.Baseline{engine.FieldEmail: {Local: engine.ValueHash(w.Customer.Email), Upstream: engine.ValueHash(w.Customer.Email)}},
		Outcome: engine.Outcome{RunID: 1, Pair: pair, Side: target.Other(), RecordID: w.SourceID, Kind: kind, Reason: engine.ReasonPushed}}
}

var outboxBatchTests = []test{
	{"OutboxBatch/StartSkipsFinishedWrites", func(t *testing.T, db *store.DB) {
		ws := released(t, db, "L1", "L2", "L3")
		ok(t, db.FailWrite(bg(), ws[2].ID, "400", t0))
		started, err := db.StartWrites(bg(), []int64{ws[3].ID, ws[0].ID, ws[1].ID, ws[2].ID, 999}, t0)
		ok(t, err)
		eq(t, "started, by id", []int64{started[0].ID, started[1].ID, started[2].ID}, []int64{ws[0].ID, ws[1].ID, ws[3].ID})
		eq(t, "started writes", len(started), 3)
		for _, w := range started {
			eq(t, "started", []any{w.Status, w.Attempts, w.LastAttemptAt}, []any{engine.WriteInflight, 1, t0})
		}
		eq(t, "the dead write is left alone", write(t, db, ws[2].ID).Status, engine.WriteDead)
		// An inflight write settled as not applied may be started again.
		again, err := db.StartWrites(bg(), []int64{ws[0].ID}, t0.Add(time.Second))
		ok(t, err)
		eq(t, "second attempt", []any{again[0].Attempts, again[0].LastAttemptAt}, []any{2, t0.Add(time.Second)})
	}},
	{"OutboxBatch/CompleteRecordsEverything", func(t *testing.T, db *store.DB) {
		ws := released(t, db, "L1", "L2")
		_, err := db.StartWrites(bg(), []int64{ws[0].ID, ws[1].ID, ws[2].ID}, t0)
		ok(t, err)
		cs := []engine.Completion{creation(ws[0], "U100"), creation(ws[2], "L700")}
		ok(t, db.CompleteWrites(bg(), cs))
		for i, c := range cs {
			w := []engine.Write{ws[0], ws[2]}[i]
			eq(t, "done", write(t, db, w.ID).Status, engine.WriteDone)
			l, _ := linkByID(t, db, w.LinkID)
			local, upstream := w.SourceID, c.OtherID
			if w.Kind.Target() == engine.Local {
				local, upstream = c.OtherID, w.SourceID
			}
			eq(t, "link", []any{l.LocalID, l.UpstreamID, l.State, l.Baseline, l.VerifiedAt.IsZero()},
				[]any{local, upstream, engine.LinkActive, c.Base, false})
			r, err := db.FindRecord(bg(), pair, w.Kind.Target(), c.OtherID)
			ok(t, err)
			eq(t, "created record stored", r.ExternalRef, w.SourceID)
		}
		eq(t, "created records clean", len(dirtyIDs(t, db, engine.Upstream))+len(dirtyIDs(t, db, engine.Local)), 0)
		outs, _, err := db.FindOutcomes(bg(), store.OutcomeFilter{RunID: 1})
		ok(t, err)
		eq(t, "outcomes", len(outs), 2)
		eq(t, "the other write is untouched", write(t, db, ws[1].ID).Status, engine.WriteInflight)
		recs, err := db.FindRecords(bg(), pair, engine.Upstream, engine.KeyExternalRef, []string{"L1"})
		ok(t, err)
		eq(t, "found by external ref", len(recs), 1)
		isErr(t, db.CompleteWrites(bg(), cs[:1]), engine.ErrConflict)
	}},
	{"OutboxBatch/CompleteIsAllOrNothing", func(t *testing.T, db *store.DB) {
		ws := released(t, db, "L1", "L2", "L3")
		_, err := db.StartWrites(bg(), []int64{ws[0].ID, ws[1].ID, ws[2].ID}, t0)
		ok(t, err)
		ok(t, db.CompleteWrites(bg(), []engine.Completion{creation(ws[0], "U100")}))
		// L2 as the same upstream customer would link U100 twice.
		isErr(t, db.CompleteWrites(bg(), []engine.Completion{creation(ws[2], "U300"), creation(ws[1], "U100")}), engine.ErrConflict)
		isErr(t, db.CompleteWrites(bg(), []engine.Completion{creation(ws[2], "U300"), {WriteID: 999, OtherID: "U9"}}), engine.ErrNotFound)
		for _, w := range ws[1:3] {
			eq(t, "nothing of a failed batch is recorded", write(t, db, w.ID).Status, engine.WriteInflight)
			l, _ := linkByID(t, db, w.LinkID)
			eq(t, "link still pending", l.State, engine.LinkPending)
		}
		_, err = db.FindRecord(bg(), pair, engine.Upstream, "U300")
		isErr(t, err, engine.ErrNotFound)
		outs, _, err := db.FindOutcomes(bg(), store.OutcomeFilter{RunID: 1})
		ok(t, err)
		eq(t, "outcomes", len(outs), 1)
	}},
	{"OutboxBatch/RestoreUndoesStart", func(t *testing.T, db *store.DB) {
		ws := released(t, db, "L1", "L2")
		// L2 was attempted before and settled as not applied.
		_, err := db.StartWrites(bg(), []int64{ws[1].ID}, t0)
		ok(t, err)
		ok(t, db.NoteUnknown(bg(), ws[1].ID, "timeout", t0))
		before, err := db.DueWrites(bg(), pair, time.Now().Add(time.Minute), 0, 100)
		ok(t, err)
		_, err = db.StartWrites(bg(), []int64{before[0].ID, before[1].ID}, t0.Add(time.Hour))
		ok(t, err)
		ok(t, db.RestoreWrites(bg(), before[:2]))
		for _, w := range before[:2] {
			got := write(t, db, w.ID)
			eq(t, "restored", []any{got.Status, got.Attempts, got.LastAttemptAt}, []any{w.Status, w.Attempts, w.LastAttemptAt})
		}
		eq(t, "a pending write comes back pending", write(t, db, ws[0].ID).Status, engine.WritePending)
		eq(t, "an inflight one comes back inflight", write(t, db, ws[1].ID).LastAttemptAt, t0)
		eq(t, "still due", len(due(t, db, time.Now().Add(time.Minute))), 3)
	}},
}
