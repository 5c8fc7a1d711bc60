package matchers_test

import (
	"reflect"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/matchers"
)

func mt(a, b string, w float64) matchers.Match {
	return matchers.Match{A: a, B: b, Weight: w, Probability: matchers.Probability(w)}
}

func TestOneToOne(t *testing.T) {
	t.Parallel()
	ms := []matchers.Match{mt("L1", "U1", 5), mt("L1", "U2", 9), mt("L2", "U2", 7), mt("L3", "U3", -4), mt("L4", "U4", 6), mt("L5", "U5", 8)}
	rejected := matchers.PairSet{}
	rejected.Add("U4", "L4") // order does not matter
	taken := map[engine.Ref]bool{{Side: engine.Upstream, ID: "U5"}: true}
	got := matchers.OneToOne(ms, 0.5, rejected, taken)
	var pairs [][2]string
	for _, m := range got {
		pairs = append(pairs, [2]string{m.A, m.B})
	}
	// L1-U2 is best for both; L2 then has nothing left; L1-U1 loses to
	// L1-U2; L3-U3 is below the threshold; L4-U4 was rejected; U5 is taken.
	if want := [][2]string{{"L1", "U2"}}; !reflect.DeepEqual(pairs, want) {
		t.Errorf("OneToOne = %v, want %v", pairs, want)
	}
}

func TestDuplicateSets(t *testing.T) {
	t.Parallel()
	ms := []matchers.Match{mt("a", "b", 9), mt("b", "c", 8), mt("c", "d", 7), mt("x", "y", 5), mt("y", "z", -3)}
	if got, want := matchers.DuplicateSets(ms, 0.5, 20, nil), [][]string{{"a", "b", "c", "d"}, {"x", "y"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("sets = %v, want %v", got, want)
	}
	// The guard keeps sets small, cutting the weakest links.
	if got, want := matchers.DuplicateSets(ms, 0.5, 3, nil), [][]string{{"a", "b", "c"}, {"x", "y"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("capped sets = %v, want %v", got, want)
	}
	// A rejected pair is never joined, even through a third record.
	rejected := matchers.PairSet{}
	rejected.Add("a", "c")
	if got, want := matchers.DuplicateSets(ms, 0.5, 20, rejected), [][]string{{"a", "b"}, {"c", "d"}, {"x", "y"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("sets with a rejection = %v, want %v", got, want)
	}
}

func TestProposals(t *testing.T) {
	t.Parallel()
	n := newNormalizer(t, "NZ")
	subject := n.NewProfile(engine.Customer{ID: "U1", FirstName: "Robert", LastName: "Allen", Birthday: "1971-06-24", Email: "rob@x.co"})
	cands := []*matchers.Profile{
		n.NewProfile(engine.Customer{ID: "L1", FirstName: "Bob", LastName: "Allen", Birthday: "1971-06-24", Email: "rob@x.co"}),
		n.NewProfile(engine.Customer{ID: "L2", FirstName: "Robert", LastName: "Allen", Birthday: "1971-06-24"}),
		n.NewProfile(engine.Customer{ID: "L3", FirstName: "Zed", LastName: "Zulu"}),
	}
	m := matchers.DefaultModel()
	ps := m.Proposals(engine.Upstream, subject, cands, 0.5, func(id string) bool { return id == "L2" })
	if len(ps) != 1 || ps[0].OtherID != "L1" || ps[0].Tier != matchers.TierFuzzy || ps[0].Reason != matchers.ReasonFuzzy {
		t.Fatalf("proposals = %+v, want one for L1", ps)
	}
	// The subject is upstream, so the local record's values are Left.
	var first engine.FieldEvidence
	for _, f := range ps[0].Evidence.Fields {
		if f.Field == engine.FieldFirstName {
			first = f
		}
	}
	if first.Left != "Bob" || first.Right != "Robert" || first.Weight <= 0 {
		t.Errorf("first-name evidence %+v, want Left Bob (local), Right Robert, positive weight", first)
	}
	if ps[0].Evidence.Rule != matchers.RuleFuzzy || ps[0].Evidence.Note == "" {
		t.Errorf("evidence %+v lacks its rule or reasons", ps[0].Evidence)
	}
}
