package matchers

import (
	"fmt"
	"slices"
	"strings"

	"github.com/accordhq/accord/engine"
)

var _ engine.Matcher = Deterministic

// Deterministic decides a subject from its candidates on the deterministic
// tiers (external id, email, account code), following invariant 4: it links
// only when the highest tier with a candidate names exactly one free record
// on the other side, no other record on the subject's side shares that
// evidence, and no other tier points elsewhere. An external id links
// "whatever the other fields say"; the email and account-code tiers must
// not be contradicted by another tier.
//
// Otherwise it returns suggestions, each with its reason (ambiguous_*,
// candidate_linked, contradicting_tiers). Records on the subject's side that
// share its email or account code, and several records on the other side
// sharing the deciding key, become duplicate proposals; a duplicate proposal
// on the subject's side does not by itself stop an external-id link.
//
// Decision.Reason is the linking tier's reason, the reason no link was made,
// the first duplicate proposal's reason when there is nothing to link to,
// or no_match. Suggestions are sorted by the other record's id and every id
// list is sorted, so a run can be replayed exactly.
func Deterministic(c engine.Candidates) engine.Decision {
	v := newView(c)
	d := engine.Decision{Duplicates: v.sameSideDuplicates()}
	t, ok := v.topTier()
	switch {
	case !ok:
		d.Reason = engine.ReasonNoMatch
		if len(d.Duplicates) > 0 {
			d.Reason = d.Duplicates[0].Reason
		}
	case t == engine.TierExternalID:
		v.decideExternal(&d)
	default:
		v.decideKey(t, &d)
	}
	slices.SortStableFunc(d.Suggestions, func(a, b engine.Proposal) int { return strings.Compare(a.OtherID, b.OtherID) })
	return d
}

// decideExternal applies the external-id tier. Other tiers are not
// consulted for the link: the reference was written by accord or by the
// merchant on purpose and outranks any coincidence of email or code.
func (v *view) decideExternal(d *engine.Decision) {
	const t = engine.TierExternalID
	cands := v.other[t]
	if len(cands) == 1 && len(v.rivals(cands[0], t)) == 0 && !v.taken(cands[0]) {
		p := v.proposal(cands[0], t, true, engine.ReasonExternalID, "")
		d.Link = &p
		d.Reason = engine.ReasonExternalID
		return
	}
	d.Reason = engine.ReasonCandidateLinked
	if len(cands) > 1 || v.anyRivals(cands, t) {
		d.Reason = engine.ReasonAmbiguousExternal
	}
	for _, x := range cands {
		d.Suggestions = append(d.Suggestions, v.proposal(x, t, false, d.Reason, v.whyNot(t, x, cands)))
	}
}

// decideKey applies the email or account-code tier t, the highest tier
// with a candidate.
func (v *view) decideKey(t engine.Tier, d *engine.Decision) {
	cands := v.other[t]
	if len(v.same[t]) > 0 || len(cands) > 1 || v.anyRivals(cands, t) {
		d.Reason = ambiguous[t]
		for _, x := range cands {
			d.Suggestions = append(d.Suggestions, v.proposal(x, t, false, d.Reason, v.whyNot(t, x, cands)))
		}
		if len(cands) > 1 {
			d.Duplicates = append(d.Duplicates, v.otherSideDuplicate(t, cands))
		}
		return
	}
	x := cands[0]
	if v.taken(x) {
		d.Reason = engine.ReasonCandidateLinked
		d.Suggestions = append(d.Suggestions, v.proposal(x, t, false, d.Reason, v.whyNot(t, x, cands)))
		return
	}
	elsewhere, notes := v.contradictions(t, x)
	if len(notes) == 0 {
		p := v.proposal(x, t, true, linkReason[t], "")
		d.Link = &p
		d.Reason = linkReason[t]
		return
	}
	d.Reason = engine.ReasonContradictingTiers
	note := strings.Join(notes, "; ")
	d.Suggestions = append(d.Suggestions, v.proposal(x, t, false, d.Reason, note))
	for _, y := range elsewhere {
		d.Suggestions = append(d.Suggestions, v.proposal(y.Candidate, y.tier, false, d.Reason, note))
	}
}

