package engine

import (
	"context"
	"fmt"
)

// pull reads one side's changes since its cursor, a page at a time (steps 2
// and 3). Each page and the cursor after it are stored in one transaction,
// so a crash loses at most the page in flight and never skips one.
func (r *Reconciler) pull(ctx context.Context, st *runState, side Side) error {
	conn := r.connector(side)
	st.pullStarted[side] = r.Now()
	cur, err := r.Store.Cursor(ctx, r.Pair.Name, side)
	if err != nil {
		return fmt.Errorf("engine: read %s cursor: %w", side, err)
	}
	if rw, ok := conn.(Rewinder); ok && cur != "" {
		cur = rw.Rewind(cur)
	}
	for pages := 1; ; pages++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("engine: pull %s: %w", side, err)
		}
		page, err := conn.Pull(ctx, cur)
		if err != nil {
			return fmt.Errorf("engine: pull %s after cursor %q: %w", side, cur, err)
		}
		now := r.Now()
		recs := make([]Record, 0, len(page.Customers))
		seen := make(map[string]int, len(page.Customers))
		for _, c := range page.Customers {
			rec := r.newRecord(side, c, now)
			// A page may carry one id twice (a record changed mid-read);
			// the later copy is the newer one.
			if i, ok := seen[c.ID]; ok {
				recs[i] = rec
				continue
			}
			seen[c.ID] = len(recs)
			recs = append(recs, rec)
		}
		changed, err := r.Store.SavePage(ctx, SavePage{
			Pair: r.Pair.Name, Side: side, RunID: st.run.ID,
			Records: recs, Bad: page.Bad, Cursor: page.Cursor, At: now,
		})
		if err != nil {
			return fmt.Errorf("engine: store %s page after cursor %q: %w", side, cur, err)
		}
		st.run.Pulled[side] += len(recs)
		st.run.Changed[side] += changed
		if err := r.quarantined(ctx, st, side, page.Bad); err != nil {
			return err
		}
		if page.Cursor != "" {
			cur = page.Cursor
		}
		r.progress(Progress{RunID: st.run.ID, Step: StepPull, Side: side, Done: st.run.Pulled[side]})
		if page.Done {
			return nil
		}
	}
}

func (r *Reconciler) quarantined(ctx context.Context, st *runState, side Side, bad []Quarantined) error {
	outs := make([]Outcome, 0, len(bad))
	for _, q := range bad {
		outs = append(outs, Outcome{Side: side, RecordID: q.ID, Kind: OutcomeQuarantined,
			Reason: ReasonMalformed, Detail: q.Reason})
	}
	return r.record(ctx, st, outs...)
}
