package matchers

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/accordhq/accord/engine"
)

// ModelVersion is the version of the Model format and of the comparison
// table it was estimated for. A stored model of another version must be
// estimated again.
const ModelVersion = 1

// Model holds the Fellegi-Sunter parameters of fuzzy matching for one
// pair: for each comparison and level, m = P(level | same customer) and
// u = P(level | different customers); Lambda, the share of candidate pairs
// (pairs that share a blocking key) that are the same customer; and the
// term frequencies that make agreement on a common value ("smith",
// "london") count for less than agreement on a rare one.
//
// A Model is plain data and serialises to JSON (MarshalJSON is the
// encoding/json default), so the store can keep it per pair and version
// it. Start from DefaultModel, Train or json.Unmarshal (a zero Model
// cannot score), and refine it with EstimateU, EstimateTF, EM and
// LearnLabels. It must not be changed while it is scoring.
type Model struct {
	Version     int                         `json:"version"`
	Lambda      float64                     `json:"lambda"`
	Comparisons map[string]ComparisonParams `json:"comparisons"`
	// TF maps a comparison name to its term-frequency table.
	TF map[string]*TermFrequencies `json:"tf,omitempty"`

	params [numComparisons]*ComparisonParams // resolved from Comparisons
}

// ComparisonParams are the m and u probabilities of one comparison, indexed
// by level; index 0 (missing value) is unused.
type ComparisonParams struct {
	Levels []string  `json:"levels"`
	M      []float64 `json:"m"`
	U      []float64 `json:"u"`
}

// Weight returns the match weight, log2(m/u), of level l.
func (p *ComparisonParams) Weight(l uint8) float64 {
	if l == levelNull || int(l) >= len(p.M) {
		return 0
	}
	return math.Log2(clampProb(p.M[l]) / clampProb(p.U[l]))
}

// probability bounds keep every weight finite when a level was never seen.
const (
	minProb = 1e-6
	maxProb = 1 - 1e-6
)

func clampProb(p float64) float64 { return math.Min(math.Max(p, minProb), maxProb) }

// DefaultModel returns a model with prior m and u probabilities: m falls
// off from exact agreement, u assumes agreement is rare between different
// customers. The priors are starting points only; Train replaces u with
// estimates from the merchant's data and refines m and Lambda by
// expectation maximisation.
func DefaultModel() *Model {
	m := &Model{Version: ModelVersion, Lambda: 1e-4, Comparisons: map[string]ComparisonParams{}}
	for _, c := range comparisons {
		n := len(c.levels)
		p := ComparisonParams{Levels: c.levels, M: make([]float64, n), U: make([]float64, n)}
		// m: most same-customer pairs agree exactly; each weaker level is
		// less likely. u: most different-customer pairs disagree.
		mass := 0.0
		for l := 1; l < n; l++ {
			p.M[l] = math.Pow(0.25, float64(l-1))
			mass += p.M[l]
		}
		for l := 1; l < n; l++ {
			p.M[l] /= mass
			p.U[l] = 0.01 / float64(n-2)
		}
		p.U[1] = 0.001
		p.U[n-1] = 1 - 0.001 - 0.01*float64(n-3)/float64(n-2)
		m.Comparisons[c.name] = p
	}
	m.resolve()
	return m
}

// resolve links the parameter table to the comparison indexes.
func (m *Model) resolve() {
	for i, c := range comparisons {
		if p, ok := m.Comparisons[c.name]; ok {
			m.params[i] = &p
		}
	}
}

// UnmarshalJSON reads a model and checks it against the comparison table.
// It returns an error wrapping engine.ErrInvalid for another version or a
// comparison whose levels differ.
func (m *Model) UnmarshalJSON(b []byte) error {
	type plain Model
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("matchers: read model: %w", err)
	}
	if p.Version != ModelVersion {
		return fmt.Errorf("matchers: model version %d, want %d: %w", p.Version, ModelVersion, engine.ErrInvalid)
	}
	for _, c := range comparisons {
		cp, ok := p.Comparisons[c.name]
		if !ok || len(cp.M) != len(c.levels) || len(cp.U) != len(c.levels) {
			return fmt.Errorf("matchers: model comparison %q does not have %d levels: %w", c.name, len(c.levels), engine.ErrInvalid)
		}
	}
	*m = Model(p)
	m.resolve()
	return nil
}

// Clone returns a copy of m whose parameters can be refined while the
// original keeps scoring. The term-frequency tables are shared: EstimateTF
// replaces them rather than changing them, but TermFrequencies.Add on a
// clone's table changes the original's too.
func (m *Model) Clone() *Model {
	c := &Model{Version: m.Version, Lambda: m.Lambda, Comparisons: map[string]ComparisonParams{}, TF: m.TF}
	for k, p := range m.Comparisons {
		c.Comparisons[k] = ComparisonParams{Levels: p.Levels, M: append([]float64(nil), p.M...), U: append([]float64(nil), p.U...)}
	}
	c.resolve()
	return c
}

// PriorWeight is the match weight of the prior, log2(λ/(1-λ)).
func (m *Model) PriorWeight() float64 {
	l := clampProb(m.Lambda)
	return math.Log2(l / (1 - l))
}

// Probability converts a total match weight into a match probability.
func Probability(weight float64) float64 {
	return 1 / (1 + math.Exp2(-weight))
}
