package engine

import (
	"testing"
	"time"
)

// Backoff draws its wait at random within the step, so writes that failed
// together do not retry together.
func TestBackoffIsJittered(t *testing.T) {
	t.Parallel()
	p := RetryPolicy{Base: time.Second, Max: time.Hour}
	seen := map[time.Duration]bool{}
	for range 100 {
		seen[p.Backoff(6)] = true
	}
	if len(seen) < 10 {
		t.Fatalf("100 backoffs took %d values, want them spread by jitter", len(seen))
	}
}

func TestRetryExhausted(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	p := RetryPolicy{MaxAttempts: 5, MaxAge: 72 * time.Hour}
	for _, tc := range []struct {
		name     string
		attempts int
		age      time.Duration
		want     bool
	}{
		{"young, attempts left", 2, time.Hour, false},
		{"out of attempts", 5, time.Hour, true},
		{"too old", 1, 73 * time.Hour, true},
		{"exactly max_age", 1, 72 * time.Hour, true},
	} {
		w := Write{Attempts: tc.attempts, CreatedAt: now.Add(-tc.age)}
		if got := p.exhausted(w, now); got != tc.want {
			t.Errorf("%s: exhausted = %v, want %v", tc.name, got, tc.want)
		}
	}
	if (RetryPolicy{MaxAttempts: 5}).exhausted(Write{Attempts: 1, CreatedAt: now.Add(-1000 * time.Hour)}, now) {
		t.Error("MaxAge 0 gave up on an old write: 0 is no limit")
	}
}
