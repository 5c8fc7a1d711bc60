package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// applyUpdate applies a person's resolution of a conflict: the kept value is
// written to the other side's linked record. This is the only path on which
// accord changes a linked record (invariant 1). Setting a value is
// idempotent, so an unknown outcome is retried like any failure.
func (r *Reconciler) applyUpdate(ctx context.Context, st *runState, w Write) error {
	bg := context.WithoutCancel(ctx)
	target := w.Kind.Target()
	up, ok := r.connector(target).(Updater)
	if !ok {
		msg := "the " + string(target) + " side cannot update records"
		if err := r.Store.FailWrite(bg, w.ID, msg, r.Now()); err != nil {
			return fmt.Errorf("engine: dead-letter write %d: %w", w.ID, err)
		}
		return r.record(bg, st, Outcome{Side: target, RecordID: w.TargetID, Kind: OutcomeFailed,
			Reason: ReasonCannotUpdate, Detail: msg})
	}
	id := w.ID
	w, err := r.Store.StartWrite(ctx, id, r.Now())
	if err != nil {
		return fmt.Errorf("engine: start write %d: %w", id, err)
	}
	vals := make(map[string]string, len(w.Fields))
	for _, f := range w.Fields {
		vals[f] = w.Customer.Field(f)
	}
	updated, uerr := up.Update(ctx, w.TargetID, vals)
	if uerr != nil {
		if ctx.Err() != nil && !errors.Is(uerr, ErrUnknownOutcome) {
			uerr = fmt.Errorf("%w: %w", ErrUnknownOutcome, uerr)
		}
		return errors.Join(r.failed(ctx, st, w, uerr), ctx.Err())
	}
	st.wrote[target]++
	now := r.Now()
	base := make(map[string]Baseline, len(w.Fields))
	for _, f := range w.Fields {
		kept, written := w.Customer.Field(f), updated.Field(f)
		local, upstream := orient(target, written, kept)
		base[f] = Baseline{Local: ValueHash(local), Upstream: ValueHash(upstream)}
	}
	kind := OutcomeUpdatedUpstream
	if target == Local {
		kind = OutcomeUpdatedLocal
	}
	out := Outcome{RunID: st.run.ID, Pair: r.Pair.Name, Side: target, RecordID: w.TargetID, Kind: kind,
		Reason: ReasonResolution, Detail: "set " + strings.Join(w.Fields, ", ") + " as a person resolved it", At: now}
	if err := r.Store.CompleteWrite(bg, Completion{WriteID: w.ID, LinkID: w.LinkID, OtherID: w.TargetID,
		Record: r.newRecord(target, updated, now), Base: base, Outcome: out}); err != nil {
		return fmt.Errorf("engine: record update of %s %s: %w", target, w.TargetID, err)
	}
	st.run.Counts.Add(kind, ReasonResolution, 1)
	return nil
}
