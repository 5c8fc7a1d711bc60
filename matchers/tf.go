package matchers

import "math"

// TermFrequencies counts how often each value of one field occurs among a
// pair's records. Exact agreement on a value is then weighed by how likely
// two different customers are to share it by chance: log2(m / freq(value))
// in place of log2(m / u). Counts serialise with the model; Add keeps them
// current as records arrive.
type TermFrequencies struct {
	Total  int            `json:"total"`
	Counts map[string]int `json:"counts"`
}

// NewTermFrequencies returns an empty table.
func NewTermFrequencies() *TermFrequencies {
	return &TermFrequencies{Counts: map[string]int{}}
}

// Add counts one occurrence of v; empty values are not counted.
func (t *TermFrequencies) Add(v string) {
	if v == "" {
		return
	}
	t.Total++
	t.Counts[v]++
}

// Freq returns the share of records holding v, counting a value never seen
// as seen once (a new record holds it).
func (t *TermFrequencies) Freq(v string) float64 {
	if t == nil || t.Total == 0 {
		return 0
	}
	return float64(max(t.Counts[v], 1)) / float64(t.Total)
}

// EstimateTF rebuilds the term-frequency tables of the comparisons that
// use them from profiles (both sides of a pair, or one side to
// deduplicate).
func (m *Model) EstimateTF(profiles []*Profile) {
	m.TF = map[string]*TermFrequencies{}
	for _, c := range comparisons {
		if !c.tf {
			continue
		}
		t := NewTermFrequencies()
		for _, p := range profiles {
			t.Add(c.value(p))
		}
		m.TF[c.name] = t
	}
}

// maxTFBonus bounds how much rarer than average a value can make an exact
// agreement (in bits). A value seen once in a small table looks rarer than
// it is; the bound keeps one rare surname from outweighing everything
// else.
const maxTFBonus = 4.0

// exactWeight returns the weight of exact agreement on comparison i with
// value v: the level's weight, adjusted for v's frequency where the
// comparison uses term frequencies and the model has a table.
func (m *Model) exactWeight(i int, v string) float64 {
	p := m.params[i]
	w := p.Weight(1)
	c := comparisons[i]
	if !c.tf || m.TF == nil {
		return w
	}
	t := m.TF[c.name]
	f := t.Freq(v)
	if f <= 0 {
		return w
	}
	adj := math.Log2(clampProb(p.U[1]) / clampProb(f))
	return w + math.Min(adj, maxTFBonus)
}
