package engine

import (
	"context"
	"fmt"
	"slices"
)

// lookup holds what one batch of matching needs from the store, fetched
// with a handful of batched queries instead of a query per record.
type lookup struct {
	side, other Side

	subjectLinks map[string]Link // by subject id
	counterpart  map[string]Record

	// Records on the other side and on the subject's side, by key.
	otherIdx map[Key]map[string][]Record
	sameIdx  map[Key]map[string][]Record

	otherLinks map[string]Link // links of other-side candidates, by their id
	// rejected holds rejected pairs, and same-side pairs a person already
	// decided about in a duplicate set, both ways round.
	rejected map[[2]Ref]bool
	blocked  map[string]Reason

	// fuzzy holds the fuzzy candidates of the subjects that need them.
	fuzzy map[string]fuzzyCands
}

func newIndex() map[Key]map[string][]Record {
	return map[Key]map[string][]Record{
		KeyID: {}, KeyExternalRef: {}, KeyEmail: {}, KeyAccountCode: {},
	}
}

func keyOf(rec Record, k Key) string {
	switch k {
	case KeyID:
		return rec.ID
	case KeyExternalRef:
		return rec.ExternalRef
	case KeyEmail:
		return rec.Keys.Email
	case KeyAccountCode:
		return rec.Keys.AccountCode
	}
	return ""
}

// valueSet collects distinct non-empty values.
type valueSet map[string]struct{}

func (v valueSet) add(s string) {
	if s != "" {
		v[s] = struct{}{}
	}
}

func (v valueSet) list() []string {
	out := make([]string, 0, len(v))
	for s := range v {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func (r *Reconciler) find(ctx context.Context, idx map[Key]map[string][]Record, side Side, k Key, vals valueSet) error {
	if len(vals) == 0 {
		return nil
	}
	recs, err := r.Store.FindRecords(ctx, r.Pair.Name, side, k, vals.list())
	if err != nil {
		return fmt.Errorf("engine: find %s records by %s: %w", side, k, err)
	}
	for _, rec := range recs {
		v := keyOf(rec, k)
		if slices.ContainsFunc(idx[k][v], func(o Record) bool { return o.ID == rec.ID }) {
			continue
		}
		idx[k][v] = append(idx[k][v], rec)
	}
	return nil
}

// load fetches links, candidates, rivals, rejections and blocks for a batch.
func (r *Reconciler) load(ctx context.Context, side Side, subjects []Record) (*lookup, error) {
	lk := &lookup{
		side: side, other: side.Other(),
		subjectLinks: map[string]Link{}, counterpart: map[string]Record{},
		otherIdx: newIndex(), sameIdx: newIndex(),
		otherLinks: map[string]Link{}, rejected: map[[2]Ref]bool{},
	}
	pair := r.Pair.Name
	ids := make([]string, len(subjects))
	for i, s := range subjects {
		ids[i] = s.ID
	}
	links, err := r.Store.LinksFor(ctx, pair, side, ids)
	if err != nil {
		return nil, fmt.Errorf("engine: links of %s batch: %w", side, err)
	}
	for _, l := range links {
		lk.subjectLinks[l.SideID(side)] = l
	}

	counter := valueSet{}
	byID, byRef, emails, codes := valueSet{}, valueSet{}, valueSet{}, valueSet{}
	for _, s := range subjects {
		if l, ok := lk.subjectLinks[s.ID]; ok {
			counter.add(l.SideID(lk.other))
			continue
		}
		if s.Deleted {
			continue
		}
		byID.add(s.ExternalRef)
		byRef.add(s.ID)
		emails.add(s.Keys.Email)
		codes.add(s.Keys.AccountCode)
	}
	if len(counter) > 0 {
		recs, err := r.Store.FindRecords(ctx, pair, lk.other, KeyID, counter.list())
		if err != nil {
			return nil, fmt.Errorf("engine: counterparts of %s batch: %w", side, err)
		}
		for _, rec := range recs {
			lk.counterpart[rec.ID] = rec
		}
	}
	for k, vals := range map[Key]valueSet{KeyID: byID, KeyExternalRef: byRef, KeyEmail: emails, KeyAccountCode: codes} {
		if err := r.find(ctx, lk.otherIdx, lk.other, k, vals); err != nil {
			return nil, err
		}
	}

	// Rivals: records on the subject's side that the candidates match.
	cands := valueSet{}
	sameRef, sameID := valueSet{}, valueSet{}
	for _, m := range lk.otherIdx {
		for _, recs := range m {
			for _, c := range recs {
				cands.add(c.ID)
				sameRef.add(c.ID)
				sameID.add(c.ExternalRef)
				emails.add(c.Keys.Email)
				codes.add(c.Keys.AccountCode)
			}
		}
	}
	for k, vals := range map[Key]valueSet{KeyID: sameID, KeyExternalRef: sameRef, KeyEmail: emails, KeyAccountCode: codes} {
		if err := r.find(ctx, lk.sameIdx, side, k, vals); err != nil {
			return nil, err
		}
	}

	if len(cands) > 0 {
		cl, err := r.Store.LinksFor(ctx, pair, lk.other, cands.list())
		if err != nil {
			return nil, fmt.Errorf("engine: links of %s candidates: %w", lk.other, err)
		}
		for _, l := range cl {
			lk.otherLinks[l.SideID(lk.other)] = l
		}
		rej, err := r.Store.Rejections(ctx, pair, lk.other, cands.list())
		if err != nil {
			return nil, fmt.Errorf("engine: rejections of %s candidates: %w", lk.other, err)
		}
		lk.addRejections(rej)
	}
	rej, err := r.Store.Rejections(ctx, pair, side, ids)
	if err != nil {
		return nil, fmt.Errorf("engine: rejections of %s batch: %w", side, err)
	}
	lk.addRejections(rej)
	decided, err := r.Store.DecidedTogether(ctx, pair, side, ids)
	if err != nil {
		return nil, fmt.Errorf("engine: decided duplicates of %s batch: %w", side, err)
	}
	for id, others := range decided {
		for _, o := range others {
			lk.addRejections([]Rejection{{A: Ref{side, id}, B: Ref{side, o}}})
		}
	}
	if lk.blocked, err = r.Store.Blocked(ctx, pair, side, ids); err != nil {
		return nil, fmt.Errorf("engine: review holds of %s batch: %w", side, err)
	}
	return lk, nil
}

func (lk *lookup) addRejections(rs []Rejection) {
	for _, rj := range rs {
		lk.rejected[[2]Ref{rj.A, rj.B}] = true
		lk.rejected[[2]Ref{rj.B, rj.A}] = true
	}
}

func (lk *lookup) isRejected(a, b Ref) bool { return lk.rejected[[2]Ref{a, b}] }
