package sim

import (
	"net/http"
	"strconv"
	"time"
)

// limiter is the X-Series rate limit: a fixed window of Options.RateWindow
// per server. A window opens with the first request after the previous one
// ended, and every API request with a valid token counts.
type limiter struct {
	limit  int
	window time.Duration
	start  time.Time
	used   int
}

// rateState is what the X-RateLimit-* headers report.
type rateState struct {
	limit, remaining int
	reset            time.Time
}

func (l *limiter) take(now time.Time) (rateState, bool) {
	if l.start.IsZero() || !now.Before(l.start.Add(l.window)) {
		l.start, l.used = now, 0
	}
	st := rateState{limit: l.limit, reset: l.start.Add(l.window)}
	if l.used >= l.limit {
		return st, false
	}
	l.used++
	st.remaining = l.limit - l.used
	return st, true
}

func (s *Server) takeRate() (rateState, bool) {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	return s.lim.take(s.opts.Now())
}

// setHeaders writes X-RateLimit-Limit, X-RateLimit-Remaining and
// X-RateLimit-Reset; the reset is an HTTP-date like Retry-After.
func (st rateState) setHeaders(h http.Header) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(st.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(st.remaining))
	h.Set("X-RateLimit-Reset", httpDate(st.reset))
}

// httpDate formats t as an RFC 1123 HTTP-date in GMT, rounded up to the next
// whole second so that a client waiting until then is never early.
func httpDate(t time.Time) string {
	if t.Truncate(time.Second) != t {
		t = t.Truncate(time.Second).Add(time.Second)
	}
	return t.UTC().Format(http.TimeFormat)
}

// tooMany answers 429 with the vendor's body and an HTTP-date Retry-After
// (not seconds, as the vendor documents).
func (s *Server) tooMany(w http.ResponseWriter, st rateState) {
	s.count(func(st *Stats) { st.RateLimited++ })
	w.Header().Set("Retry-After", httpDate(st.reset))
	jsonReply(http.StatusTooManyRequests, apiError{"Too Many Requests", "Rate limiting enforced"}).write(w)
}
