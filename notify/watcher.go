package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/accordhq/accord/engine"
)

// Facts reads the current conditions of a pair from the store.
type Facts interface {
	// Conditions returns the pair's condition of every kind it can tell;
	// a kind left out is neither checked nor changed.
	Conditions(ctx context.Context, pair string) ([]Condition, error)
}

// Watcher checks the pairs' conditions after runs and periodically, and
// sends a Message for each change (see the package documentation).
type Watcher struct {
	Pairs   []string
	Facts   Facts
	States  engine.NoticeStore
	Senders []Sender
	// BaseURL is the dashboard's public address, for links in messages.
	BaseURL string
	Logger  *slog.Logger
	Now     func() time.Time

	once    sync.Once
	mu      sync.Mutex
	pending map[string]bool
	poke    chan struct{}
}

func (w *Watcher) init() {
	w.once.Do(func() {
		if w.Logger == nil {
			w.Logger = slog.New(slog.DiscardHandler)
		}
		if w.Now == nil {
			w.Now = time.Now
		}
		w.pending = map[string]bool{}
		w.poke = make(chan struct{}, 1)
	})
}

// Poke asks Run to check pair soon (after one of its runs ended). It never
// blocks, so the run hub can call it on its way out of a run.
func (w *Watcher) Poke(pair string) {
	w.init()
	w.mu.Lock()
	w.pending[pair] = true
	w.mu.Unlock()
	select {
	case w.poke <- struct{}{}:
	default:
	}
}

// Run checks every pair each interval, and a poked pair at once, until
// ctx ends. Errors are logged; the next check tries again.
func (w *Watcher) Run(ctx context.Context, every time.Duration) {
	w.init()
	t := time.NewTicker(every)
	defer t.Stop()
	w.checkAll(ctx, w.Pairs)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			w.checkAll(ctx, w.Pairs)
		case <-w.poke:
			w.mu.Lock()
			var pairs []string
			for p := range w.pending {
				pairs = append(pairs, p)
			}
			clear(w.pending)
			w.mu.Unlock()
			w.checkAll(ctx, pairs)
		}
	}
}

func (w *Watcher) checkAll(ctx context.Context, pairs []string) {
	for _, p := range pairs {
		if err := w.Check(ctx, p); err != nil && ctx.Err() == nil {
			w.Logger.Warn("check notifications", "pair", p, "err", err)
		}
	}
}

// Check compares the pair's conditions with what was last notified, and
// notifies each change this process wins the claim of. It returns the
// errors of reading, claiming and sending, joined.
func (w *Watcher) Check(ctx context.Context, pair string) error {
	w.init()
	conds, err := w.Facts.Conditions(ctx, pair)
	if err != nil {
		return fmt.Errorf("notify: conditions of %s: %w", pair, err)
	}
	states, err := w.States.FindNoticeStates(ctx, pair)
	if err != nil {
		return fmt.Errorf("notify: states of %s: %w", pair, err)
	}
	var errs []error
	for _, c := range conds {
		c.Pair = pair
		var prev *engine.NoticeState
		if s, ok := states[string(c.Kind)]; ok {
			prev = &s
		}
		if err := w.apply(ctx, prev, c); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// apply stores the condition's new state if it changed and, when the change
// is news, sends it; a send that fails on every channel restores the old
// state so that a later check sends it again.
func (w *Watcher) apply(ctx context.Context, prev *engine.NoticeState, c Condition) error {
	next, changed, send, resolved := decide(prev, c)
	if !changed {
		return nil
	}
	now := w.Now()
	next.UpdatedAt = now
	won, err := w.States.SwapNoticeState(ctx, prev, next)
	if err != nil {
		return fmt.Errorf("notify: claim %s of %s: %w", c.Kind, c.Pair, err)
	}
	if !won || !send {
		return nil // another process got there first, or nothing to say
	}
	m := message(c, resolved, now, w.BaseURL)
	if err := w.send(ctx, m); err != nil {
		restore := engine.NoticeState{Pair: c.Pair, Kind: string(c.Kind), UpdatedAt: w.Now()}
		if prev != nil {
			restore = *prev
			restore.UpdatedAt = w.Now()
		}
		if _, rerr := w.States.SwapNoticeState(context.WithoutCancel(ctx), &next, restore); rerr != nil {
			err = errors.Join(err, fmt.Errorf("notify: give back the claim of %s: %w", c.Kind, rerr))
		}
		return err
	}
	w.Logger.Info("notified", "pair", c.Pair, "kind", c.Kind, "resolved", resolved, "value", c.Value)
	return nil
}

// send delivers m on every channel; it fails only when no channel took it,
// since retrying would repeat it on the channels that did.
func (w *Watcher) send(ctx context.Context, m Message) error {
	if len(w.Senders) == 0 {
		return nil
	}
	var errs []error
	for _, s := range w.Senders {
		if err := s.Send(ctx, m); err != nil {
			w.Logger.Warn("notification not delivered", "pair", m.Pair, "kind", m.Kind, "channel", s.Name(), "err", err)
			errs = append(errs, fmt.Errorf("%s: %w", s.Name(), err))
		}
	}
	if len(errs) == len(w.Senders) {
		return fmt.Errorf("notify: %s of %s: %w", m.Kind, m.Pair, errors.Join(errs...))
	}
	return nil
}
