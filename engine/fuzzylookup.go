package engine

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// fuzzyCands are one subject's fuzzy candidates, found through the stored
// blocking keys and already stripped of what must never be proposed.
type fuzzyCands struct {
	other []Record // possible links: unlinked, not rejected
	same  []Record // possible duplicates: not rejected, not decided with the subject
}

// needsFuzzy reports whether fuzzy matching should look at s: an unlinked,
// live subject that is not settling a creation or naming a deleted record,
// and that the deterministic tiers do not link.
func (lk *lookup) needsFuzzy(s Record, match Matcher) bool {
	if _, linked := lk.subjectLinks[s.ID]; linked || s.Deleted || lk.blocked[s.ID] == ReasonMerged {
		return false
	}
	if _, _, ok := lk.pendingFor(s); ok {
		return false
	}
	if _, ok := lk.deletedRef(s); ok && lk.side == Local {
		return false
	}
	return match(lk.candidates(s)).Link == nil
}

// loadFuzzy finds the fuzzy candidates of the subjects that need them, in a
// few batched queries: the records of both sides that share a blocking key
// with any subject (giant keys left out), the MaxCandidates of them sharing
// the most keys with each subject, and their links. The model is loaded, or
// trained, only when some subject needs it, so an idle run costs nothing.
func (r *Reconciler) loadFuzzy(ctx context.Context, st *runState, side Side, subjects []Record, lk *lookup) error {
	var need []Record
	for _, s := range subjects {
		if lk.needsFuzzy(s, r.Match) {
			need = append(need, s)
		}
	}
	if len(need) == 0 {
		return nil
	}
	if _, err := r.proposer(ctx, st); err != nil {
		return err
	}
	pair, other := r.Pair.Name, side.Other()
	blocks := make(map[string][]string, len(need))
	keys := valueSet{}
	for _, s := range need {
		b := r.Fuzzy.Blocks(s.Customer)
		blocks[s.ID] = b
		for _, k := range b {
			keys.add(k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	chosen := map[Side]map[string][]string{} // side → subject id → candidate ids
	wanted := map[Side]valueSet{}
	for _, sd := range []Side{other, side} {
		members, err := r.Store.FindBlocks(ctx, pair, sd, keys.list(), r.FuzzyOpts.MaxBlock)
		if err != nil {
			return fmt.Errorf("engine: fuzzy blocks of %s batch on the %s side: %w", side, sd, err)
		}
		chosen[sd], wanted[sd] = map[string][]string{}, valueSet{}
		for _, s := range need {
			skip := ""
			if sd == side {
				skip = s.ID
			}
			ids := topShared(blocks[s.ID], members, skip, r.FuzzyOpts.MaxCandidates)
			chosen[sd][s.ID] = ids
			for _, id := range ids {
				wanted[sd].add(id)
			}
		}
	}
	recs := map[Side]map[string]Record{}
	for _, sd := range []Side{other, side} {
		recs[sd] = map[string]Record{}
		if len(wanted[sd]) == 0 {
			continue
		}
		found, err := r.Store.FindRecords(ctx, pair, sd, KeyID, wanted[sd].list())
		if err != nil {
			return fmt.Errorf("engine: fuzzy candidates of %s batch on the %s side: %w", side, sd, err)
		}
		for _, rec := range found {
			recs[sd][rec.ID] = rec
		}
	}
	if ids := wanted[other].list(); len(ids) > 0 {
		ls, err := r.Store.LinksFor(ctx, pair, other, ids)
		if err != nil {
			return fmt.Errorf("engine: links of %s fuzzy candidates: %w", other, err)
		}
		for _, l := range ls {
			lk.otherLinks[l.SideID(other)] = l
		}
	}
	lk.fuzzy = make(map[string]fuzzyCands, len(need))
	for _, s := range need {
		me := Ref{side, s.ID}
		var fc fuzzyCands
		for _, id := range chosen[other][s.ID] {
			rec, ok := recs[other][id]
			if !ok || rec.Deleted || lk.isRejected(me, Ref{other, id}) {
				continue
			}
			if _, linked := lk.otherLinks[id]; linked {
				continue // linked, or its creation is pending
			}
			fc.other = append(fc.other, rec)
		}
		for _, id := range chosen[side][s.ID] {
			rec, ok := recs[side][id]
			if !ok || rec.Deleted || lk.isRejected(me, Ref{side, id}) {
				continue
			}
			fc.same = append(fc.same, rec)
		}
		lk.fuzzy[s.ID] = fc
	}
	return nil
}

// topShared returns the ids that share at least one of keys in members,
// other than skip, at most limit of them: those sharing the most keys
// first, then by id.
func topShared(keys []string, members map[string][]string, skip string, limit int) []string {
	hits := map[string]int{}
	for _, k := range keys {
		for _, id := range members[k] {
			if id != skip {
				hits[id]++
			}
		}
	}
	ids := make([]string, 0, len(hits))
	for id := range hits {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int {
		if c := cmp.Compare(hits[b], hits[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	if len(ids) > limit {
		ids = ids[:limit]
	}
	return ids
}
