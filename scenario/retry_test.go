package scenario

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

// creates intercepts X-Series customer creations with answer, and counts
// them.
func creates(n *atomic.Int64, answer func(w http.ResponseWriter)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/customers") {
				n.Add(1)
				answer(w)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func (h *harness) onlyWrite() engine.Write {
	h.t.Helper()
	ws, _, err := h.db.FindWrites(context.Background(), store.WriteFilter{Pair: pairName})
	if err != nil {
		h.t.Fatal(err)
	}
	if len(ws) != 1 {
		h.t.Fatalf("%d writes in the outbox, want 1", len(ws))
	}
	return ws[0]
}

// A creation answered 429 with Retry-After as an HTTP date (X-Series' form)
// is not retried before that date, not even by a run in between; a write
// still failing after retry.max_age goes to the dead letters, however few
// attempts it had.
func TestWriteWaitsForRetryAfterDateAndDeadLettersByAge(t *testing.T) {
	dialects(t, func(t *testing.T, dialect string) {
		var offset atomic.Int64
		clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
		o := defaultOpts()
		o.now = clock
		h := newHarness(t, dialect, o)
		h.rec.Retry.MaxAge = 3 * time.Hour
		var posts atomic.Int64
		var until atomic.Value // the last Retry-After date sent
		h.wrap = creates(&posts, func(w http.ResponseWriter) {
			at := clock().Add(2 * time.Hour).UTC().Truncate(time.Second)
			until.Store(at)
			w.Header().Set("Retry-After", at.Format(http.TimeFormat))
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"error":"Too Many Requests","details":"Rate limiting enforced"}`))
		})
		h.addLocal(shopRow{First: "Ada", Last: "Late", Email: "ada@late.example"})

		h.run()
		w := h.onlyWrite()
		date := until.Load().(time.Time)
		if w.Status != engine.WritePending || w.Attempts != 1 || w.NextAttemptAt.Before(date) {
			t.Fatalf("after the 429: %s, %d attempts, next at %v; want pending, 1, not before the Retry-After date %v",
				w.Status, w.Attempts, w.NextAttemptAt, date)
		}
		h.run() // before the date: the write is not due
		if got := posts.Load(); got != 1 {
			t.Fatalf("%d creations sent before the Retry-After date, want 1", got)
		}

		offset.Store(int64(2*time.Hour + time.Minute))
		h.run() // after the date: retried, refused again, still young enough to retry
		if w := h.onlyWrite(); posts.Load() != 2 || w.Status != engine.WritePending || w.Attempts != 2 {
			t.Fatalf("after the date: %d creations, write %s with %d attempts; want 2, pending, 2",
				posts.Load(), w.Status, w.Attempts)
		}

		offset.Store(int64(5 * time.Hour)) // past the date again, and past max_age
		run := h.run()
		w = h.onlyWrite()
		if w.Status != engine.WriteDead || w.Attempts != 3 || w.Attempts >= h.rec.Retry.MaxAttempts {
			t.Fatalf("past max_age: write %s with %d attempts; want dead after 3 (fewer than %d)",
				w.Status, w.Attempts, h.rec.Retry.MaxAttempts)
		}
		dead := 0
		for _, o := range h.outcomes(run.ID) {
			if o.Kind == engine.OutcomeFailed && o.Reason == engine.ReasonDeadLetter {
				dead++
			}
		}
		if dead != 1 {
			t.Errorf("%d dead_letter outcomes in the last run, want 1", dead)
		}
	})
}

// A creation whose outcome is unknown every time (a 500 that applied
// nothing) is settled from the feed and retried until its attempts run
// out, then dead-lettered: never retried for ever, never created.
func TestUnknownOutcomesRunOutOfAttempts(t *testing.T) {
	dialects(t, func(t *testing.T, dialect string) {
		h := newHarness(t, dialect, defaultOpts())
		h.rec.Retry.MaxAttempts = 2
		var posts atomic.Int64
		h.wrap = creates(&posts, func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"error":"Internal Server Error"}`))
		})
		ids := h.addLocal(shopRow{First: "Una", Last: "Known", Email: "una@known.example"})
		for range 3 {
			h.run()
			if w := h.onlyWrite(); w.Status == engine.WriteDead {
				break
			}
		}
		w := h.onlyWrite()
		if w.Status != engine.WriteDead || w.Attempts != 2 || posts.Load() != 2 {
			t.Fatalf("write %s after %d attempts (%d creations sent); want dead after 2", w.Status, w.Attempts, posts.Load())
		}
		if got := h.byRef(ids[0]); len(got) != 0 {
			t.Errorf("the customer exists upstream %d times, want 0", len(got))
		}
		h.run()
		if posts.Load() != 2 {
			t.Errorf("a dead letter was sent again: %d creations", posts.Load())
		}
	})
}
