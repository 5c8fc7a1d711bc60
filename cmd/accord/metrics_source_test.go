package main

import (
	"context"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/metric"
)

// Runs are summed once each: old finished runs are folded into totals and
// not read again, recent and held ones are read on every scrape, and the
// sums are the same either way.
func TestMetricSourceSumsRunsOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := tempStore(t)
	add := func(status engine.RunStatus, age time.Duration, emails int) {
		t.Helper()
		r, err := db.CreateRun(ctx, engine.Run{Pair: "main", StartedAt: time.Now().Add(-age)})
		if err != nil {
			t.Fatal(err)
		}
		r.Status, r.APICalls, r.Counts = status, 2, engine.Counts{engine.OutcomeLinked: {engine.ReasonEmail: emails}}
		if err := db.FinishRun(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	src := &metricSource{cfg: Config{}, db: db}
	sum := func() (runs int, calls int64, emails int) {
		t.Helper()
		snap, err := src.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range snap.Runs {
			runs += r.Runs
			calls += r.APICalls
			emails += r.Outcomes["linked"]["email"]
		}
		return runs, calls, emails
	}
	check := func(wantRuns int, wantMark bool) {
		t.Helper()
		for range 2 { // a second scrape reads the same
			runs, calls, emails := sum()
			if runs != wantRuns || calls != int64(2*wantRuns) || emails != wantRuns {
				t.Fatalf("runs %d, calls %d, emails %d; want %d, %d, %d", runs, calls, emails, wantRuns, 2*wantRuns, wantRuns)
			}
		}
		if (src.mark > 0) != wantMark {
			t.Fatalf("mark = %d, folded: want %v", src.mark, wantMark)
		}
	}
	add(engine.RunSucceeded, 2*time.Hour, 1)
	add(engine.RunFailed, time.Hour, 1)
	check(2, true)
	folded := src.mark
	add(engine.RunHeld, 30*time.Minute, 1) // its status changes when decided: never folded
	add(engine.RunSucceeded, 20*time.Minute, 1)
	add(engine.RunSucceeded, 0, 1) // too recent to fold
	check(5, true)
	if src.mark != folded {
		t.Errorf("mark moved past a held run: %d, was %d", src.mark, folded)
	}
	var _ metric.Source = src
}
