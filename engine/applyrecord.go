package engine

import (
	"context"
	"errors"
	"fmt"
)

// recordCreations records what the calls of a started chunk did. chunk
// holds the writes as they were read (before StartWrites), started as
// StartWrites returned them, with res and called in started's order.
// Completions are recorded together, then the external refs written back;
// unknown outcomes and failures are recorded one by one, as for a single
// write; writes that were never sent are put back as they were and
// returned in left. tried counts the writes that were sent.
func (r *Reconciler) recordCreations(ctx context.Context, st *runState, bs BatchOutboxStore, target Side,
	chunk, started []Write, res []CreateResult, called []bool) (tried int, left []Write, err error) {
	bg := context.WithoutCancel(ctx)
	prior := make(map[int64]Write, len(chunk))
	for _, w := range chunk {
		prior[w.ID] = w
	}
	now := r.Now()
	var created []Write
	var comps []Completion
	var others []int
	for i, w := range started {
		switch {
		case !called[i]:
			left = append(left, prior[w.ID])
		case res[i].Err == nil:
			created = append(created, w)
			comps = append(comps, r.creationCompletion(st, w, res[i].Customer, now))
		default:
			others = append(others, i)
		}
	}
	tried = len(started) - len(left)
	var errs []error
	if len(comps) > 0 {
		errs = append(errs, r.completeCreations(ctx, st, bs, target, created, comps))
	}
	if len(left) > 0 {
		if err := bs.RestoreWrites(bg, left); err != nil {
			errs = append(errs, fmt.Errorf("engine: put back %d unsent %s writes: %w", len(left), target, err))
		}
	}
	var outs []Outcome
	for _, i := range others {
		w, cerr := started[i], res[i].Err
		if !errors.Is(cerr, ErrUnknownOutcome) && ctx.Err() == nil {
			if err := r.failed(ctx, st, w, cerr); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		// The creation may have happened: the write stays inflight until
		// the feed settles it, and is never retried blindly.
		if err := r.Store.NoteUnknown(bg, w.ID, cerr.Error(), now); err != nil {
			errs = append(errs, fmt.Errorf("engine: note unknown outcome of write %d: %w", w.ID, err))
			continue
		}
		st.unsettled = append(st.unsettled, w)
		outs = append(outs, Outcome{Side: target.Other(), RecordID: w.SourceID, Kind: OutcomeFailed,
			Reason: ReasonUnknownOutcome, Detail: cerr.Error()})
	}
	errs = append(errs, r.record(bg, st, outs...))
	if err := ctx.Err(); err != nil {
		errs = append(errs, fmt.Errorf("engine: apply writes: %w", err))
	}
	return tried, left, errors.Join(errs...)
}

// completeCreations records confirmed creations in one transaction. If
// that fails they are recorded one by one, so that one bad completion (a
// link that would collide) leaves only itself unrecorded: inflight, to be
// settled from the feed, like a single write whose completion failed. The
// run still fails with the error.
func (r *Reconciler) completeCreations(ctx context.Context, st *runState, bs BatchOutboxStore, target Side,
	ws []Write, cs []Completion) error {
	bg := context.WithoutCancel(ctx)
	ok := make([]bool, len(cs))
	var errs []error
	if err := bs.CompleteWrites(bg, cs); err == nil {
		for i := range ok {
			ok[i] = true
		}
	} else {
		for i, c := range cs {
			if err := r.Store.CompleteWrite(bg, c); err != nil {
				errs = append(errs, fmt.Errorf("engine: record creation of %s %s as %s: %w",
					target.Other(), ws[i].SourceID, c.OtherID, err))
				continue
			}
			ok[i] = true
		}
	}
	var refs []ExternalRef
	for i, c := range cs {
		if !ok[i] {
			continue
		}
		st.wrote[target]++
		st.run.Counts.Add(c.Outcome.Kind, c.Outcome.Reason, 1)
		if target == Upstream {
			refs = append(refs, ExternalRef{ID: ws[i].SourceID, Ref: c.OtherID})
		}
	}
	errs = append(errs, r.writeRefs(ctx, st, refs))
	return errors.Join(errs...)
}

// writeRefs records upstream ids of created customers in the local table
// (its upstream-id column), in one batch when the table can. A ref that
// cannot be written fails only its record's outcome: the link is made, and
// the next run sees the same customer through it.
func (r *Reconciler) writeRefs(ctx context.Context, st *runState, refs []ExternalRef) error {
	if len(refs) == 0 {
		return nil
	}
	var errs []error
	if bw, ok := r.Local.(BatchRefWriter); ok {
		errs = bw.SetExternalRefs(ctx, refs)
	} else if rw, ok := r.Local.(RefWriter); ok {
		errs = make([]error, len(refs))
		for i, ref := range refs {
			errs[i] = rw.SetExternalRef(ctx, ref.ID, ref.Ref)
		}
	}
	var outs []Outcome
	for i, err := range errs {
		if err != nil && i < len(refs) {
			outs = append(outs, Outcome{Side: Local, RecordID: refs[i].ID, Kind: OutcomeFailed,
				Reason: ReasonRefWriteFailed, Detail: err.Error()})
		}
	}
	return r.record(context.WithoutCancel(ctx), st, outs...)
}
