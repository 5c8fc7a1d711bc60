package engine

// candidates assembles the matcher's input for one unlinked subject from the
// batch lookup: deleted records, rejected pairs and the subject itself are
// left out here, so no matcher can get them wrong.
func (lk *lookup) candidates(s Record) Candidates {
	c := Candidates{Subject: s, Other: map[Tier][]Candidate{}, Same: map[Tier][]Candidate{}}
	me := Ref{lk.side, s.ID}
	addOther := func(t Tier, recs []Record) {
		for _, rec := range recs {
			if rec.Deleted || lk.isRejected(me, Ref{lk.other, rec.ID}) || hasCandidate(c.Other[t], rec.ID) {
				continue
			}
			c.Other[t] = append(c.Other[t], lk.candidate(s, rec))
		}
	}
	addSame := func(t Tier, recs []Record) {
		for _, rec := range recs {
			if rec.ID == s.ID || rec.Deleted || lk.isRejected(me, Ref{lk.side, rec.ID}) || hasCandidate(c.Same[t], rec.ID) {
				continue
			}
			cand := Candidate{Record: rec}
			if l, ok := lk.sameLink(rec.ID); ok {
				cand.LinkedTo, cand.Pending = l.SideID(lk.other), l.State == LinkPending
			}
			c.Same[t] = append(c.Same[t], cand)
		}
	}
	if s.ExternalRef != "" {
		addOther(TierExternalID, lk.otherIdx[KeyID][s.ExternalRef])
	}
	addOther(TierExternalID, lk.otherIdx[KeyExternalRef][s.ID])
	if s.Keys.Email != "" {
		addOther(TierEmail, lk.otherIdx[KeyEmail][s.Keys.Email])
		addSame(TierEmail, lk.sameIdx[KeyEmail][s.Keys.Email])
	}
	if s.Keys.AccountCode != "" {
		addOther(TierAccountCode, lk.otherIdx[KeyAccountCode][s.Keys.AccountCode])
		addSame(TierAccountCode, lk.sameIdx[KeyAccountCode][s.Keys.AccountCode])
	}
	for _, t := range Tiers {
		if len(c.Other[t]) == 0 {
			delete(c.Other, t)
		}
		if len(c.Same[t]) == 0 {
			delete(c.Same, t)
		}
	}
	return c
}

// sameLink is a subject-side record's link, when it was in this batch.
func (lk *lookup) sameLink(id string) (Link, bool) {
	l, ok := lk.subjectLinks[id]
	return l, ok
}

func hasCandidate(cs []Candidate, id string) bool {
	for _, c := range cs {
		if c.ID == id {
			return true
		}
	}
	return false
}

// candidate describes one other-side record: its link and its rivals on the
// subject's side, which reveal ambiguity the subject's own keys cannot.
func (lk *lookup) candidate(s Record, rec Record) Candidate {
	cand := Candidate{Record: rec, Rivals: map[Tier][]string{}}
	if l, ok := lk.otherLinks[rec.ID]; ok {
		cand.LinkedTo, cand.Pending = l.SideID(lk.side), l.State == LinkPending
	}
	them := Ref{lk.other, rec.ID}
	addRivals := func(t Tier, recs []Record) {
		for _, o := range recs {
			if o.ID == s.ID || o.Deleted || lk.isRejected(Ref{lk.side, o.ID}, them) {
				continue
			}
			if !containsString(cand.Rivals[t], o.ID) {
				cand.Rivals[t] = append(cand.Rivals[t], o.ID)
			}
		}
	}
	addRivals(TierExternalID, lk.sameIdx[KeyExternalRef][rec.ID])
	if rec.ExternalRef != "" {
		addRivals(TierExternalID, lk.sameIdx[KeyID][rec.ExternalRef])
	}
	if rec.Keys.Email != "" {
		addRivals(TierEmail, lk.sameIdx[KeyEmail][rec.Keys.Email])
	}
	if rec.Keys.AccountCode != "" {
		addRivals(TierAccountCode, lk.sameIdx[KeyAccountCode][rec.Keys.AccountCode])
	}
	for _, t := range Tiers {
		if len(cand.Rivals[t]) == 0 {
			delete(cand.Rivals, t)
		}
	}
	return cand
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// pendingFor finds the pending creation that s confirms: s names, in its
// external ref, a record on the other side whose creation toward s's side is
// in flight. That is how an unknown outcome is settled from the change feed.
func (lk *lookup) pendingFor(s Record) (Link, Record, bool) {
	if s.ExternalRef == "" {
		return Link{}, Record{}, false
	}
	for _, src := range lk.otherIdx[KeyID][s.ExternalRef] {
		l, ok := lk.otherLinks[src.ID]
		if ok && l.State == LinkPending && l.SideID(lk.side) == "" {
			return l, src, true
		}
	}
	return Link{}, Record{}, false
}

// deletedRef finds a deleted record on the other side that names the
// subject, or that the subject names, by external id. The subject's own
// side says they are one customer, and the other side deleted it: that is a
// delete for review (invariant 6), and the subject must not be re-created.
func (lk *lookup) deletedRef(s Record) (Record, bool) {
	var refs []Record
	if s.ExternalRef != "" {
		refs = append(refs, lk.otherIdx[KeyID][s.ExternalRef]...)
	}
	refs = append(refs, lk.otherIdx[KeyExternalRef][s.ID]...)
	for _, rec := range refs {
		if !rec.Deleted {
			return Record{}, false // a live record takes precedence
		}
	}
	for _, rec := range refs {
		if _, linked := lk.otherLinks[rec.ID]; !linked && !lk.isRejected(Ref{lk.side, s.ID}, Ref{lk.other, rec.ID}) {
			return rec, true
		}
	}
	return Record{}, false
}
