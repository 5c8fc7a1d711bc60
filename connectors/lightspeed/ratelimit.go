package lightspeed

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/accordhq/accord/engine"
)

// errBudget is returned, inside an *engine.RetryAfterError, when the
// provider's window is used up and its reset is further away than MaxWait.
// Nothing was sent: the request would only have drawn a 429.
var errBudget = errors.New("rate limit used up until the window resets")

// rateState is what the last response said about the rate-limit window
// (X-RateLimit-Limit, -Remaining, -Reset).
type rateState struct {
	mu        sync.Mutex
	known     bool
	limit     int
	remaining int
	reset     time.Time
}

// observe records the rate-limit headers of a response.
func (c *Client) observe(h http.Header) {
	remaining, err := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Remaining")))
	if err != nil {
		return
	}
	limit, _ := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Limit")))
	reset, _ := parseReset(h.Get("X-RateLimit-Reset"), c.now())
	s := &c.limits
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.known && !reset.IsZero() && !s.reset.IsZero() {
		// Concurrent requests are answered in any order: an answer from
		// an earlier window, or one of the same window that says more is
		// left than a later one did, is stale (what is left of a window
		// only goes down).
		switch d := reset.Sub(s.reset); {
		case d <= -time.Second:
			return
		case d < time.Second && remaining >= s.remaining:
			return
		}
	}
	s.known, s.limit, s.remaining, s.reset = true, limit, remaining, reset
}

// reserve is how many requests of a window are left to others: the limit is
// shared by every process of one app on one store (the dashboard's
// single-record reconciles, a second accord), so a run stops a little short.
func reserve(limit int) int { return max(1, limit/100) }

// pace waits, before a request, for the client-side rate (Options.Rate) and
// for the provider's window to reset when it is nearly used up. A reset
// further away than MaxWait is the caller's to wait for: with nothing left
// it returns an *engine.RetryAfterError without sending; with a few
// requests left it spends them.
func (c *Client) pace(ctx context.Context) error {
	if c.gate != nil {
		if err := c.gate(ctx); err != nil {
			return err
		}
	}
	if c.limiter != nil {
		now := c.now()
		res := c.limiter.ReserveN(now, 1)
		if d := res.DelayFrom(now); d > 0 {
			if err := c.sleep(ctx, d); err != nil {
				res.CancelAt(c.now())
				return err
			}
		}
	}

	s := &c.limits
	now := c.now()
	s.mu.Lock()
	if !s.known || s.reset.IsZero() || !now.Before(s.reset) || s.remaining > reserve(s.limit) {
		s.mu.Unlock()
		return nil
	}
	wait, reset, remaining := s.reset.Sub(now), s.reset, s.remaining
	if wait <= c.maxWait {
		// Forget the old window so that concurrent callers do not wait
		// twice; the next response describes the new one.
		s.known = false
	}
	s.mu.Unlock()

	if wait > c.maxWait {
		if remaining <= 0 {
			return &engine.RetryAfterError{Err: errBudget, After: reset}
		}
		return nil
	}
	c.log.LogAttrs(ctx, slog.LevelInfo, "lightspeed: waiting for the rate-limit window to reset",
		slog.Int("remaining", remaining), slog.Duration("wait", wait))
	if err := c.sleep(ctx, wait); err != nil {
		return err
	}
	return nil
}

// Adaptive page size: halve on 429 or 504 (big pages are what time out and
// what a throttled store struggles with), grow back after recoverAfter good
// pages in a row.
const (
	minPageSize  = 10
	recoverAfter = 5
)

type pageSizer struct {
	mu     sync.Mutex
	max    int
	size   int
	streak int
}

func (p *pageSizer) init(n int) { p.max, p.size = n, n }

func (p *pageSizer) current() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.size
}

func (p *pageSizer) shrink() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.size = max(min(minPageSize, p.max), p.size/2)
	p.streak = 0
}

func (p *pageSizer) succeeded() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.size >= p.max {
		return
	}
	if p.streak++; p.streak >= recoverAfter {
		p.size = min(p.max, p.size*2)
		p.streak = 0
	}
}
