package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/web"
)

// runHub runs pairs in this process when someone presses "Run now" or the
// scheduler ticks, and fans each run's progress out to the pages following
// it. It runs what it is asked to, one run per pair at a time (the engine's
// pair lock keeps other processes out too).
type runHub struct {
	ctx   context.Context // the server's lifetime: runs are cancelled with it
	db    *store.DB
	cfg   Config
	opts  pairOptions
	log   *slog.Logger
	sched *scheduler // set by serve before it serves; nil in tools without one

	mu     sync.Mutex
	pairs  map[string]*pairRuntime
	built  []*pairRuntime        // rebuilt after a budget change; closed by close
	active map[string]*activeRun // by pair
	byID   map[int64]*activeRun
	wg     sync.WaitGroup
}

func newRunHub(ctx context.Context, db *store.DB, cfg Config, pairs []*pairRuntime, opts pairOptions, log *slog.Logger) *runHub {
	h := &runHub{ctx: ctx, db: db, cfg: cfg, opts: opts, pairs: map[string]*pairRuntime{}, log: log,
		active: map[string]*activeRun{}, byID: map[int64]*activeRun{}}
	for _, p := range pairs {
		h.pairs[p.cfg.Name] = p
	}
	return h
}

// runtime returns the pair's runtime with the dashboard's settings in
// force. The guard is set on each run's copy of the reconciler; a changed
// API budget is built into the upstream client's meter, so the runtime is
// rebuilt for it.
func (h *runHub) runtime(ctx context.Context, pair string) (*pairRuntime, engine.Guard, error) {
	h.mu.Lock()
	rt, ok := h.pairs[pair]
	h.mu.Unlock()
	if !ok {
		return nil, engine.Guard{}, fmt.Errorf("pair %s: %w", pair, engine.ErrNotFound)
	}
	base, _ := h.cfg.pair(pair)
	eff, err := withOverrides(ctx, h.db, base)
	if err != nil {
		h.log.Warn("read dashboard settings; using the pair as built", "pair", pair, "err", err)
		return rt, rt.rec.Pair.Guard, nil
	}
	if eff.Budget == rt.cfg.Budget {
		return rt, engineGuard(eff), nil
	}
	nrt, err := buildPair(ctx, h.cfg, base, h.db, h.opts)
	if err != nil {
		return nil, engine.Guard{}, err
	}
	h.mu.Lock()
	h.pairs[pair] = nrt
	h.built = append(h.built, nrt)
	h.mu.Unlock()
	return nrt, engineGuard(eff), nil
}

// pair returns the pair's runtime as last built.
func (h *runHub) pair(name string) (*pairRuntime, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	rt, ok := h.pairs[name]
	return rt, ok
}

// NextRun is web.Options.NextRun: when the scheduler fires the pair next.
func (h *runHub) NextRun(pair string) (time.Time, bool) {
	if h.sched == nil {
		return time.Time{}, false
	}
	return h.sched.nextRun(pair)
}

// close closes the runtimes the hub built itself; the ones it was given
// belong to its caller.
func (h *runHub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, rt := range h.built {
		_ = rt.Close()
	}
	h.built = nil
}

// activeRun is a run in progress and the channels of those watching it.
type activeRun struct {
	mu   sync.Mutex
	id   int64
	last engine.Progress
	subs map[chan engine.Progress]struct{}
	done bool
}

func (a *activeRun) publish(p engine.Progress) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.last = p
	for ch := range a.subs {
		select {
		case ch <- p:
		default: // a slow page misses an update, never the end
		}
	}
}

func (a *activeRun) finish() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.done = true
	for ch := range a.subs {
		close(ch)
		delete(a.subs, ch)
	}
}

// hookedStore tells the hub the run's id as soon as the run is recorded,
// before its first page is read.
type hookedStore struct {
	engine.Store
	created func(engine.Run)
}

// batchHookedStore is a hookedStore over a store that also applies
// creations in chunks; the wrapper must not hide that from the engine.
type batchHookedStore struct {
	*hookedStore
	engine.BatchOutboxStore
}

// hookStore wraps inner so that created hears of each run as it is
// recorded, keeping inner's optional batch methods visible.
func hookStore(inner engine.Store, created func(engine.Run)) engine.Store {
	h := &hookedStore{Store: inner, created: created}
	if b, ok := inner.(engine.BatchOutboxStore); ok {
		return batchHookedStore{h, b}
	}
	return h
}

func (s *hookedStore) CreateRun(ctx context.Context, r engine.Run) (engine.Run, error) {
	run, err := s.Store.CreateRun(ctx, r)
	if err == nil {
		s.created(run)
	}
	return run, err
}

