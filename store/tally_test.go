package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

func TestEachRunAfterAndLastFinishedRun(t *testing.T) {
	t.Parallel()
	onBoth(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.LastFinishedRun(ctx, "main"); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("LastFinishedRun of a pair never run = %v, want ErrNotFound", err)
		}
		finish := func(status engine.RunStatus, calls int64, counts engine.Counts) engine.Run {
			t.Helper()
			r, err := db.CreateRun(ctx, engine.Run{Pair: "main"})
			must(t, err)
			r.Status, r.APICalls, r.Counts = status, calls, counts
			must(t, db.FinishRun(ctx, r))
			return r
		}
		finish(engine.RunSucceeded, 3, engine.Counts{engine.OutcomeLinked: {engine.ReasonEmail: 2}})
		failed := finish(engine.RunFailed, 1, engine.Counts{engine.OutcomeLinked: {engine.ReasonEmail: 1}})
		finish(engine.RunSucceeded, 4, engine.Counts{engine.OutcomeFailed: {engine.ReasonDeadLetter: 1}})
		finish(engine.RunCancelled, 0, engine.Counts{})
		_, err := db.CreateRun(ctx, engine.Run{Pair: "main"}) // still running: not tallied
		must(t, err)

		last, err := db.LastFinishedRun(ctx, "main")
		must(t, err)
		if last.Status != engine.RunSucceeded || last.ID <= failed.ID {
			t.Errorf("last finished run = %d %s, want the second success (cancelled and running skipped)", last.ID, last.Status)
		}
		var seen []engine.Run
		must(t, db.EachRunAfter(ctx, failed.ID-1, func(r engine.Run) error { seen = append(seen, r); return nil }))
		if len(seen) != 4 || seen[0].ID != failed.ID || seen[0].Status != engine.RunFailed || seen[0].APICalls != 1 ||
			seen[0].Counts.Get(engine.OutcomeLinked, engine.ReasonEmail) != 1 || seen[0].StartedAt.IsZero() ||
			seen[1].Counts.Get(engine.OutcomeFailed, engine.ReasonDeadLetter) != 1 || seen[3].Status != engine.RunRunning {
			t.Errorf("runs after %d = %+v", failed.ID-1, seen)
		}
		depth, err := db.OutboxDepth(ctx)
		must(t, err)
		if len(depth) != 0 {
			t.Errorf("outbox depth of an empty outbox = %v", depth)
		}
	})
}
