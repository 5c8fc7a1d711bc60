package sim

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestRateLimitWindow(t *testing.T) {
	t.Parallel()
	clock := newClock()
	b := setup(t, Options{RateLimit: 3, RateWindow: 5 * time.Minute, Now: clock.Now})
	windowEnd := clock.Now().Add(5 * time.Minute).Format(http.TimeFormat)

	for i := range 3 {
		r := b.do(t, http.MethodGet, "/api/2.0/customers", nil)
		expect(t, r, http.StatusOK, "")
		if got := r.header.Get("X-RateLimit-Remaining"); got != strconv.Itoa(2-i) {
			t.Fatalf("request %d: X-RateLimit-Remaining = %q, want %d", i+1, got, 2-i)
		}
		if r.header.Get("X-RateLimit-Limit") != "3" || r.header.Get("X-RateLimit-Reset") != windowEnd {
			t.Fatalf("request %d: limit/reset headers = %q/%q", i+1,
				r.header.Get("X-RateLimit-Limit"), r.header.Get("X-RateLimit-Reset"))
		}
		clock.Advance(time.Minute)
	}

	r := b.do(t, http.MethodPost, "/api/2.0/customers", map[string]any{"first_name": "A", "last_name": "B"})
	expect(t, r, http.StatusTooManyRequests, "Rate limiting enforced")
	if string(r.body) != `{"error":"Too Many Requests","message":"Rate limiting enforced"}` {
		t.Fatalf("429 body = %s", r.body)
	}
	retry := r.header.Get("Retry-After")
	if retry != windowEnd {
		t.Fatalf("Retry-After = %q, want the window end %q as an HTTP-date", retry, windowEnd)
	}
	if _, err := http.ParseTime(retry); err != nil {
		t.Fatalf("Retry-After %q is not an HTTP-date: %v", retry, err)
	}
	if r.header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("429 X-RateLimit-Remaining = %q, want 0", r.header.Get("X-RateLimit-Remaining"))
	}
	if len(b.sim.Customers(true)) != 0 {
		t.Fatal("a rate-limited create was applied")
	}
	// The admin API is never rate-limited.
	expect(t, b.do(t, http.MethodGet, "/__sim/stats", nil), http.StatusOK, "")

	clock.Advance(2 * time.Minute) // now exactly at the window end
	r = b.do(t, http.MethodGet, "/api/2.0/customers", nil)
	expect(t, r, http.StatusOK, "")
	if r.header.Get("X-RateLimit-Remaining") != "2" {
		t.Fatalf("new window: X-RateLimit-Remaining = %q, want 2", r.header.Get("X-RateLimit-Remaining"))
	}
	if st := b.sim.Stats(); st.RateLimited != 1 || st.Total != 5 {
		t.Fatalf("stats = %+v, want 1 rate-limited of 5", st)
	}
}

func TestRateLimitDefaultFormula(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		registers int
		want      string
	}{{0, "350"}, {1, "350"}, {3, "950"}} {
		b := setup(t, Options{Registers: tc.registers})
		r := b.do(t, http.MethodGet, "/api/2.0/customers", nil)
		if got := r.header.Get("X-RateLimit-Limit"); got != tc.want {
			t.Errorf("registers %d: limit %q, want %q", tc.registers, got, tc.want)
		}
	}
}

func TestHTTPDateRoundsUp(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 1, time.UTC)
	if got, want := httpDate(at), "Fri, 02 Jan 2026 03:04:06 GMT"; got != want {
		t.Fatalf("httpDate = %q, want %q (never earlier than the real reset)", got, want)
	}
}
