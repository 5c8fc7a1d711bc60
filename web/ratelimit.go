package web

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// loginLimiter slows password guessing: each account and each client
// address has a token bucket, and an attempt needs a token from both. The
// buckets live in memory; a restart forgets them, which costs an attacker
// a restart per burst, far slower than the limit itself.
type loginLimiter struct {
	now func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// Per account: 5 attempts at once, then one a minute. Per address: 20 at
// once (an office shares one), then one every 6 seconds.
var (
	accountLimit = struct {
		every time.Duration
		burst int
	}{time.Minute, 5}
	addressLimit = struct {
		every time.Duration
		burst int
	}{6 * time.Second, 20}
)

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{now: now, buckets: map[string]*bucket{}}
}

// allow takes a token for the account and the address, and reports whether
// both had one; when not, retry says how long until the next attempt may
// be made.
func (l *loginLimiter) allow(account, addr string) (ok bool, retry time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	a := l.get("account:"+account, accountLimit.every, accountLimit.burst, now)
	b := l.get("addr:"+addr, addressLimit.every, addressLimit.burst, now)
	ra, rb := a.ReserveN(now, 1), b.ReserveN(now, 1)
	if ra.DelayFrom(now) == 0 && rb.DelayFrom(now) == 0 {
		return true, 0
	}
	retry = max(ra.DelayFrom(now), rb.DelayFrom(now))
	// A refused attempt does not spend the tokens it asked for.
	ra.CancelAt(now)
	rb.CancelAt(now)
	return false, retry
}

func (l *loginLimiter) get(key string, every time.Duration, burst int, now time.Time) *rate.Limiter {
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(rate.Every(every), burst)}
		l.buckets[key] = b
	}
	b.seen = now
	return b.lim
}

// sweep forgets buckets idle long enough to be full again, so the map
// stays small however many addresses try.
func (l *loginLimiter) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute {
		return
	}
	l.swept = now
	idle := max(accountLimit.every*time.Duration(accountLimit.burst), addressLimit.every*time.Duration(addressLimit.burst))
	for k, b := range l.buckets {
		if now.Sub(b.seen) > idle {
			delete(l.buckets, k)
		}
	}
}
