package engine

import (
	"context"
	"fmt"
)

// match runs steps 4 and 5: every record changed since it was last decided
// (the dirty mark survives crashes, so nothing pulled is ever left
// undecided) is matched against both sides through the store's key indexes,
// and linked pairs are compared. Each batch of decisions is one transaction.
func (r *Reconciler) match(ctx context.Context, st *runState) error {
	for _, side := range []Side{Local, Upstream} {
		after, done := "", 0
		for {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("engine: match %s: %w", side, err)
			}
			recs, err := r.changed(ctx, st, side, after)
			if err != nil {
				return fmt.Errorf("engine: read changed %s records: %w", side, err)
			}
			if len(recs) == 0 {
				break
			}
			lk, err := r.load(ctx, side, recs)
			if err != nil {
				return err
			}
			if r.Fuzzy != nil {
				if err := r.loadFuzzy(ctx, st, side, recs, lk); err != nil {
					return err
				}
			}
			b := r.decideBatch(st, side, recs, lk)
			if err := r.Store.ApplyBatch(ctx, b); err != nil {
				return fmt.Errorf("engine: store decisions for %s records %s..%s: %w",
					side, recs[0].ID, recs[len(recs)-1].ID, err)
			}
			for _, o := range b.Outcomes {
				st.run.Counts.Add(o.Kind, o.Reason, 1)
			}
			after = recs[len(recs)-1].ID
			done += len(recs)
			r.progress(Progress{RunID: st.run.ID, Step: StepMatch, Side: side, Done: done,
				Total: max(done, st.run.Changed[side])})
		}
	}
	return nil
}

// changed returns the next batch of records to decide after id after: the
// side's changed records, or in a single-record sync the records in scope
// (in one batch).
func (r *Reconciler) changed(ctx context.Context, st *runState, side Side, after string) ([]Record, error) {
	if st.scope == nil {
		return r.Store.DirtyRecords(ctx, r.Pair.Name, side, after, r.BatchSize)
	}
	if after != "" || len(st.scope[side]) == 0 {
		return nil, nil
	}
	return r.Store.FindRecords(ctx, r.Pair.Name, side, KeyID, st.scope[side])
}

// decideBatch decides every subject of one batch.
func (r *Reconciler) decideBatch(st *runState, side Side, subjects []Record, lk *lookup) Batch {
	p := planner{pair: r.Pair, side: side, norm: r.Normalizer,
		validate: r.connector(side.Other()).Validate, runID: st.run.ID, now: r.Now()}
	b := Batch{Pair: r.Pair.Name, Side: side, RunID: st.run.ID, At: p.now}
	other := side.Other()
	// claimed guards the unique link per side within the batch, whatever a
	// matcher returns.
	claimed := map[string]bool{}
	for _, s := range subjects {
		b.Clean = append(b.Clean, s.ID)
		if l, ok := lk.subjectLinks[s.ID]; ok {
			cp, has := lk.counterpart[l.SideID(other)]
			p.linked(&b, s, l, cp, has, st.linked[Ref{side, s.ID}])
			continue
		}
		if s.Deleted {
			p.outcome(&b, side, s.ID, OutcomeSkipped, ReasonDeletedUnlinked, "deleted and not linked; nothing to do")
			continue
		}
		if l, src, ok := lk.pendingFor(s); ok && !claimed[src.ID] {
			claimed[src.ID] = true
			p.settle(&b, s, l, src)
			st.linked[Ref{other, src.ID}] = true
			continue
		}
		if del, ok := lk.deletedRef(s); ok && side == Local && !claimed[del.ID] {
			claimed[del.ID] = true
			p.deletedLink(&b, s, del)
			continue
		}
		cands := lk.candidates(s)
		d := r.Match(cands)
		if d.Link != nil && claimed[d.Link.OtherID] {
			d.Suggestions = append(d.Suggestions, Proposal{OtherID: d.Link.OtherID, Tier: d.Link.Tier,
				Score: d.Link.Score, Reason: ReasonCandidateLinked, Evidence: d.Link.Evidence})
			d.Link, d.Reason = nil, ReasonCandidateLinked
		}
		if fc, ok := lk.fuzzy[s.ID]; ok && d.Link == nil {
			addFuzzy(&d, s, fc, st.proposer, r.FuzzyOpts, func(id string) bool {
				return claimed[id] || st.linked[Ref{other, id}]
			})
		}
		p.unlinked(&b, s, d, cands, lk.blocked[s.ID])
		if d.Link != nil {
			claimed[d.Link.OtherID] = true
			st.linked[Ref{other, d.Link.OtherID}] = true
		}
	}
	return b
}
