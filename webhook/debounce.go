package webhook

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/accordhq/accord/engine"
)

// Debouncer is a Trigger that turns bursts of deliveries into few runs:
// a pair runs once no delivery came for Quiet, and at the latest MaxDelay
// after the first of a burst. When a run of the pair is already going
// (engine.ErrLocked), it tries again after Quiet, because that run may
// have read the provider before the change.
type Debouncer struct {
	ctx      context.Context
	run      func(ctx context.Context, pair, trigger string) error
	quiet    time.Duration
	maxDelay time.Duration
	log      *slog.Logger

	mu      sync.Mutex
	pending map[string]*pending
	closed  bool
}

type pending struct {
	first, last time.Time
	timer       *time.Timer
}

// NewDebouncer returns a Debouncer that starts runs with run until ctx
// ends. quiet defaults to 2 seconds and maxDelay to 30.
func NewDebouncer(ctx context.Context, run func(ctx context.Context, pair, trigger string) error,
	quiet, maxDelay time.Duration, log *slog.Logger) *Debouncer {
	if quiet <= 0 {
		quiet = 2 * time.Second
	}
	if maxDelay < quiet {
		maxDelay = max(30*time.Second, quiet)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d := &Debouncer{ctx: ctx, run: run, quiet: quiet, maxDelay: maxDelay, log: log, pending: map[string]*pending{}}
	context.AfterFunc(ctx, d.close)
	return d
}

// Trigger implements Trigger.
func (d *Debouncer) Trigger(pair, reason string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	now := time.Now()
	p := d.pending[pair]
	if p == nil {
		p = &pending{first: now}
		d.pending[pair] = p
	}
	p.last = now
	wait := min(d.quiet, p.first.Add(d.maxDelay).Sub(now))
	if p.timer == nil {
		p.timer = time.AfterFunc(wait, func() { d.fire(pair) })
	} else {
		p.timer.Reset(wait)
	}
	d.log.Debug("run scheduled", "pair", pair, "reason", reason, "in", wait)
}

func (d *Debouncer) fire(pair string) {
	d.mu.Lock()
	if d.closed || d.ctx.Err() != nil {
		d.mu.Unlock()
		return
	}
	delete(d.pending, pair)
	d.mu.Unlock()
	err := d.run(d.ctx, pair, "webhook")
	switch {
	case err == nil:
	case errors.Is(err, engine.ErrLocked):
		d.Trigger(pair, "a run was going")
	case d.ctx.Err() == nil:
		d.log.Warn("run after webhook did not start", "pair", pair, "err", err)
	}
}

func (d *Debouncer) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	for _, p := range d.pending {
		p.timer.Stop()
	}
	clear(d.pending)
}
