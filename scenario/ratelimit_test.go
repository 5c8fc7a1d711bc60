package scenario

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accordhq/accord/connectors/lightspeed/sim"
	"github.com/accordhq/accord/engine"
)

// When X-Series' rate limit runs out right after the creations, reading them back
// waits for the next run: the run still succeeds, nothing is created twice,
// and the next run absorbs the echoes.
func TestRateLimitedReadBackWaitsForTheNextRun(t *testing.T) {
	dialects(t, func(t *testing.T, dialect string) {
		var offset atomic.Int64
		clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
		o := defaultOpts()
		o.simOpts, o.now = sim.Options{RateLimit: 4}, clock
		h := newHarness(t, dialect, o)
		ids := h.addLocal(shopRow{First: "A", Last: "One"}, shopRow{First: "B", Last: "Two"}, shopRow{First: "C", Last: "Three"})

		run := h.run() // one pull and three creates use the window up
		if run.Status != engine.RunSucceeded {
			t.Fatalf("run: %s %s", run.Status, run.Error)
		}
		if got := run.Counts.Kind(engine.OutcomeCreatedUpstream); got != 3 {
			t.Fatalf("created %d, want 3", got)
		}
		// The client saw the window was used up and did not even send the
		// read-back: one pull and three creates.
		if run.APICalls != 4 {
			t.Fatalf("run made %d calls, want 4 (the read-back deferred)", run.APICalls)
		}

		offset.Store(int64(6 * time.Minute)) // the window has reset
		h.run()
		h.prov.resetStats()
		idle := h.run()
		if idle.APICalls != 1 {
			t.Errorf("idle run after the read-back made %d calls, want 1", idle.APICalls)
		}
		for _, id := range ids {
			if got := h.byRef(id); len(got) != 1 {
				t.Errorf("local %s is upstream %d times, want 1", id, len(got))
			}
		}
	})
}

// A run with a budget of N calls makes at most N calls, stops cleanly with
// the reason, and the next run (once the budget renews) carries on.
func TestBudgetCapsCallsAndTheNextRunResumes(t *testing.T) {
	dialects(t, func(t *testing.T, dialect string) {
		var offset atomic.Int64
		clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
		o := defaultOpts()
		o.now, o.budget = clock, engine.Budget{PerDay: 4}
		h := newHarness(t, dialect, o)
		var rows []shopRow
		for i := range 6 {
			rows = append(rows, shopRow{First: "Cust", Last: itoa(i)})
		}
		ids := h.addLocal(rows...)

		run := h.run()
		if run.Status != engine.RunStopped || !strings.Contains(run.Error, "API budget used up") {
			t.Fatalf("run: status %s (%q), want stopped by the budget", run.Status, run.Error)
		}
		if st := h.prov.stats(); st.Total > 4 || run.APICalls > 4 {
			t.Fatalf("the run made %d calls (simulator saw %d), budget 4", run.APICalls, st.Total)
		}
		again := h.run() // same day: nothing may be sent
		if again.APICalls != 0 || again.Status != engine.RunStopped {
			t.Fatalf("second run the same day: %d calls, status %s", again.APICalls, again.Status)
		}

		for day := 1; day <= 4; day++ {
			offset.Store(int64(time.Duration(day) * 24 * time.Hour))
			h.run()
		}
		for _, id := range ids {
			if got := h.byRef(id); len(got) != 1 {
				t.Errorf("local %s is upstream %d times after the budget renewed, want 1", id, len(got))
			}
		}
	})
}
