package engine

import (
	"strings"
	"time"
)

// planner turns matching verdicts into a Batch of decisions and planned
// writes. It is pure: it reads only its inputs and performs no I/O, so the
// whole decision table can be tested without a store or a network.
type planner struct {
	pair     Pair
	side     Side // the side of the subjects
	norm     Normalizer
	validate func(Customer) error // the other side's Validate
	runID    int64
	now      time.Time
}

func (p planner) outcome(b *Batch, side Side, id string, k OutcomeKind, r Reason, detail string) {
	b.Outcomes = append(b.Outcomes, Outcome{RunID: p.runID, Pair: p.pair.Name, Side: side,
		RecordID: id, Kind: k, Reason: r, Detail: detail, At: p.now})
}

func methodOf(t Tier) LinkMethod {
	switch t {
	case TierExternalID:
		return MethodExternalID
	case TierEmail:
		return MethodEmail
	}
	return MethodAccountCode
}

// linked handles a subject that already has a link: it is never matched
// again (links change only by a person), only compared.
func (p planner) linked(b *Batch, s Record, l Link, cp Record, hasCP, compared bool) {
	other := p.side.Other()
	switch {
	case l.State == LinkPending:
		p.outcome(b, p.side, s.ID, OutcomeSkipped, ReasonAwaitingSettlement, "its creation on the "+string(other)+" side is not confirmed yet")
	case s.Deleted && l.State == LinkActive:
		// Deletes never propagate (invariant 6): the link waits for review.
		b.LinkStates = append(b.LinkStates, LinkStateChange{LinkID: l.ID, State: LinkUpstreamDeleted})
		p.outcome(b, p.side, s.ID, OutcomeDeleted, ReasonUpstreamDeleted,
			"linked to "+string(other)+" "+l.SideID(other)+", which is left untouched; waiting for review")
	case l.State == LinkUpstreamDeleted:
		p.outcome(b, p.side, s.ID, OutcomeSkipped, ReasonUpstreamDeleted, "the link waits for review")
	case !hasCP || compared:
		p.outcome(b, p.side, s.ID, OutcomeUnchanged, ReasonAlreadyLinked, "")
	default:
		local, upstream := orient(p.side, s.Customer, cp.Customer)
		if !p.compare(b, l, local, upstream, false) {
			p.outcome(b, p.side, s.ID, OutcomeUnchanged, ReasonAlreadyLinked, "")
		}
	}
}

// compare opens a conflict per differing field and closes the ones that
// agree again. Neither side is written (invariant 1). A link made in this
// batch has no id yet; its conflicts carry LinkID 0 and the store resolves
// them by the local id. It reports whether any field differs.
func (p planner) compare(b *Batch, l Link, local, upstream Customer, fresh bool) bool {
	differ, agree := diffFields(p.pair.Fields, local, upstream, l.Baseline, p.norm)
	for _, f := range differ {
		b.Conflicts = append(b.Conflicts, Conflict{Pair: p.pair.Name, LinkID: l.ID,
			LocalID: local.ID, UpstreamID: upstream.ID, Field: f,
			LocalValue: local.Field(f), UpstreamValue: upstream.Field(f),
			Status: ConflictOpen, RunID: p.runID, CreatedAt: p.now})
	}
	if !fresh {
		for _, f := range agree {
			b.CloseConflicts = append(b.CloseConflicts, ConflictKey{LinkID: l.ID, Field: f})
		}
	}
	if len(differ) > 0 {
		id := local.ID
		if p.side == Upstream {
			id = upstream.ID
		}
		p.outcome(b, p.side, id, OutcomeConflict, ReasonFieldsDiffer, strings.Join(differ, ", "))
	}
	return len(differ) > 0
}

// deletedLink records the link between a local subject and the deleted
// upstream record its external id names, straight into review: the delete is
// not propagated and the local record is not re-created upstream.
func (p planner) deletedLink(b *Batch, s Record, del Record) {
	b.Links = append(b.Links, Link{Pair: p.pair.Name, LocalID: s.ID, UpstreamID: del.ID,
		Method: MethodExternalID, State: LinkUpstreamDeleted, CreatedBy: "accord",
		Evidence: Evidence{Rule: string(TierExternalID), Score: 1,
			Fields: []FieldEvidence{{Field: FieldExternalRef, Left: s.ExternalRef, Right: del.ExternalRef}},
			Note:   "the upstream record is deleted"},
		CreatedAt: p.now, UpdatedAt: p.now, VerifiedAt: p.now})
	p.outcome(b, p.side, s.ID, OutcomeDeleted, ReasonUpstreamDeleted,
		"its upstream record "+del.ID+" is deleted; linked for review and not re-created")
}

// settle confirms a pending creation that the change feed shows: s, on the
// subject's side, carries src's id as its external ref.
func (p planner) settle(b *Batch, s Record, l Link, src Record) {
	local, upstream := orient(p.side, s.Customer, src.Customer)
	b.Settle = append(b.Settle, Settlement{LinkID: l.ID, OtherID: s.ID, Record: s,
		Base: baselineOf(p.pair.Fields, local, upstream)})
	p.outcome(b, src.Side, src.ID, OutcomeSettled, ReasonSettledFromFeed,
		"creation confirmed by the "+string(p.side)+" change feed as "+s.ID)
}

