package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"
)

// Pair is the engine's view of one configured pair: its name and the policy
// the planner applies.
type Pair struct {
	Name           string
	CreateUpstream bool // push unmatched local customers upstream
	CreateLocal    bool // insert unmatched upstream customers locally
	Guard          Guard
	// Fields are the canonical fields compared on linked pairs; a field that
	// differs opens a conflict.
	Fields []string
}

// RetryPolicy says how failed writes back off.
type RetryPolicy struct {
	MaxAttempts int           // after this many attempts a write is a dead letter
	Base        time.Duration // first backoff
	Max         time.Duration // backoff ceiling
	// MaxAge gives up on a write that still fails this long after it was
	// planned, whatever its attempts; 0 is no limit.
	MaxAge time.Duration
}

// exhausted reports whether a write that failed its attempt at now must go
// to the dead letters rather than be retried.
func (p RetryPolicy) exhausted(w Write, now time.Time) bool {
	return w.Attempts >= p.MaxAttempts || p.MaxAge > 0 && !w.CreatedAt.IsZero() && now.Sub(w.CreatedAt) >= p.MaxAge
}

// Backoff returns the delay before attempt n+1 after n failed attempts:
// exponential with full jitter, so that writes failing together do not
// retry together.
func (p RetryPolicy) Backoff(n int) time.Duration {
	d := p.Base
	for i := 1; i < n && d < p.Max; i++ {
		d *= 2
	}
	d = min(d, p.Max)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// Reconciler runs the two-way pipeline for one pair. Build it with its
// dependencies and call Run; it holds no state between runs.
type Reconciler struct {
	Pair       Pair
	Local      Connector
	Upstream   Connector
	Store      Store
	Match      Matcher
	Normalizer Normalizer

	Now      func() time.Time
	Sleep    func(ctx context.Context, d time.Duration) error
	Logger   *slog.Logger
	Progress func(Progress)

	// BatchSize is how many changed records are matched per transaction.
	BatchSize int
	// SettleDelay is how long after an unknown-outcome write the other
	// side's feed must be read before the write counts as not applied and
	// may be retried. It covers a request still being processed when its
	// client gave up or died.
	SettleDelay time.Duration
	// MaxSettleWait bounds how long a run waits to settle unknown writes
	// itself before leaving them to the next run.
	MaxSettleWait time.Duration
	Retry         RetryPolicy
	// CreateConcurrency is how many single creations are sent at once to
	// a side that cannot create in bulk (default 4); only with a store
	// that applies writes in batches (BatchOutboxStore).
	CreateConcurrency int
	// SweepSize is how many linked upstream records each run re-reads,
	// those verified longest ago, to catch what the change feed missed
	// (deletes, merges, lost updates). 0 turns the sweep off.
	SweepSize int
	// SweepAge is how long a link stays trusted after its records were
	// last seen together; only older links are swept, so a run right after
	// another costs one call per side. Default 7 days.
	SweepAge time.Duration
	// Fuzzy, when set, suggests near matches and duplicates that share no
	// exact key; nil turns fuzzy matching off.
	Fuzzy Fuzzy
	// FuzzyOpts bounds fuzzy matching; zero fields take their defaults.
	FuzzyOpts FuzzyOpts
}

// RunOptions are the per-run switches.
type RunOptions struct {
	Trigger string
	// DryRun pulls and matches but holds the whole plan for approval, so
	// nothing is written to either side.
	DryRun bool
}

func (r *Reconciler) defaults() error {
	switch {
	case r.Pair.Name == "":
		return fmt.Errorf("engine: pair name: %w", ErrInvalid)
	case r.Local == nil || r.Upstream == nil:
		return fmt.Errorf("engine: pair %s: both connectors are required: %w", r.Pair.Name, ErrInvalid)
	case r.Store == nil || r.Match == nil || r.Normalizer == nil:
		return fmt.Errorf("engine: pair %s: store, matcher and normalizer are required: %w", r.Pair.Name, ErrInvalid)
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.Sleep == nil {
		r.Sleep = sleepCtx
	}
	if r.Logger == nil {
		r.Logger = slog.New(slog.DiscardHandler)
	}
	if r.BatchSize <= 0 {
		r.BatchSize = 500
	}
	if r.SettleDelay <= 0 {
		r.SettleDelay = 5 * time.Second
	}
	if r.MaxSettleWait <= 0 {
		r.MaxSettleWait = 30 * time.Second
	}
	if r.SweepAge <= 0 {
		r.SweepAge = 7 * 24 * time.Hour
	}
	r.FuzzyOpts = r.FuzzyOpts.withDefaults()
	if r.Retry.MaxAttempts <= 0 {
		r.Retry.MaxAttempts = 8
	}
	if r.Retry.Base <= 0 {
		r.Retry.Base = 2 * time.Second
	}
	if r.Retry.Max <= 0 {
		r.Retry.Max = time.Hour
	}
	return nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// runState is what one run carries between its steps.
type runState struct {
	run         *Run
	pullStarted map[Side]time.Time
	wrote       map[Side]int
	paused      map[Side]time.Time // a side that asked us to slow down
	unsettled   []Write
	stopped     error // why the run stops early (the API budget), if it does
	// linked holds the records linked during this run, so the other side's
	// pass does not diff the same pair twice.
	linked map[Ref]bool
	// proposer is the pair's fuzzy model, loaded (or trained) the first
	// time a run needs it.
	proposer Proposer
	// scope, when set, is every record this run may decide (a single-record
	// sync); other changed records stay queued for the next full run.
	scope map[Side][]string
}

// Run executes one run of the pipeline (DESIGN.md §3) and returns the closed
// run. It fails with an error wrapping ErrLocked if another run of the pair
// is in progress. A failed run keeps everything committed before the
// failure: pages already stored, decisions already made, writes already
// confirmed.
func (r *Reconciler) Run(ctx context.Context, opts RunOptions) (Run, error) {
	return r.execute(ctx, opts, r.steps)
}

// execute runs body as one run of the pair: it takes the pair's lock, opens
// the run, and closes it with its status, counts and API calls whatever
// body returns.
func (r *Reconciler) execute(ctx context.Context, opts RunOptions, body func(context.Context, *runState, RunOptions) error) (Run, error) {
	if err := r.defaults(); err != nil {
		return Run{}, err
	}
	// Step 1: lock and open the run.
	unlock, err := r.Store.LockPair(ctx, r.Pair.Name)
	if err != nil {
		return Run{}, fmt.Errorf("engine: lock pair %s: %w", r.Pair.Name, err)
	}
	// Release and close even when ctx is cancelled (a SIGTERM).
	bg := context.WithoutCancel(ctx)
	defer func() {
		if err := unlock(bg); err != nil {
			r.Logger.Error("release pair lock", "pair", r.Pair.Name, "err", err)
		}
	}()

	run, err := r.Store.CreateRun(ctx, Run{
		Pair: r.Pair.Name, Status: RunRunning, Trigger: opts.Trigger, DryRun: opts.DryRun,
		StartedAt: r.Now(), Counts: Counts{}, Pulled: map[Side]int{}, Changed: map[Side]int{},
	})
	if err != nil {
		return Run{}, fmt.Errorf("engine: open run of %s: %w", r.Pair.Name, err)
	}
	ctx = ContextWithRun(ctx, run.ID) // run_id in the log lines of what the run calls
	log := r.Logger.With("pair", r.Pair.Name, "run_id", run.ID)
	st := &runState{
		run: &run, pullStarted: map[Side]time.Time{}, wrote: map[Side]int{},
		paused: map[Side]time.Time{}, linked: map[Ref]bool{},
	}
	calls0 := callsOf(r.Upstream)
	log.Info("run started", "trigger", opts.Trigger, "dry_run", opts.DryRun)

	err = body(ctx, st, opts)

	run.APICalls = callsOf(r.Upstream) - calls0
	run.FinishedAt = r.Now()
	if err == nil && st.stopped != nil {
		err = st.stopped
	}
	switch {
	case errors.Is(err, ErrBudgetExhausted):
		// Running out of budget is a planned stop, not a failure.
		run.Status, run.Error, err = RunStopped, err.Error(), nil
	case err != nil && ctx.Err() != nil:
		run.Status, run.Error = RunCancelled, err.Error()
	case err != nil:
		run.Status, run.Error = RunFailed, err.Error()
	case run.HeldReason != "":
		run.Status = RunHeld
	default:
		run.Status = RunSucceeded
	}
	if ferr := r.Store.FinishRun(bg, run); ferr != nil {
		err = errors.Join(err, fmt.Errorf("engine: close run %d: %w", run.ID, ferr))
	}
	log.Info("run finished", "status", run.Status, "api_calls", run.APICalls,
		"duration", run.FinishedAt.Sub(run.StartedAt), "err", run.Error)
	r.progress(Progress{RunID: run.ID, Step: StepDone})
	return run, err
}

// steps runs steps 2 to 7; step 8 (closing the run) is in Run.
func (r *Reconciler) steps(ctx context.Context, st *runState, opts RunOptions) error {
	if err := r.pull(ctx, st, Upstream); err != nil {
		return err
	}
	if err := r.pull(ctx, st, Local); err != nil {
		return err
	}
	if err := r.sweep(ctx, st); err != nil {
		return err
	}
	if err := r.match(ctx, st); err != nil {
		return err
	}
	if err := r.plan(ctx, st, opts); err != nil {
		return err
	}
	if err := r.apply(ctx, st); err != nil {
		return err
	}
	return r.settle(ctx, st)
}

func callsOf(c Connector) int64 {
	if cc, ok := c.(CallCounter); ok {
		return cc.Calls()
	}
	return 0
}

func (r *Reconciler) connector(s Side) Connector {
	if s == Local {
		return r.Local
	}
	return r.Upstream
}

// record stores outcomes and counts them on the run.
func (r *Reconciler) record(ctx context.Context, st *runState, outs ...Outcome) error {
	if len(outs) == 0 {
		return nil
	}
	for i := range outs {
		outs[i].RunID, outs[i].Pair = st.run.ID, r.Pair.Name
		if outs[i].At.IsZero() {
			outs[i].At = r.Now()
		}
	}
	if err := r.Store.AddOutcomes(ctx, outs); err != nil {
		return fmt.Errorf("engine: record outcomes: %w", err)
	}
	for _, o := range outs {
		st.run.Counts.Add(o.Kind, o.Reason, 1)
	}
	return nil
}
