package storetest

import (
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

var runTests = []test{
	{"Runs/CreateFinishFind", func(t *testing.T, db *store.DB) {
		r, err := db.CreateRun(bg(), engine.Run{Pair: pair, Trigger: "schedule", StartedAt: t0})
		ok(t, err)
		if r.ID == 0 || r.Status != engine.RunRunning {
			t.Fatalf("created run = %+v, want an id and status running", r)
		}
		r2, err := db.CreateRun(bg(), engine.Run{Pair: pair, Trigger: "cli", DryRun: true, StartedAt: t0.Add(time.Minute)})
		ok(t, err)
		counts := engine.Counts{}
		counts.Add(engine.OutcomeLinked, engine.ReasonEmail, 3)
		counts.Add(engine.OutcomeSkipped, engine.ReasonIncomplete, 1)
		r.Status, r.FinishedAt, r.Counts, r.APICalls = engine.RunSucceeded, t0.Add(2*time.Second), counts, 17
		r.Pulled = map[engine.Side]int{engine.Local: 10, engine.Upstream: 12}
		r.Changed = map[engine.Side]int{engine.Local: 1, engine.Upstream: 0}
		r.Error = ""
		ok(t, db.FinishRun(bg(), r))
		got, err := db.FindRunByID(bg(), r.ID)
		ok(t, err)
		eq(t, "finished run", got, r)
		runs, total, err := db.FindRuns(bg(), store.RunFilter{Pair: pair, Limit: 1})
		ok(t, err)
		eq(t, "total", total, 2)
		eq(t, "newest first", runs[0].ID, r2.ID)
		isErr(t, db.FinishRun(bg(), engine.Run{ID: 999, Status: engine.RunFailed}), engine.ErrNotFound)
		_, err = db.FindRunByID(bg(), 999)
		isErr(t, err, engine.ErrNotFound)
	}},
	{"Runs/Outcomes", func(t *testing.T, db *store.DB) {
		var outs []engine.Outcome
		for i, id := range ids("L", 1100) {
			kind := engine.OutcomeLinked
			if i%100 == 0 {
				kind = engine.OutcomeSkipped
			}
			outs = append(outs, engine.Outcome{RunID: 5, Pair: pair, Side: engine.Local, RecordID: id, Kind: kind,
				Reason: engine.ReasonEmail, Detail: "d", At: t0})
		}
		ok(t, db.AddOutcomes(bg(), outs))
		got, total, err := db.FindOutcomes(bg(), store.OutcomeFilter{RunID: 5, Kind: engine.OutcomeSkipped, Limit: 5})
		ok(t, err)
		eq(t, "total", total, 11)
		eq(t, "page", len(got), 5)
		eq(t, "first", got[0], outs[0])
		got, _, err = db.FindOutcomes(bg(), store.OutcomeFilter{Pair: pair, Side: engine.Local, RecordID: "L000001"})
		ok(t, err)
		eq(t, "by record", got, []engine.Outcome{outs[1]})
	}},
}
