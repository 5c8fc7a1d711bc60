package matchers

import (
	"fmt"
	"slices"
	"strings"

	"github.com/accordhq/accord/engine"
)

// Match is the score of one pair of profiles. Weight is the total match
// weight in bits, prior included; Probability is the same on a 0–1 scale:
// the chance that the pair is one customer given the fields compared, among
// pairs that share a blocking key.
type Match struct {
	A, B        string // the profiles' ids, A the subject (or the local side)
	Weight      float64
	Probability float64
	Vector      Vector
}

// Score compares a and b and weighs the outcome.
func (m *Model) Score(a, b *Profile) Match {
	v := Compare(a, b)
	w := m.weigh(a, v)
	return Match{A: a.ID, B: b.ID, Weight: w, Probability: Probability(w), Vector: v}
}

// ScoreCandidates scores subject against each candidate (for example the
// records Index.Candidates returned) and returns the matches whose
// probability is at least min, best first. Ties are broken by id, so the
// result does not depend on the candidates' order.
func (m *Model) ScoreCandidates(subject *Profile, cands []*Profile, min float64) []Match {
	var out []Match
	for _, c := range cands {
		if c.ID == subject.ID {
			continue
		}
		if s := m.Score(subject, c); s.Probability >= min {
			out = append(out, s)
		}
	}
	sortMatches(out)
	return out
}

func sortMatches(ms []Match) {
	slices.SortFunc(ms, func(x, y Match) int {
		switch {
		case x.Weight > y.Weight:
			return -1
		case x.Weight < y.Weight:
			return 1
		}
		if c := strings.Compare(x.A, y.A); c != 0 {
			return c
		}
		return strings.Compare(x.B, y.B)
	})
}

// weigh adds up the prior and each comparison's weight.
func (m *Model) weigh(a *Profile, v Vector) float64 {
	w := m.PriorWeight()
	for i, l := range v.Levels {
		w += m.levelWeight(i, l, a)
	}
	return w
}

// levelWeight is comparison i's contribution at level l, adjusted for
// term frequency on exact agreement.
func (m *Model) levelWeight(i int, l uint8, a *Profile) float64 {
	if l == levelNull {
		return 0
	}
	if l == 1 && comparisons[i].tf {
		// Crossed-over names agree exactly on a's value either way.
		return m.exactWeight(i, comparisons[i].value(a))
	}
	return m.params[i].Weight(l)
}

// Explain returns the evidence for a scored pair: every compared field
// with both values as given and its weight (log2 of the likelihood ratio,
// positive for agreement), strongest first, and a note that reads as the
// reasons ("first_name nickname (Robert | Rob) +4.1; ...; prior -8.0,
// total +12.3"). Left is a's value. Fields missing on either side are left
// out: they count for nothing.
func (m *Model) Explain(a, b *Profile, s Match) engine.Evidence {
	ev := engine.Evidence{Rule: RuleFuzzy, Score: s.Probability}
	type part struct {
		fe    engine.FieldEvidence
		label string
	}
	var parts []part
	for i, l := range s.Vector.Levels {
		if l == levelNull {
			continue
		}
		c := comparisons[i]
		left, right := displayValue(i, a, false), displayValue(i, b, s.Vector.Swapped)
		w := m.levelWeight(i, l, a)
		parts = append(parts, part{engine.FieldEvidence{Field: c.field, Left: left, Right: right, Weight: round2(w)}, c.levels[l]})
	}
	slices.SortStableFunc(parts, func(x, y part) int {
		switch {
		case x.fe.Weight > y.fe.Weight:
			return -1
		case x.fe.Weight < y.fe.Weight:
			return 1
		}
		return 0
	})
	notes := make([]string, 0, len(parts)+2)
	for _, p := range parts {
		ev.Fields = append(ev.Fields, p.fe)
		notes = append(notes, fmt.Sprintf("%s %s (%s | %s) %+.1f", p.fe.Field, p.label, p.fe.Left, p.fe.Right, p.fe.Weight))
	}
	if s.Vector.Swapped {
		notes = append(notes, "first and last names crossed over")
	}
	notes = append(notes, fmt.Sprintf("prior %+.1f, total %+.1f", m.PriorWeight(), s.Weight))
	ev.Note = strings.Join(notes, "; ")
	return ev
}

// RuleFuzzy is the Evidence.Rule of fuzzy matches.
const RuleFuzzy = "fuzzy"

// displayValue returns the given value compared by comparison i; for the
// right-hand profile of a crossed-over pair the names are exchanged, so
// the evidence shows what was compared with what.
func displayValue(i int, p *Profile, swapped bool) string {
	c := p.Customer
	switch i {
	case cmpFirst:
		if swapped {
			return c.LastName
		}
		return c.FirstName
	case cmpLast:
		if swapped {
			return c.FirstName
		}
		return c.LastName
	case cmpBirth:
		return c.Birthday
	case cmpEmail:
		return c.Email
	case cmpPhone:
		return strings.Trim(c.Phone+" / "+c.Mobile, " /")
	case cmpPostcode:
		return c.Address.Postcode
	case cmpCity:
		return c.Address.City
	case cmpAddress:
		return strings.TrimSpace(c.Address.Line1 + " " + c.Address.Line2)
	case cmpAccount:
		return c.AccountCode
	case cmpCompany:
		return c.Company
	}
	return ""
}

func round2(f float64) float64 {
	return float64(int64(f*100+copysign(0.5, f))) / 100
}

func copysign(x, sign float64) float64 {
	if sign < 0 {
		return -x
	}
	return x
}
