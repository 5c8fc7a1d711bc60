package matchers

import (
	"fmt"
	"slices"
	"strings"

	"github.com/accordhq/accord/engine"
)

// Scores of deterministic evidence, per tier (see the package doc). A
// suggestion or duplicate proposal carries the lower score: the evidence is
// the same, but it was not enough to act on alone.
var (
	linkScore = map[engine.Tier]float64{
		engine.TierExternalID:  1.0,
		engine.TierEmail:       0.95,
		engine.TierAccountCode: 0.9,
	}
	suggestScore = map[engine.Tier]float64{
		engine.TierExternalID:  0.9,
		engine.TierEmail:       0.85,
		engine.TierAccountCode: 0.8,
	}
)

// proposal pairs the subject with x on the evidence of tier t.
func (v *view) proposal(x engine.Candidate, t engine.Tier, link bool, r engine.Reason, note string) engine.Proposal {
	score := suggestScore[t]
	if link {
		score = linkScore[t]
	}
	return engine.Proposal{
		OtherID: x.ID,
		Tier:    t,
		Score:   score,
		Reason:  r,
		Evidence: engine.Evidence{
			Rule:   string(t),
			Score:  score,
			Fields: v.fields(x.Record),
			Note:   note,
		},
	}
}

// fields returns the evidence of every tier at which x is one of the
// subject's candidates, strongest tier first, so a link by email shows a
// corroborating account code too. Left is always the local value.
func (v *view) fields(x engine.Record) []engine.FieldEvidence {
	local, up := v.subject, x
	if v.side == engine.Upstream {
		local, up = x, v.subject
	}
	var fs []engine.FieldEvidence
	for _, t := range engine.Tiers {
		if !slices.ContainsFunc(v.other[t], func(c engine.Candidate) bool { return c.ID == x.ID }) {
			continue
		}
		switch t {
		case engine.TierExternalID:
			fs = append(fs, refEvidence(local, up)...)
		case engine.TierEmail:
			fs = append(fs, engine.FieldEvidence{Field: engine.FieldEmail, Left: local.Email, Right: up.Email})
		case engine.TierAccountCode:
			fs = append(fs, engine.FieldEvidence{Field: engine.FieldAccountCode, Left: local.AccountCode, Right: up.AccountCode})
		}
	}
	return fs
}

// refEvidence shows which reference joins local and up: the local record's
// upstream-id column holding up's id, up's external-ref field holding the
// local id, or both. If neither holds exactly (the engine compared them
// some other way) it shows both references as they are.
func refEvidence(local, up engine.Record) []engine.FieldEvidence {
	var fs []engine.FieldEvidence
	if local.ExternalRef != "" && local.ExternalRef == up.ID {
		fs = append(fs, engine.FieldEvidence{Field: engine.FieldExternalRef, Left: local.ExternalRef, Right: up.ID})
	}
	if up.ExternalRef != "" && up.ExternalRef == local.ID {
		fs = append(fs, engine.FieldEvidence{Field: engine.FieldExternalRef, Left: local.ID, Right: up.ExternalRef})
	}
	if len(fs) == 0 {
		fs = append(fs, engine.FieldEvidence{Field: engine.FieldExternalRef, Left: local.ExternalRef, Right: up.ExternalRef})
	}
	return fs
}

// sameSideDuplicates proposes the subject and the records on its side that
// share its email, and likewise its account code, as duplicate sets.
func (v *view) sameSideDuplicates() []engine.DuplicateProposal {
	var out []engine.DuplicateProposal
	for _, t := range []engine.Tier{engine.TierEmail, engine.TierAccountCode} {
		same := v.same[t]
		if len(same) == 0 {
			continue
		}
		ids := v.withSubject(same)
		fs := make([]engine.FieldEvidence, 0, len(same))
		for _, m := range same {
			fs = append(fs, keyEvidence(t, v.subject, m.Record))
		}
		out = append(out, engine.DuplicateProposal{
			Side:   v.side,
			IDs:    ids,
			Reason: shared[t],
			Evidence: engine.Evidence{
				Rule:   string(t),
				Score:  suggestScore[t],
				Fields: fs,
				Note:   fmt.Sprintf("%s records %s share this %s", v.side, strings.Join(ids, ", "), t),
			},
		})
	}
	return out
}

// otherSideDuplicate proposes the candidates that share the subject's key
// at tier t as a duplicate set on the other side.
func (v *view) otherSideDuplicate(t engine.Tier, cands []engine.Candidate) engine.DuplicateProposal {
	ids := make([]string, 0, len(cands))
	fs := make([]engine.FieldEvidence, 0, len(cands)-1)
	for i, c := range cands {
		ids = append(ids, c.ID)
		if i > 0 {
			fs = append(fs, keyEvidence(t, cands[0].Record, c.Record))
		}
	}
	return engine.DuplicateProposal{
		Side:   v.otherSide,
		IDs:    ids,
		Reason: shared[t],
		Evidence: engine.Evidence{
			Rule:   string(t),
			Score:  suggestScore[t],
			Fields: fs,
			Note:   fmt.Sprintf("%s records %s share this %s", v.otherSide, strings.Join(ids, ", "), t),
		},
	}
}

// keyEvidence compares two records on one side at the email or
// account-code tier: Left and Right are the pair's members.
func keyEvidence(t engine.Tier, a, b engine.Record) engine.FieldEvidence {
	field := engine.FieldEmail
	if t == engine.TierAccountCode {
		field = engine.FieldAccountCode
	}
	return engine.FieldEvidence{Field: field, Left: a.Field(field), Right: b.Field(field)}
}

// withSubject returns the ids of same plus the subject's, sorted.
func (v *view) withSubject(same []engine.Candidate) []string {
	ids := []string{v.subject.ID}
	for _, c := range same {
		ids = append(ids, c.ID)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}
