package matchers

import "github.com/accordhq/accord/engine"

// The tier and reason of fuzzy suggestions, as the engine declares them.
const (
	TierFuzzy   = engine.TierFuzzy
	ReasonFuzzy = engine.ReasonFuzzy
)

// Proposals scores subject against candidates on the other side and
// returns, best first, a proposal for each match whose probability is at
// least min, with evidence, skipping candidates for which skip (if not
// nil) is true: rejected pairs, records linked or awaiting review. This is
// the incremental path: the engine looks up the candidates through the
// stored blocking keys (BlockingKeys), builds their profiles, and calls
// Proposals for each changed record. It never links: every proposal is a
// suggestion for a person. To keep links one to one across a batch, the
// caller takes the best proposal whose candidate is still free. side is the
// subject's side: evidence shows the local value as Left, as elsewhere in
// the engine.
func (m *Model) Proposals(side engine.Side, subject *Profile, candidates []*Profile, min float64, skip func(id string) bool) []engine.Proposal {
	byID := make(map[string]*Profile, len(candidates))
	keep := candidates[:0:0]
	for _, c := range candidates {
		if skip == nil || !skip(c.ID) {
			keep = append(keep, c)
			byID[c.ID] = c
		}
	}
	ms := m.ScoreCandidates(subject, keep, min)
	out := make([]engine.Proposal, len(ms))
	for i, s := range ms {
		var ev engine.Evidence
		if side == engine.Upstream {
			c := byID[s.B]
			ev = m.Explain(c, subject, m.Score(c, subject))
		} else {
			ev = m.Explain(subject, byID[s.B], s)
		}
		out[i] = engine.Proposal{OtherID: s.B, Tier: TierFuzzy, Score: s.Probability, Reason: ReasonFuzzy, Evidence: ev}
	}
	return out
}
