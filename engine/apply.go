package engine

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// plan runs step 6's guard: the writes matching planned are released to the
// outbox, or held for a person when the plan is larger than the pair allows
// (or the run is a dry run).
func (r *Reconciler) plan(ctx context.Context, st *runState, opts RunOptions) error {
	r.progress(Progress{RunID: st.run.ID, Step: StepPlan})
	sum, err := r.Store.PlanSummary(ctx, r.Pair.Name, st.run.ID)
	if err != nil {
		return fmt.Errorf("engine: summarise plan: %w", err)
	}
	hold, why := r.Pair.Guard.Check(sum)
	if opts.DryRun {
		hold, why = true, "dry run: nothing is written until the plan is approved"
	}
	n, err := r.Store.ReleasePlan(ctx, r.Pair.Name, st.run.ID, hold)
	if err != nil {
		return fmt.Errorf("engine: release plan: %w", err)
	}
	if hold && n > 0 {
		st.run.HeldReason = why
		r.Logger.Warn("plan held", "pair", r.Pair.Name, "run_id", st.run.ID, "writes", n, "reason", why)
	}
	return nil
}

// apply runs step 7: every due write in the outbox is attempted once. A
// write left inflight by a crash or an unknown outcome is retried only after
// the target side's feed was read late enough to have shown it.
//
// When the store can start and complete writes in batches, creations are
// applied in chunks per target side (applybatch.go): one commit marks a
// chunk inflight and one records its completions. Updates (a person's
// resolutions) are applied one at a time.
func (r *Reconciler) apply(ctx context.Context, st *runState) error {
	if st.run.DryRun {
		return nil
	}
	bs, batched := r.Store.(BatchOutboxStore)
	var after int64
	done := 0
	for {
		ws, err := r.Store.DueWrites(ctx, r.Pair.Name, r.Now(), after, applyChunk)
		if err != nil {
			return fmt.Errorf("engine: read due writes: %w", err)
		}
		if len(ws) == 0 {
			return nil
		}
		chunks := map[Side][]Write{}
		for _, w := range ws {
			after = w.ID
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("engine: apply writes: %w", err)
			}
			target := w.Kind.Target()
			if st.stopped != nil {
				return nil
			}
			if r.isPaused(st, target) {
				continue // the side asked us to slow down; the write stays due
			}
			if w.Status == WriteInflight && !w.Kind.IsUpdate() && !r.settledSince(st, w) {
				st.unsettled = append(st.unsettled, w)
				continue
			}
			if w.Status == WriteInflight && !w.Kind.IsUpdate() && r.Retry.exhausted(w, r.Now()) {
				// Settled as not applied (the feed does not show it), and out
				// of attempts: a creation whose outcome is unknown every time
				// is given up like any other, not retried for ever.
				if err := r.failed(ctx, st, w, fmt.Errorf("%w: %s", ErrUnknownOutcome, w.LastError)); err != nil {
					return err
				}
				continue
			}
			if batched && !w.Kind.IsUpdate() {
				chunks[target] = append(chunks[target], w)
				continue
			}
			if err := r.applyWrite(ctx, st, w); err != nil {
				return err
			}
			done++
			r.progress(Progress{RunID: st.run.ID, Step: StepApply, Done: done})
		}
		for _, s := range []Side{Upstream, Local} {
			if len(chunks[s]) == 0 {
				continue
			}
			n, err := r.applyCreations(ctx, st, bs, s, chunks[s])
			if n > 0 {
				done += n
				r.progress(Progress{RunID: st.run.ID, Step: StepApply, Done: done})
			}
			if err != nil {
				return err
			}
		}
	}
}

// isPaused reports whether side asked us to slow down (a 429, a used-up
// budget) until a time still to come.
func (r *Reconciler) isPaused(st *runState, side Side) bool {
	until, ok := st.paused[side]
	return ok && r.Now().Before(until)
}

// settledSince reports whether the target side's feed was read, in this
// run, late enough after the write's last attempt that a creation would
// have shown up, and so would have settled the write. If it did not, the
// creation did not happen and a retry cannot duplicate it.
func (r *Reconciler) settledSince(st *runState, w Write) bool {
	started, ok := st.pullStarted[w.Kind.Target()]
	return ok && !w.LastAttemptAt.IsZero() && started.After(w.LastAttemptAt.Add(r.SettleDelay))
}

