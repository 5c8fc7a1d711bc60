package matchers_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/matchers"
)

func portRecord(side engine.Side, c engine.Customer) engine.Record {
	return engine.Record{Pair: "main", Side: side, Customer: c, Hash: c.Hash()}
}

// TestFuzzyPort checks the engine adapter: keys without a model, a model
// that survives a save, proposals above the threshold only, and evidence
// with the local value on the left whichever side changed.
func TestFuzzyPort(t *testing.T) {
	t.Parallel()
	n := newNormalizer(t, "NZ")
	f := matchers.NewFuzzy(n, 0)
	var local, upstream []engine.Customer
	for i := range 40 {
		local = append(local, engine.Customer{ID: fmt.Sprint("L", i), FirstName: fmt.Sprint("Given", i), LastName: "Family",
			Email: fmt.Sprintf("g%d@shop.nz", i), Phone: fmt.Sprintf("021 400 %04d", i)})
		upstream = append(upstream, engine.Customer{ID: fmt.Sprint("U", i), FirstName: fmt.Sprint("Other", i), LastName: "Name",
			Email: fmt.Sprintf("o%d@pos.nz", i), Phone: fmt.Sprintf("022 500 %04d", i)})
	}
	mere := engine.Customer{ID: "L99", FirstName: "Mere", LastName: "Parata", Email: "mere.parrata@gmail.com", Phone: "021 555 0123"}
	same := engine.Customer{ID: "U99", FirstName: "Mere", LastName: "Parata", Email: "mere.parata@gmail.com", Phone: "021 555 0123"}
	other := engine.Customer{ID: "U98", FirstName: "Hone", LastName: "Parata", Email: "hone@pos.nz", Phone: "09 300 0000"}
	if len(f.Blocks(mere)) == 0 {
		t.Fatal("no blocking keys")
	}
	_, data, err := f.Train(append(local, mere), append(upstream, same, other))
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		subject engine.Record
		cands   []engine.Record
	}{
		{portRecord(engine.Local, mere), []engine.Record{portRecord(engine.Upstream, other), portRecord(engine.Upstream, same)}},
		{portRecord(engine.Upstream, same), []engine.Record{portRecord(engine.Local, mere)}},
	} {
		ps := p.Propose(tc.subject, tc.cands)
		if len(ps) != 1 || ps[0].Tier != engine.TierFuzzy || ps[0].Reason != engine.ReasonFuzzy || ps[0].Score < matchers.DefaultSuggest {
			t.Fatalf("proposals for %s = %+v, want one fuzzy proposal", tc.subject.ID, ps)
		}
		var email engine.FieldEvidence
		for _, fe := range ps[0].Evidence.Fields {
			if fe.Field == engine.FieldEmail {
				email = fe
			}
		}
		if email.Left != mere.Email || email.Right != same.Email {
			t.Errorf("subject %s: email evidence %+v, want the local value left", tc.subject.ID, email)
		}
	}
	if _, err := f.Load([]byte(`{"version":0}`)); !errors.Is(err, engine.ErrInvalid) {
		t.Errorf("Load of another version: %v, want ErrInvalid", err)
	}
	// With nothing to learn from, a model is still usable.
	if p, _, err := f.Train(nil, []engine.Customer{mere}); err != nil || p == nil {
		t.Fatalf("Train on one record: %v", err)
	}
}
