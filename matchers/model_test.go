package matchers_test

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/matchers"
)

func TestModelJSON(t *testing.T) {
	t.Parallel()
	ps := []*matchers.Profile{
		prof(t, engine.Customer{ID: "1", FirstName: "Ann", LastName: "Lee", Address: engine.Address{City: "Auckland"}}),
		prof(t, engine.Customer{ID: "2", FirstName: "Ann", LastName: "Leigh", Address: engine.Address{City: "Auckland"}}),
		prof(t, engine.Customer{ID: "3", FirstName: "Bob", LastName: "Brown", Address: engine.Address{City: "Hamilton"}}),
	}
	m := matchers.Train(ps, ps, matchers.TrainOpts{UPairs: 1000})
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back matchers.Model
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if s1, s2 := m.Score(ps[0], ps[1]), back.Score(ps[0], ps[1]); s1.Weight != s2.Weight {
		t.Errorf("weight %v after a JSON round trip, %v before", s2.Weight, s1.Weight)
	}
	bad := []byte(`{"version": 99, "lambda": 0.1, "comparisons": {}}`)
	if err := json.Unmarshal(bad, &back); !errors.Is(err, engine.ErrInvalid) {
		t.Errorf("other version: error %v, want ErrInvalid", err)
	}
}

// TestEM checks that expectation maximisation recovers known parameters
// from comparison vectors drawn from them.
func TestEM(t *testing.T) {
	t.Parallel()
	// A population of pairs: matched pairs agree on the birthday 90% of
	// the time, others 1%; 2,000 matches among 1,000,000 pairs of which
	// the 12,000 that share a key are candidates.
	truthM, truthU := 0.9, 0.01
	r := rand.New(rand.NewPCG(1, 2))
	vc := matchers.VectorCounts{}
	draw := func(match bool) matchers.Vector {
		var v matchers.Vector
		for i := range v.Levels {
			p := truthU
			if match {
				p = truthM
			}
			if r.Float64() < p {
				v.Levels[i] = 1
			} else {
				v.Levels[i] = uint8(len(matchers.DefaultModel().Comparisons[matchers.ComparisonNames()[i]].Levels) - 1)
			}
		}
		return v
	}
	for range 2000 {
		vc.Add(draw(true))
	}
	for range 10000 {
		vc.Add(draw(false))
	}
	m := matchers.DefaultModel()
	// u as random sampling would find it.
	for _, name := range matchers.ComparisonNames() {
		p := m.Comparisons[name]
		for l := 1; l < len(p.U); l++ {
			p.U[l] = 0
		}
		p.U[1], p.U[len(p.U)-1] = truthU, 1-truthU
	}
	m.EM(vc, 1e6, 100)
	if got := m.Lambda * 1e6; math.Abs(got-2000) > 100 {
		t.Errorf("expected matches %.0f, want about 2000", got)
	}
	for _, name := range matchers.ComparisonNames() {
		if got := m.Comparisons[name].M[1]; math.Abs(got-truthM) > 0.03 {
			t.Errorf("%s: m(exact) = %.3f, want about %.2f", name, got, truthM)
		}
	}
}

func TestLearnLabels(t *testing.T) {
	t.Parallel()
	a := prof(t, engine.Customer{ID: "1", FirstName: "Ann", LastName: "Lee"})
	b := prof(t, engine.Customer{ID: "2", FirstName: "Ann", LastName: "Leigh"})
	m := matchers.DefaultModel()
	before := m.Comparisons["last_name"].M[6]
	m.LearnLabels([]matchers.Label{{A: a, B: b, Match: true}, {A: a, B: b, Match: true}}, 1)
	if after := m.Comparisons["last_name"].M[6]; after <= before {
		t.Errorf("approvals at the jaro-winkler ≥ 0.7 level left m at %.3f (was %.3f)", after, before)
	}
}
