package matchers

import (
	"slices"
	"strings"

	"github.com/accordhq/accord/engine"
)

// DefaultSuggest is the default suggestion threshold: the match
// probability at or above which a pair is shown to a person. It is the
// even-odds point of the model, chosen before any labelled data was
// scored: above it the model thinks one customer more likely than two.
const DefaultSuggest = 0.5

// Suggestion is a scored pair worth a person's review, with its evidence.
type Suggestion struct {
	Match
	Evidence engine.Evidence
}

// PairSet is a set of unordered pairs of record ids: rejected pairs, or
// pairs a person already decided, which automation must never suggest
// again.
type PairSet map[[2]string]struct{}

// Add puts the pair {a, b} in the set.
func (s PairSet) Add(a, b string) { s[pairKey(a, b)] = struct{}{} }

// Has reports whether the pair {a, b} is in the set; a nil set is empty.
func (s PairSet) Has(a, b string) bool {
	_, ok := s[pairKey(a, b)]
	return ok
}

func pairKey(a, b string) [2]string {
	if a > b {
		a, b = b, a
	}
	return [2]string{a, b}
}

// OneToOne picks, from matches across two sides (A local, B upstream), the
// best link of each record: matches are taken best first, and one is kept
// only when neither of its records was already taken, is in taken, or the
// pair is rejected. Matches below min are ignored. The input is not
// changed. This is Splink's "single best links" clustering, the right
// shape for linking two systems in which each customer exists once.
func OneToOne(ms []Match, min float64, rejected PairSet, taken map[engine.Ref]bool) []Match {
	sorted := slices.Clone(ms)
	sortMatches(sorted)
	usedA, usedB := map[string]bool{}, map[string]bool{}
	var out []Match
	for _, m := range sorted {
		if m.Probability < min || usedA[m.A] || usedB[m.B] || rejected.Has(m.A, m.B) ||
			taken[engine.Ref{Side: engine.Local, ID: m.A}] || taken[engine.Ref{Side: engine.Upstream, ID: m.B}] {
			continue
		}
		usedA[m.A], usedB[m.B] = true, true
		out = append(out, m)
	}
	return out
}

// DuplicateSets groups records of one side into duplicate sets: the
// connected components of the matches at or above min, built strongest
// match first, where a match is skipped when it would join a set with a
// record the other set's members were rejected with, or make a set larger
// than maxSet. The guard matters: a shared phone or a placeholder can
// chain thousands of customers into one component, which nobody could
// review (matching.md §3.6). Each set is sorted and has at least two
// members; sets are sorted by their first member.
func DuplicateSets(ms []Match, min float64, maxSet int, rejected PairSet) [][]string {
	sorted := slices.Clone(ms)
	sortMatches(sorted)
	parent := map[string]string{}
	members := map[string][]string{}
	var find func(string) string
	find = func(x string) string {
		p, ok := parent[x]
		if !ok {
			parent[x], members[x] = x, []string{x}
			return x
		}
		if p == x {
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	for _, m := range sorted {
		if m.Probability < min || rejected.Has(m.A, m.B) {
			continue
		}
		ra, rb := find(m.A), find(m.B)
		if ra == rb || len(members[ra])+len(members[rb]) > maxSet || anyRejected(members[ra], members[rb], rejected) {
			continue
		}
		if len(members[ra]) < len(members[rb]) {
			ra, rb = rb, ra
		}
		parent[rb] = ra
		members[ra] = append(members[ra], members[rb]...)
		delete(members, rb)
	}
	var sets [][]string
	for _, ms := range members {
		if len(ms) > 1 {
			s := slices.Clone(ms)
			slices.Sort(s)
			sets = append(sets, s)
		}
	}
	slices.SortFunc(sets, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return sets
}

func anyRejected(a, b []string, rejected PairSet) bool {
	if len(rejected) == 0 {
		return false
	}
	for _, x := range a {
		for _, y := range b {
			if rejected.Has(x, y) {
				return true
			}
		}
	}
	return false
}

// sortPairs orders candidate pairs by their indexes.
func sortPairs(ps []candidatePair) {
	slices.SortFunc(ps, func(x, y candidatePair) int {
		if x.a != y.a {
			return int(x.a - y.a)
		}
		return int(x.b - y.b)
	})
}
