package engine

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// SyncRecord reconciles one record now ("sync this record now"): it reads
// both sides' feeds up to date, then the record and its linked counterpart
// fresh by id, and decides only those two, planning and applying their
// writes like a run. It is level-based like every run: what a caller knows
// about the record is not trusted, the sides are read again.
//
// The feeds are read first so that the record is matched against every
// candidate the other side has now: deciding it against a stale copy could
// create a customer that already exists there. Whatever else the feeds
// bring stays queued, undecided, for the next run, which reads both sides
// before it decides anything. It is recorded as a run with trigger
// "record", and fails with ErrLocked while another run of the pair holds
// the lock.
func (r *Reconciler) SyncRecord(ctx context.Context, side Side, id string) (Run, error) {
	if !side.Valid() || id == "" {
		return Run{}, fmt.Errorf("engine: sync record %s %q: %w", side, id, ErrInvalid)
	}
	return r.execute(ctx, RunOptions{Trigger: "record"}, func(ctx context.Context, st *runState, opts RunOptions) error {
		for _, s := range []Side{Local, Upstream} {
			if err := r.pull(ctx, st, s); err != nil {
				return err
			}
		}
		if err := r.refresh(ctx, st, side, id); err != nil {
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
	})
}

// refresh reads one record, and its linked counterpart, from their sides
// and stores them as changed, and limits matching to them.
func (r *Reconciler) refresh(ctx context.Context, st *runState, side Side, id string) error {
	ids := map[Side]string{side: id}
	links, err := r.Store.LinksFor(ctx, r.Pair.Name, side, []string{id})
	if err != nil {
		return fmt.Errorf("engine: link of %s %s: %w", side, id, err)
	}
	for _, l := range links {
		if other := l.SideID(side.Other()); other != "" {
			ids[side.Other()] = other
		}
	}
	// Reading records by id says nothing about creations elsewhere, so it
	// does not count as a feed read for settling writes (pullStarted).
	st.scope = map[Side][]string{}
	for s, rid := range ids {
		st.scope[s] = append(st.scope[s], rid)
		c, err := r.connector(s).Get(ctx, rid)
		switch {
		case errors.Is(err, ErrNotFound) && s == Upstream:
			// Gone upstream: the stored record, marked deleted, goes to
			// review through matching like any delete.
			recs, ferr := r.Store.FindRecords(ctx, r.Pair.Name, s, KeyID, []string{rid})
			if ferr != nil || len(recs) == 0 {
				return fmt.Errorf("engine: %s %s: %w", s, rid, err)
			}
			c = recs[0].Customer
			c.Deleted = true
		case err != nil:
			return fmt.Errorf("engine: read %s %s: %w", s, rid, err)
		}
		rec := r.newRecord(s, c, r.Now())
		if _, err := r.Store.SavePage(ctx, SavePage{Pair: r.Pair.Name, Side: s, RunID: st.run.ID,
			Records: []Record{rec}, At: r.Now()}); err != nil {
			return fmt.Errorf("engine: store %s %s: %w", s, rid, err)
		}
		if err := r.Store.MarkDirty(ctx, r.Pair.Name, s, []string{rid}); err != nil {
			return fmt.Errorf("engine: queue %s %s: %w", s, rid, err)
		}
		st.run.Pulled[s]++
	}
	return nil
}

// ErrNeedsReview: the record cannot be linked or created without a person
// (an open suggestion, a duplicate set, a delete upstream).
var ErrNeedsReview = errors.New("needs review")

// Ensure returns the upstream id of local customer localID, linking or
// creating the upstream customer now if it has none — what a sale needs.
// It keeps invariant 2: concurrent calls for one customer create at most
// one upstream record, because they run one at a time under the pair lock
// and the second finds the first one's link. While a scheduled run holds the
// lock it waits, up to ctx's deadline.
//
// Errors: ErrNeedsReview (wrapped, with the reason) when the customer is in
// a review; ErrIncomplete when it lacks what the upstream requires;
// ErrUnknownOutcome when the creation was sent but not confirmed (a later
// call, or the next run, settles it); ErrNotFound for an unknown local id.
func (r *Reconciler) Ensure(ctx context.Context, localID string) (string, error) {
	if id, ok, err := r.linkedUpstream(ctx, localID); err != nil || ok {
		return id, err
	}
	for wait := 50 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		_, err := r.SyncRecord(ctx, Local, localID)
		if err == nil {
			break
		}
		if !errors.Is(err, ErrLocked) {
			return "", fmt.Errorf("engine: ensure local %s: %w", localID, err)
		}
		if err := r.Sleep(ctx, wait); err != nil {
			return "", fmt.Errorf("engine: ensure local %s: waiting for a run to finish: %w", localID, err)
		}
		// The run that held the lock may have been another caller's ensure
		// of the same customer: its link answers without a sync of our own.
		if id, ok, err := r.linkedUpstream(ctx, localID); err != nil || ok {
			return id, err
		}
	}
	if id, ok, err := r.linkedUpstream(ctx, localID); err != nil || ok {
		return id, err
	}
	return "", r.whyNotLinked(ctx, localID)
}

// linkedUpstream returns the upstream id of an active link of localID.
func (r *Reconciler) linkedUpstream(ctx context.Context, localID string) (string, bool, error) {
	if err := r.defaults(); err != nil {
		return "", false, err
	}
	links, err := r.Store.LinksFor(ctx, r.Pair.Name, Local, []string{localID})
	if err != nil {
		return "", false, fmt.Errorf("engine: ensure local %s: %w", localID, err)
	}
	for _, l := range links {
		switch l.State {
		case LinkActive:
			return l.UpstreamID, true, nil
		case LinkUpstreamDeleted:
			return "", false, fmt.Errorf("engine: ensure local %s: its upstream customer %s was deleted: %w",
				localID, l.UpstreamID, ErrNeedsReview)
		}
	}
	return "", false, nil
}

// whyNotLinked explains, from the last outcome of the record, why a sync
// left it unlinked.
func (r *Reconciler) whyNotLinked(ctx context.Context, localID string) error {
	links, err := r.Store.LinksFor(ctx, r.Pair.Name, Local, []string{localID})
	if err != nil {
		return fmt.Errorf("engine: ensure local %s: %w", localID, err)
	}
	for _, l := range links {
		if l.State == LinkPending {
			return fmt.Errorf("engine: ensure local %s: creation sent but not confirmed yet: %w", localID, ErrUnknownOutcome)
		}
	}
	blocked, err := r.Store.Blocked(ctx, r.Pair.Name, Local, []string{localID})
	if err != nil {
		return fmt.Errorf("engine: ensure local %s: %w", localID, err)
	}
	if reason, ok := blocked[localID]; ok {
		return fmt.Errorf("engine: ensure local %s: %s: %w", localID, reason, ErrNeedsReview)
	}
	return fmt.Errorf("engine: ensure local %s: not linked and not created (see the run's outcome for why): %w",
		localID, ErrIncomplete)
}
