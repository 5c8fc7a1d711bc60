package matchers_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/accordhq/accord/matchers"
)

// label is one clerical decision of fake_1000_labels.csv.
type label struct {
	a, b  string
	match bool
}

func loadLabels(tb testing.TB) []label {
	tb.Helper()
	f, err := os.Open(filepath.Join(dataDir(tb), "splink", "fake_1000_labels.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	var out []label
	for _, r := range rows[1:] {
		score, err := strconv.ParseFloat(r[4], 64)
		if err != nil {
			tb.Fatalf("label %v: %v", r, err)
		}
		out = append(out, label{a: r[0], b: r[2], match: score >= 0.5})
	}
	return out
}

// TestQualityLabels scores fake_1000 against its clerical labels (3,176
// approve and reject decisions; Splink's tutorial model: best F1 0.911,
// at p = 0.5 P 1.0, R 0.702), and measures what approvals add when they
// refine m (LearnLabels). The labels hold every true pair, so learning and
// measuring on the same labels would be circular: the second figure is
// cross-fitted, learning from the clusters of one half and measuring on
// the other half's pairs, then the other way round.
func TestQualityLabels(t *testing.T) {
	t.Parallel()
	n := newNormalizer(t, "US")
	ds := loadFake1000(t)
	labels := loadLabels(t)
	ps := profiles(n, ds)
	res := matchers.Dedupe(ps, matchers.BatchOpts{Keep: 1e-12})
	prob := map[[2]string]float64{}
	for _, m := range res.Scored {
		prob[[2]string{m.A, m.B}], prob[[2]string{m.B, m.A}] = m.Probability, m.Probability
	}
	var s scores
	for _, l := range labels {
		got := prob[[2]string{l.a, l.b}] >= matchers.DefaultSuggest
		switch {
		case got && l.match:
			s.tp++
		case got:
			s.fp++
		case l.match:
			s.fn++
		}
	}
	t.Logf("fake_1000 vs clerical labels       %v", s)

	// Cross-fitted: clusters split by the parity of their id.
	byID := map[string]*matchers.Profile{}
	fold := map[string]int{}
	for i, p := range ps {
		byID[p.ID] = p
		c, _ := strconv.Atoi(ds.entity[i])
		fold[p.ID] = c % 2
	}
	ent := entityOf(ds)
	var cross scores
	for f := range 2 {
		var train []matchers.Label
		for _, l := range labels {
			if fold[l.a] == f && fold[l.b] == f {
				train = append(train, matchers.Label{A: byID[l.a], B: byID[l.b], Match: l.match})
			}
		}
		model := res.Model.Clone()
		model.LearnLabels(train, 50)
		out := matchers.Dedupe(ps, matchers.BatchOpts{Model: model})
		var pairs [][2]string
		for _, m := range out.Scored {
			if fold[m.A] != f && fold[m.B] != f {
				pairs = append(pairs, [2]string{m.A, m.B})
			}
		}
		total := 0
		for i := range ds.customers {
			for j := i + 1; j < len(ds.customers); j++ {
				if ds.entity[i] == ds.entity[j] && fold[ds.customers[i].ID] != f {
					total++
				}
			}
		}
		e := evaluate(pairs, ent, total)
		cross.tp, cross.fp, cross.fn = cross.tp+e.tp, cross.fp+e.fp, cross.fn+e.fn
	}
	t.Logf("fake_1000 suggestions, m from labels %v (cross-fitted)", cross)
	if s.precision() < 0.99 {
		t.Errorf("precision against clerical labels %.3f, want ≥ 0.99", s.precision())
	}
}
