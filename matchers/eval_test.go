package matchers_test

import (
	"fmt"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/matchers"
)

// truthPairs returns the number of true pairs: within one side (b nil) or
// across two sides.
func truthPairs(a, b dataset) int {
	count := func(ds dataset) map[string]int {
		m := map[string]int{}
		for _, e := range ds.entity {
			m[e]++
		}
		return m
	}
	ca := count(a)
	n := 0
	if b.customers == nil {
		for _, k := range ca {
			n += k * (k - 1) / 2
		}
		return n
	}
	cb := count(b)
	for e, k := range ca {
		n += k * cb[e]
	}
	return n
}

// scores are a confusion count and its precision, recall and F1.
type scores struct{ tp, fp, fn int }

func (s scores) precision() float64 { return ratio(s.tp, s.tp+s.fp) }
func (s scores) recall() float64    { return ratio(s.tp, s.tp+s.fn) }
func (s scores) f1() float64 {
	p, r := s.precision(), s.recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func (s scores) String() string {
	return fmt.Sprintf("P %.3f R %.3f F1 %.3f (TP %d FP %d FN %d)", s.precision(), s.recall(), s.f1(), s.tp, s.fp, s.fn)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// entityOf maps ids to their entity.
func entityOf(dss ...dataset) map[string]string {
	m := map[string]string{}
	for _, ds := range dss {
		for i, c := range ds.customers {
			m[c.ID] = ds.entity[i]
		}
	}
	return m
}

// evaluate counts the predicted pairs (id pairs) against the truth, where
// total is the number of true pairs.
func evaluate(pairs [][2]string, ent map[string]string, total int) scores {
	var s scores
	seen := map[[2]string]bool{}
	for _, p := range pairs {
		k := p
		if k[0] > k[1] {
			k[0], k[1] = k[1], k[0]
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		if ent[p[0]] == ent[p[1]] {
			s.tp++
		} else {
			s.fp++
		}
	}
	s.fn = total - s.tp
	return s
}

func matchPairs(ms []matchers.Match, min float64) [][2]string {
	var out [][2]string
	for _, m := range ms {
		if m.Probability >= min {
			out = append(out, [2]string{m.A, m.B})
		}
	}
	return out
}

func setPairs(sets [][]string) [][2]string {
	var out [][2]string
	for _, s := range sets {
		for i := range s {
			for j := i + 1; j < len(s); j++ {
				out = append(out, [2]string{s[i], s[j]})
			}
		}
	}
	return out
}

// profiles prepares a data set's customers.
func profiles(n *matchers.Normalizer, ds dataset) []*matchers.Profile {
	ps := make([]*matchers.Profile, len(ds.customers))
	for i, c := range ds.customers {
		ps[i] = n.NewProfile(c)
	}
	return ps
}

// split returns the FEBRL originals and duplicates as two data sets.
func split(ds dataset) (org, dup dataset) {
	org.name, dup.name = ds.name+" originals", ds.name+" duplicates"
	for i, c := range ds.customers {
		d := &dup
		if len(c.ID) > 4 && c.ID[len(c.ID)-4:] == "-org" {
			d = &org
		}
		d.customers = append(d.customers, c)
		d.entity = append(d.entity, ds.entity[i])
	}
	return org, dup
}

type engineRef = engine.Ref

func localRef(id string) engine.Ref    { return engine.Ref{Side: engine.Local, ID: id} }
func upstreamRef(id string) engine.Ref { return engine.Ref{Side: engine.Upstream, ID: id} }