// unlinked applies a matcher's decision to a subject with no link.
func (p planner) unlinked(b *Batch, s Record, d Decision, cands Candidates, blocked Reason) {
	other := p.side.Other()
	if d.Link != nil {
		localID, upstreamID := orient(p.side, s.ID, d.Link.OtherID)
		b.Links = append(b.Links, Link{Pair: p.pair.Name, LocalID: localID, UpstreamID: upstreamID,
			Method: methodOf(d.Link.Tier), State: LinkActive, Evidence: d.Link.Evidence,
			CreatedBy: "accord", CreatedAt: p.now, UpdatedAt: p.now, VerifiedAt: p.now})
		p.outcome(b, p.side, s.ID, OutcomeLinked, Reason(d.Link.Tier), "to "+string(other)+" "+d.Link.OtherID)
		if cp, ok := findCandidate(cands, d.Link.OtherID); ok {
			local, upstream := orient(p.side, s.Customer, cp.Customer)
			p.compare(b, Link{Pair: p.pair.Name}, local, upstream, true)
		}
	}
	for _, sg := range d.Suggestions {
		localID, upstreamID := orient(p.side, s.ID, sg.OtherID)
		b.Suggestions = append(b.Suggestions, Suggestion{Pair: p.pair.Name, LocalID: localID,
			UpstreamID: upstreamID, Score: sg.Score, Reason: sg.Reason, Evidence: sg.Evidence,
			Status: ReviewOpen, RunID: p.runID, CreatedAt: p.now})
	}
	for _, dp := range d.Duplicates {
		b.Duplicates = append(b.Duplicates, DuplicateSet{Pair: p.pair.Name, Side: dp.Side,
			Members: dp.IDs, Reason: dp.Reason, Evidence: dp.Evidence, Status: ReviewOpen,
			RunID: p.runID, CreatedAt: p.now})
	}
	switch {
	case d.Link != nil:
		if len(d.Duplicates) > 0 {
			p.outcome(b, p.side, s.ID, OutcomeDuplicate, d.Duplicates[0].Reason, "linked, and in a duplicate set for review")
		}
	case len(d.Suggestions) > 0:
		p.outcome(b, p.side, s.ID, OutcomeSuggested, d.Reason, suggestionDetail(d))
	case len(d.Duplicates) > 0:
		p.outcome(b, p.side, s.ID, OutcomeDuplicate, d.Duplicates[0].Reason, "not created until a survivor is chosen")
	default:
		p.create(b, s, blocked)
	}
}

func suggestionDetail(d Decision) string {
	ids := make([]string, len(d.Suggestions))
	for i, s := range d.Suggestions {
		ids[i] = s.OtherID
	}
	return "suggested: " + strings.Join(ids, ", ")
}

func findCandidate(c Candidates, id string) (Candidate, bool) {
	for _, cs := range c.Other {
		for _, cand := range cs {
			if cand.ID == id {
				return cand, true
			}
		}
	}
	return Candidate{}, false
}

// create plans the creation of an unmatched subject on the other side, when
// the pair allows it, nothing holds the record for review, and the record
// has what the other side requires.
func (p planner) create(b *Batch, s Record, blocked Reason) {
	kind, reason, allowed := WriteCreateUpstream, ReasonPushed, p.pair.CreateUpstream
	if p.side == Upstream {
		kind, reason, allowed = WriteCreateLocal, ReasonPulled, p.pair.CreateLocal
	}
	switch {
	case blocked != "":
		p.outcome(b, p.side, s.ID, OutcomeSkipped, blocked, "no match; held by an open review")
		return
	case s.ExternalRef != "":
		// The record names its counterpart, which the other side does not
		// have (deleted, merged, or not visible yet): creating another would
		// be a duplicate of a customer someone removed. It links by itself
		// if the counterpart shows up.
		p.outcome(b, p.side, s.ID, OutcomeSkipped, ReasonUnknownExternalRef,
			"names "+string(p.side.Other())+" "+s.ExternalRef+", which is not there")
		return
	case !allowed:
		p.outcome(b, p.side, s.ID, OutcomeSkipped, ReasonCreateDisabled, "no match; the pair does not create records on the "+string(kind.Target())+" side")
		return
	}
	payload := s.Customer
	payload.ID, payload.ExternalRef, payload.Version, payload.Raw = "", s.ID, 0, nil
	payload.UpdatedAt, payload.Deleted = time.Time{}, false
	if err := p.validate(payload); err != nil {
		p.outcome(b, p.side, s.ID, OutcomeSkipped, ReasonIncomplete, err.Error())
		return
	}
	b.Writes = append(b.Writes, Write{Pair: p.pair.Name, RunID: p.runID, Kind: kind, SourceID: s.ID,
		Customer: payload, Status: WritePlanned, CreatedAt: p.now, UpdatedAt: p.now})
	p.outcome(b, p.side, s.ID, OutcomePlanned, reason, "no match on the "+string(kind.Target())+" side")
}