func (r *Reconciler) applyWrite(ctx context.Context, st *runState, w Write) error {
	if w.Kind.IsUpdate() {
		return r.applyUpdate(ctx, st, w)
	}
	bg := context.WithoutCancel(ctx)
	target := w.Kind.Target()
	source := target.Other()
	id := w.ID
	w, err := r.Store.StartWrite(ctx, id, r.Now())
	if err != nil {
		return fmt.Errorf("engine: start write %d: %w", id, err)
	}
	created, cerr := r.connector(target).Create(ctx, w.Customer, w.IdempotencyKey)
	now := r.Now()
	fail := func(reason Reason, detail string) error {
		return r.record(bg, st, Outcome{Side: source, RecordID: w.SourceID, Kind: OutcomeFailed, Reason: reason, Detail: detail})
	}
	switch {
	case cerr == nil:
		c := r.creationCompletion(st, w, created, now)
		if err := r.Store.CompleteWrite(bg, c); err != nil {
			// The creation happened but is not recorded: the write stays
			// inflight and the next feed read settles it.
			return fmt.Errorf("engine: record creation of %s %s as %s: %w", source, w.SourceID, created.ID, err)
		}
		st.wrote[target]++
		st.run.Counts.Add(c.Outcome.Kind, c.Outcome.Reason, 1)
		if rw, ok := r.Local.(RefWriter); ok && target == Upstream {
			if err := rw.SetExternalRef(ctx, w.SourceID, created.ID); err != nil {
				return fail(ReasonRefWriteFailed, err.Error())
			}
		}
		return nil
	case errors.Is(cerr, ErrUnknownOutcome) || ctx.Err() != nil:
		if err := r.Store.NoteUnknown(bg, w.ID, cerr.Error(), now); err != nil {
			return fmt.Errorf("engine: note unknown outcome of write %d: %w", w.ID, err)
		}
		st.unsettled = append(st.unsettled, w)
		return errors.Join(fail(ReasonUnknownOutcome, cerr.Error()), ctx.Err())
	default:
		return r.failed(ctx, st, w, cerr)
	}
}

// creationCompletion is what records the confirmed creation of w as
// created: the pending link becomes active with the new id, the created
// record is stored as seen, and the outcome says which record it came from.
func (r *Reconciler) creationCompletion(st *runState, w Write, created Customer, now time.Time) Completion {
	target := w.Kind.Target()
	source := target.Other()
	local, upstream := orient(source, w.Customer, created)
	local.ID, upstream.ID = orient(source, w.SourceID, created.ID)
	kind, reason := OutcomeCreatedUpstream, ReasonPushed
	if target == Local {
		kind, reason = OutcomeCreatedLocal, ReasonPulled
	}
	out := Outcome{RunID: st.run.ID, Pair: r.Pair.Name, Side: source, RecordID: w.SourceID,
		Kind: kind, Reason: reason, Detail: "created as " + string(target) + " " + created.ID, At: now}
	return Completion{WriteID: w.ID, LinkID: w.LinkID, OtherID: created.ID,
		Record: r.newRecord(target, created, now), Base: baselineOf(r.Pair.Fields, local, upstream), Outcome: out}
}

// failed records a write that did not happen: a terminal error sends it to
// the dead letters at once, any other error schedules a retry with backoff
// (or after the side's Retry-After) until the attempts run out.
func (r *Reconciler) failed(ctx context.Context, st *runState, w Write, cerr error) error {
	bg := context.WithoutCancel(ctx)
	now := r.Now()
	source, id := w.Kind.Target().Other(), w.SourceID
	if w.Kind.IsUpdate() {
		source, id = w.Kind.Target(), w.TargetID
	}
	fail := func(reason Reason, detail string) error {
		return r.record(bg, st, Outcome{Side: source, RecordID: id, Kind: OutcomeFailed, Reason: reason, Detail: detail})
	}
	switch {
	case IsTerminal(cerr):
		if err := r.Store.FailWrite(bg, w.ID, cerr.Error(), now); err != nil {
			return fmt.Errorf("engine: dead-letter write %d: %w", w.ID, err)
		}
		return fail(ReasonRejectedByProvider, cerr.Error())
	case r.Retry.exhausted(w, now) && !errors.Is(cerr, ErrBudgetExhausted):
		if err := r.Store.FailWrite(bg, w.ID, cerr.Error(), now); err != nil {
			return fmt.Errorf("engine: dead-letter write %d: %w", w.ID, err)
		}
		return fail(ReasonDeadLetter, fmt.Sprintf("gave up after %d attempts over %s: %v", w.Attempts,
			now.Sub(w.CreatedAt).Round(time.Second), cerr))
	}
	if errors.Is(cerr, ErrBudgetExhausted) {
		st.stopped = cerr
	}
	next := now.Add(r.Retry.Backoff(w.Attempts))
	if at, ok := RetryAfter(cerr); ok {
		st.paused[w.Kind.Target()] = at
		next = maxTime(next, at)
	}
	if err := r.Store.RetryWrite(bg, w.ID, cerr.Error(), next); err != nil {
		return fmt.Errorf("engine: schedule retry of write %d: %w", w.ID, err)
	}
	return fail(ReasonRetryScheduled, fmt.Sprintf("attempt %d failed, retrying after %s: %v",
		w.Attempts, next.UTC().Format(time.RFC3339), cerr))
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