// StartRun implements web.Runner.
func (h *runHub) StartRun(ctx context.Context, pair, trigger string) (int64, error) {
	h.mu.Lock()
	if a, busy := h.active[pair]; busy {
		h.mu.Unlock()
		a.mu.Lock()
		id := a.id
		a.mu.Unlock()
		return id, fmt.Errorf("pair %s: %w", pair, engine.ErrLocked)
	}
	a := &activeRun{subs: map[chan engine.Progress]struct{}{}}
	h.active[pair] = a
	h.mu.Unlock()
	rt, guard, err := h.runtime(ctx, pair)
	if err != nil {
		h.mu.Lock()
		delete(h.active, pair)
		h.mu.Unlock()
		return 0, err
	}

	// Each run gets its own copy of the reconciler, with the settings in
	// force now and hooks of its own; the reconciler holds no state
	// between runs.
	rec := *rt.rec
	rec.Pair.Guard = guard
	started := make(chan int64, 1)
	failed := make(chan error, 1)
	rec.Store = hookStore(rt.rec.Store, func(r engine.Run) {
		a.mu.Lock()
		a.id = r.ID
		a.mu.Unlock()
		h.mu.Lock()
		h.byID[r.ID] = a
		h.mu.Unlock()
		started <- r.ID
	})
	rec.Progress = a.publish
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		run, err := rec.Run(h.ctx, engine.RunOptions{Trigger: trigger})
		h.opts.ranRun(run) // metrics and notifications (observe.go)
		a.finish()
		h.mu.Lock()
		delete(h.active, pair)
		delete(h.byID, run.ID)
		h.mu.Unlock()
		if run.ID == 0 {
			failed <- err
			return
		}
		if err != nil {
			h.log.Error("run failed", "pair", pair, "run_id", run.ID, "err", err)
		}
	}()
	select {
	case id := <-started:
		return id, nil
	case err := <-failed:
		return 0, err
	case <-ctx.Done():
		return 0, ctx.Err() // the run goes on; its page is in the history
	}
}

// Watch implements web.Runner.
func (h *runHub) Watch(runID int64) (<-chan engine.Progress, func(), bool) {
	h.mu.Lock()
	a := h.byID[runID]
	h.mu.Unlock()
	if a == nil {
		return nil, nil, false
	}
	ch := make(chan engine.Progress, 16)
	a.mu.Lock()
	if a.done {
		a.mu.Unlock()
		return nil, nil, false
	}
	a.subs[ch] = struct{}{}
	if a.last.Step != "" {
		ch <- a.last
	}
	a.mu.Unlock()
	stop := func() {
		a.mu.Lock()
		if _, ok := a.subs[ch]; ok {
			delete(a.subs, ch)
			close(ch)
		}
		a.mu.Unlock()
	}
	return ch, stop, true
}

// wait blocks until the runs this hub started have stopped, or until
// timeout.
func (h *runHub) wait(timeout time.Duration) {
	done := make(chan struct{})
	go func() { h.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
		h.log.Warn("runs still going at shutdown", "waited", timeout)
	}
}

// TestConnection implements web.ConnectionTester: one cheap request to
// each side (a lookup of a customer that does not exist).
func (h *runHub) TestConnection(ctx context.Context, pair string) ([]web.ConnectionCheck, error) {
	h.mu.Lock()
	rt, ok := h.pairs[pair]
	h.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("pair %s: %w", pair, engine.ErrNotFound)
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	check := func(side engine.Side, label string, fn func() error) web.ConnectionCheck {
		t0 := time.Now()
		err := fn()
		c := web.ConnectionCheck{Side: side, Label: label, Took: time.Since(t0), OK: err == nil}
		if err != nil {
			c.Message = err.Error()
			c.Auth = authFailure(err)
		}
		return c
	}
	local := check(engine.Local, "Local table "+rt.cfg.Local.Table, func() error {
		_, err := rt.local.Get(ctx, "0")
		if errors.Is(err, engine.ErrNotFound) {
			return nil
		}
		return err
	})
	up := check(engine.Upstream, upstreamLabel(rt.cfg.Upstream.Type), func() error {
		_, err := rt.upstream.Get(ctx, "accord-connection-test")
		if errors.Is(err, engine.ErrNotFound) {
			return nil // the API answered, and there is no such customer
		}
		return err
	})
	return []web.ConnectionCheck{local, up}, nil
}

// authFailure reports whether err says the credentials were refused (the
// connectors' API errors name the HTTP status).
func authFailure(err error) bool {
	m := strings.ToLower(err.Error())
	for _, s := range []string{"http 401", "http 403", "unauthorized", "forbidden", "invalid_grant"} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

func upstreamLabel(typ string) string {
	switch typ {
	case "lightspeed":
		return "Lightspeed X-Series"
	case "square":
		return "Square"
	}
	return typ
}
