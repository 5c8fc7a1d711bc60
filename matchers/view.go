package matchers

import (
	"slices"
	"strings"

	"github.com/accordhq/accord/engine"
)

// view is a subject's candidates cleaned up for deciding: deduplicated by
// id and sorted within each tier, so the decision never depends on the
// order the engine found them in.
type view struct {
	subject   engine.Record
	side      engine.Side
	otherSide engine.Side
	other     map[engine.Tier][]engine.Candidate
	same      map[engine.Tier][]engine.Candidate
}

func newView(c engine.Candidates) *view {
	v := &view{
		subject:   c.Subject,
		side:      c.Subject.Side,
		otherSide: c.Subject.Side.Other(),
		other:     map[engine.Tier][]engine.Candidate{},
		same:      map[engine.Tier][]engine.Candidate{},
	}
	for _, t := range engine.Tiers {
		v.other[t] = dedupe(c.Other[t], "")
		v.same[t] = dedupe(c.Same[t], c.Subject.ID)
	}
	return v
}

// dedupe returns cs without empty ids or the id skip, one entry per id,
// sorted by id. Entries for one id are merged (the first non-empty link,
// any pending flag, all rivals) so that no warning sign is lost.
func dedupe(cs []engine.Candidate, skip string) []engine.Candidate {
	out := make([]engine.Candidate, 0, len(cs))
	at := map[string]int{}
	for _, c := range cs {
		if c.ID == "" || c.ID == skip {
			continue
		}
		i, ok := at[c.ID]
		if !ok {
			at[c.ID] = len(out)
			out = append(out, c)
			continue
		}
		m := &out[i]
		if m.LinkedTo == "" {
			m.LinkedTo = c.LinkedTo
		}
		m.Pending = m.Pending || c.Pending
		rivals := make(map[engine.Tier][]string, len(m.Rivals)+len(c.Rivals))
		for t, ids := range m.Rivals {
			rivals[t] = append(rivals[t], ids...)
		}
		for t, ids := range c.Rivals {
			rivals[t] = append(rivals[t], ids...)
		}
		m.Rivals = rivals
	}
	slices.SortFunc(out, func(a, b engine.Candidate) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// topTier returns the highest tier with a candidate.
func (v *view) topTier() (engine.Tier, bool) {
	for _, t := range engine.Tiers {
		if len(v.other[t]) > 0 {
			return t, true
		}
	}
	return "", false
}

// rivals returns the records on the subject's side, other than the
// subject, that x matches at tier t: sorted, each once.
func (v *view) rivals(x engine.Candidate, t engine.Tier) []string {
	var out []string
	for _, id := range x.Rivals[t] {
		if id != "" && id != v.subject.ID {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
