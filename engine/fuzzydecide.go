package engine

import (
	"fmt"
	"slices"
	"strings"
)

// addFuzzy adds fuzzy matching's proposals to a decision without a link.
// Across sides, the best match and those within Margin of it become
// suggestions (never a link: invariant 4), unless the deterministic tiers
// already suggested the pair; taken reports other-side records linked
// earlier in this run. On the subject's side, the matches become one
// duplicate proposal of at most MaxSet members. Either way the subject is
// held for review and not created.
func addFuzzy(d *Decision, s Record, fc fuzzyCands, p Proposer, o FuzzyOpts, taken func(id string) bool) {
	hadSuggestions, hadDuplicates := len(d.Suggestions) > 0, len(d.Duplicates) > 0
	others := make([]Record, 0, len(fc.other))
	for _, c := range fc.other {
		if !taken(c.ID) {
			others = append(others, c)
		}
	}
	added := 0
	if len(others) > 0 {
		props := p.Propose(s, others)
		for _, pr := range props {
			if added >= o.MaxSuggestions || pr.Score < props[0].Score-o.Margin {
				break
			}
			if slices.ContainsFunc(d.Suggestions, func(x Proposal) bool { return x.OtherID == pr.OtherID }) {
				continue
			}
			pr.Tier, pr.Reason = TierFuzzy, ReasonFuzzy
			d.Suggestions = append(d.Suggestions, pr)
			added++
		}
	}
	if dp, ok := fuzzyDuplicates(d, s, fc.same, p, o.MaxSet); ok {
		d.Duplicates = append(d.Duplicates, dp)
	}
	switch {
	case added > 0 && !hadSuggestions:
		d.Reason = ReasonFuzzy
	case len(d.Duplicates) > 0 && !hadSuggestions && !hadDuplicates:
		d.Reason = ReasonFuzzyDuplicate
	}
}

// fuzzyDuplicates proposes the subject and its best same-side matches as
// one duplicate set, leaving out records a deterministic proposal of the
// decision already holds.
func fuzzyDuplicates(d *Decision, s Record, same []Record, p Proposer, maxSet int) (DuplicateProposal, bool) {
	if len(same) == 0 {
		return DuplicateProposal{}, false
	}
	held := map[string]bool{}
	for _, dp := range d.Duplicates {
		if dp.Side == s.Side {
			for _, id := range dp.IDs {
				held[id] = true
			}
		}
	}
	ids := []string{s.ID}
	var best Proposal
	var scores []string
	for _, pr := range p.Propose(s, same) {
		if len(ids) >= maxSet {
			break
		}
		if held[pr.OtherID] {
			continue
		}
		if len(ids) == 1 {
			best = pr
		}
		ids = append(ids, pr.OtherID)
		scores = append(scores, fmt.Sprintf("%s %.2f", pr.OtherID, pr.Score))
	}
	if len(ids) < 2 {
		return DuplicateProposal{}, false
	}
	slices.Sort(ids)
	ev := best.Evidence
	ev.Rule, ev.Score = string(TierFuzzy), best.Score
	note := "near duplicates of " + s.ID + ": " + strings.Join(scores, ", ")
	if ev.Note != "" {
		note += "; best: " + ev.Note
	}
	ev.Note = note
	return DuplicateProposal{Side: s.Side, IDs: ids, Reason: ReasonFuzzyDuplicate, Evidence: ev}, true
}