// pointer is a record another tier points at, with that tier.
type pointer struct {
	engine.Candidate
	tier engine.Tier
}

// contradictions returns the records other than x that the subject's other
// tiers point at (each once, at the first tier naming it), and a note for
// every contradiction, including x's own keys matching a different record
// on the subject's side. No notes means x is uncontested.
func (v *view) contradictions(t engine.Tier, x engine.Candidate) ([]pointer, []string) {
	var (
		elsewhere []pointer
		notes     []string
		seen      = map[string]bool{x.ID: true}
	)
	for _, u := range engine.Tiers {
		if u == t {
			continue
		}
		var ids []string
		for _, y := range v.other[u] {
			if y.ID == x.ID {
				continue
			}
			ids = append(ids, y.ID)
			if !seen[y.ID] {
				seen[y.ID] = true
				elsewhere = append(elsewhere, pointer{y, u})
			}
		}
		if len(ids) > 0 {
			notes = append(notes, fmt.Sprintf("%s points at %s %s, %s at %s %s",
				t, v.otherSide, x.ID, u, v.otherSide, strings.Join(ids, ", ")))
		}
		if r := v.rivals(x, u); len(r) > 0 {
			notes = append(notes, fmt.Sprintf("%s %s's %s also matches %s %s",
				v.otherSide, x.ID, u, v.side, strings.Join(r, ", ")))
		}
	}
	return elsewhere, notes
}

// whyNot explains why x, a candidate at tier t, was not linked.
func (v *view) whyNot(t engine.Tier, x engine.Candidate, cands []engine.Candidate) string {
	var notes []string
	if len(cands) > 1 {
		notes = append(notes, fmt.Sprintf("%d %s records match on %s", len(cands), v.otherSide, t))
	}
	if same := v.same[t]; len(same) > 0 {
		notes = append(notes, fmt.Sprintf("%s records %s share this %s", v.side, strings.Join(v.withSubject(same), ", "), t))
	}
	if r := v.rivals(x, t); len(r) > 0 {
		notes = append(notes, fmt.Sprintf("%s %s also matches %s %s on %s", v.otherSide, x.ID, v.side, strings.Join(r, ", "), t))
	}
	if x.LinkedTo != "" && x.LinkedTo != v.subject.ID {
		notes = append(notes, fmt.Sprintf("%s %s is already linked to %s %s", v.otherSide, x.ID, v.side, x.LinkedTo))
	}
	if x.Pending {
		notes = append(notes, fmt.Sprintf("%s %s has a creation in flight", v.otherSide, x.ID))
	}
	return strings.Join(notes, "; ")
}

// taken reports whether x belongs to another record, or may: it is linked
// to a record other than the subject, or a creation for it is in flight and
// its counterpart is not yet known.
func (v *view) taken(x engine.Candidate) bool {
	return x.Pending || (x.LinkedTo != "" && x.LinkedTo != v.subject.ID)
}

func (v *view) anyRivals(cands []engine.Candidate, t engine.Tier) bool {
	for _, x := range cands {
		if len(v.rivals(x, t)) > 0 {
			return true
		}
	}
	return false
}

var (
	linkReason = map[engine.Tier]engine.Reason{
		engine.TierExternalID:  engine.ReasonExternalID,
		engine.TierEmail:       engine.ReasonEmail,
		engine.TierAccountCode: engine.ReasonAccountCode,
	}
	ambiguous = map[engine.Tier]engine.Reason{
		engine.TierExternalID:  engine.ReasonAmbiguousExternal,
		engine.TierEmail:       engine.ReasonAmbiguousEmail,
		engine.TierAccountCode: engine.ReasonAmbiguousCode,
	}
	shared = map[engine.Tier]engine.Reason{
		engine.TierEmail:       engine.ReasonSharedEmail,
		engine.TierAccountCode: engine.ReasonSharedAccountCode,
	}
)
