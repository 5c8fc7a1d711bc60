package engine

import (
	"context"
	"errors"
	"fmt"
)

// sweep re-reads the SweepSize linked upstream records verified longest
// ago, and longer than SweepAge, because a change feed can miss things: a record merged or deleted
// without a trace in the feed, an update lost in transit. What it finds is
// stored as a change and reported as a late arrival, so matching handles it
// like any other change in this same run (a delete goes to review); it is
// never repaired silently. It shares the API budget and stops when that runs
// out; a failed read is reported and left for a later sweep.
func (r *Reconciler) sweep(ctx context.Context, st *runState) error {
	if r.SweepSize <= 0 || st.stopped != nil {
		return nil
	}
	links, err := r.Store.StaleLinks(ctx, r.Pair.Name, st.run.StartedAt.Add(-r.SweepAge), r.SweepSize)
	if err != nil {
		return fmt.Errorf("engine: links to sweep: %w", err)
	}
	if len(links) == 0 {
		return nil
	}
	ids := make([]string, len(links))
	for i, l := range links {
		ids[i] = l.UpstreamID
	}
	recs, err := r.Store.FindRecords(ctx, r.Pair.Name, Upstream, KeyID, ids)
	if err != nil {
		return fmt.Errorf("engine: records to sweep: %w", err)
	}
	stored := make(map[string]Record, len(recs))
	for _, rec := range recs {
		stored[rec.ID] = rec
	}
	var changed []Record
	var outs []Outcome
	var verified []int64
	for _, l := range links {
		id := l.UpstreamID
		c, err := r.Upstream.Get(ctx, id)
		reason, detail := ReasonMissedByFeed, "the change feed had not shown this change"
		switch {
		case errors.Is(err, ErrBudgetExhausted):
			st.stopped = err
		case errors.Is(err, ErrNotFound):
			old, ok := stored[id]
			if !ok {
				continue
			}
			c, err = old.Customer, nil
			c.Deleted = true
			reason, detail = ReasonGoneUpstream, "the record no longer exists upstream (deleted or merged)"
		case err != nil:
			if ctx.Err() != nil {
				return fmt.Errorf("engine: sweep: %w", ctx.Err())
			}
			outs = append(outs, Outcome{Side: Upstream, RecordID: id, Kind: OutcomeSkipped, Reason: ReasonSweepFailed, Detail: err.Error()})
			continue
		}
		if st.stopped != nil {
			break
		}
		verified = append(verified, l.ID)
		rec := r.newRecord(Upstream, c, r.Now())
		if old, ok := stored[id]; ok && old.Hash == rec.Hash {
			continue
		}
		changed = append(changed, rec)
		outs = append(outs, Outcome{Side: Upstream, RecordID: id, Kind: OutcomeLateArrival, Reason: reason, Detail: detail})
	}
	if len(changed) > 0 {
		if _, err := r.Store.SavePage(ctx, SavePage{Pair: r.Pair.Name, Side: Upstream, RunID: st.run.ID,
			Records: changed, At: r.Now()}); err != nil {
			return fmt.Errorf("engine: store swept records: %w", err)
		}
	}
	if err := r.Store.VerifyLinks(ctx, r.Pair.Name, verified, r.Now()); err != nil {
		return fmt.Errorf("engine: mark swept links: %w", err)
	}
	return r.record(ctx, st, outs...)
}
