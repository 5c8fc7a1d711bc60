package sim

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// limiter is a fixed window of Options.RateWindow per server. Square
// publishes no numbers, so the limit is whatever the test sets; a window
// opens with the first request after the previous one ended.
type limiter struct {
	limit  int // 0: no limit
	window time.Duration
	start  time.Time
	used   int
}

// take counts one request; when the window is used up it returns false and
// how long until the window ends.
func (l *limiter) take(now time.Time) (bool, time.Duration) {
	if l.limit == 0 {
		return true, 0
	}
	if l.start.IsZero() || !now.Before(l.start.Add(l.window)) {
		l.start, l.used = now, 0
	}
	if l.used >= l.limit {
		return false, l.start.Add(l.window).Sub(now)
	}
	l.used++
	return true, 0
}

func (s *Server) takeRate() (bool, time.Duration) {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	return s.lim.take(s.opts.Now())
}

// tooMany answers 429 RATE_LIMITED. A Retry-After (whole seconds, rounded
// up, at least 1) is added only with Options.RetryAfter.
func (s *Server) tooMany(w http.ResponseWriter, retry time.Duration) {
	s.count(func(st *Stats) { st.RateLimited++ })
	if s.opts.RetryAfter {
		secs := max(1, int(math.Ceil(retry.Seconds())))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	errReply(http.StatusTooManyRequests, catRateLimit, "RATE_LIMITED", "",
		"Too many requests; retry with exponential backoff.").write(w)
}
