package lightspeed

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

// Answers to concurrent requests arrive in any order; the window's state
// is the least left in the newest window, never an older, larger count.
func TestObserveKeepsTheNewestRateLimitState(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	c := &Client{now: func() time.Time { return now }}
	answer := func(remaining int, reset time.Time) {
		h := http.Header{}
		h.Set("X-RateLimit-Limit", "100")
		h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		h.Set("X-RateLimit-Reset", reset.Format(http.TimeFormat))
		c.observe(h)
	}
	w1, w2 := now.Add(time.Minute), now.Add(2*time.Minute)
	for _, step := range []struct {
		remaining int
		reset     time.Time
		want      int
		wantReset time.Time
	}{
		{5, w1, 5, w1},
		{3, w1, 3, w1},
		{4, w1, 3, w1},   // answered before the one that said 3
		{99, w2, 99, w2}, // a new window
		{2, w1, 99, w2},  // late from the old window
		{97, w2, 97, w2},
	} {
		answer(step.remaining, step.reset)
		s := &c.limits
		if s.remaining != step.want || !s.reset.Equal(step.wantReset) {
			t.Fatalf("after remaining %d (reset %s): state %d, reset %s; want %d, %s", step.remaining,
				step.reset.Format(time.TimeOnly), s.remaining, s.reset.Format(time.TimeOnly), step.want, step.wantReset.Format(time.TimeOnly))
		}
	}
}
