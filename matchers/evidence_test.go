package matchers_test

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/matchers"
)

func TestDeterministicEvidence(t *testing.T) {
	t.Parallel()
	w := world{
		local: []engine.Customer{
			cust("L1", " Ann@X.co.nz ", "c1", ""),
			cust("L2", "ann@x.co.nz", "", ""),
			cust("L5", "eve@x.co.nz", "", "U5"),
		},
		upstream: []engine.Customer{
			cust("U1", "ann@x.co.nz", "C1", ""),
			cust("U3", "cat@x.co.nz", "", ""), cust("U4", "cat@x.co.nz", "", ""),
			cust("U5", "zed@x.co.nz", "", "L5"),
		},
	}
	local1 := matchers.Deterministic(w.candidates(t, local("L1")))
	up1 := matchers.Deterministic(w.candidates(t, upstream("U1")))

	// Left is the local value and Right the upstream value whichever side
	// the subject is on.
	wantFields := []engine.FieldEvidence{
		{Field: engine.FieldEmail, Left: " Ann@X.co.nz ", Right: "ann@x.co.nz"},
		{Field: engine.FieldAccountCode, Left: "c1", Right: "C1"},
	}
	if got := local1.Suggestions[0].Evidence.Fields; !reflect.DeepEqual(got, wantFields) {
		t.Errorf("local subject fields = %+v, want %+v", got, wantFields)
	}
	if got := up1.Suggestions; len(got) != 2 || !reflect.DeepEqual(got[0].Evidence.Fields, wantFields) {
		t.Errorf("upstream subject suggestions = %+v, want L1 first with fields %+v", got, wantFields)
	}
	sg := local1.Suggestions[0]
	if sg.Score != 0.85 || sg.Evidence.Score != sg.Score || sg.Evidence.Rule != "email" || sg.Reason != engine.ReasonAmbiguousEmail {
		t.Errorf("suggestion = %+v, want score 0.85, rule email, reason ambiguous_email", sg)
	}
	if !strings.Contains(sg.Evidence.Note, "L1, L2") {
		t.Errorf("note %q does not name the local records sharing the email", sg.Evidence.Note)
	}
	dup := local1.Duplicates[0]
	wantDup := []engine.FieldEvidence{{Field: engine.FieldEmail, Left: " Ann@X.co.nz ", Right: "ann@x.co.nz"}}
	if dup.Evidence.Rule != "email" || dup.Evidence.Score != 0.85 || !reflect.DeepEqual(dup.Evidence.Fields, wantDup) {
		t.Errorf("duplicate evidence = %+v, want rule email, score 0.85, fields %+v", dup.Evidence, wantDup)
	}

	// Both directions of an external ref are shown, local value on the left.
	ref := matchers.Deterministic(w.candidates(t, upstream("U5")))
	wantRef := []engine.FieldEvidence{
		{Field: engine.FieldExternalRef, Left: "U5", Right: "U5"},
		{Field: engine.FieldExternalRef, Left: "L5", Right: "L5"},
	}
	if ref.Link == nil || ref.Link.Score != 1 || ref.Link.Evidence.Rule != "external_id" || !reflect.DeepEqual(ref.Link.Evidence.Fields, wantRef) {
		t.Errorf("external link = %+v, want score 1, fields %+v", ref.Link, wantRef)
	}

	// Several upstream records on one email: a duplicate proposal there,
	// its members compared pairwise.
	cat := matchers.Deterministic(engine.Candidates{
		Subject: engine.Record{Side: engine.Local, Customer: cust("L7", "cat@x.co.nz", "", "")},
		Other: map[engine.Tier][]engine.Candidate{engine.TierEmail: {
			{Record: engine.Record{Side: engine.Upstream, Customer: cust("U4", "CAT@x.co.nz", "", "")}},
			{Record: engine.Record{Side: engine.Upstream, Customer: cust("U3", "cat@x.co.nz", "", "")}},
		}},
	})
	wantCat := []engine.FieldEvidence{{Field: engine.FieldEmail, Left: "cat@x.co.nz", Right: "CAT@x.co.nz"}}
	if len(cat.Duplicates) != 1 || !reflect.DeepEqual(cat.Duplicates[0].Evidence.Fields, wantCat) {
		t.Errorf("upstream duplicate = %+v, want fields %+v", cat.Duplicates, wantCat)
	}
}

func TestDeterministicScores(t *testing.T) {
	t.Parallel()
	tests := []struct {
		w    world
		want float64
	}{
		{world{local: []engine.Customer{cust("L1", "", "", "U1")}, upstream: []engine.Customer{cust("U1", "", "", "")}}, 1.0},
		{world{local: []engine.Customer{cust("L1", "a@x.io", "", "")}, upstream: []engine.Customer{cust("U1", "a@x.io", "", "")}}, 0.95},
		{world{local: []engine.Customer{cust("L1", "", "C", "")}, upstream: []engine.Customer{cust("U1", "", "C", "")}}, 0.9},
	}
	for _, tt := range tests {
		d := matchers.Deterministic(tt.w.candidates(t, local("L1")))
		if d.Link == nil || d.Link.Score != tt.want || d.Link.Evidence.Score != tt.want || d.Link.Evidence.Note != "" {
			t.Errorf("link = %+v, want score %v", d.Link, tt.want)
		}
	}
}

func TestDeterministicContradictionNote(t *testing.T) {
	t.Parallel()
	w := world{
		local:    []engine.Customer{cust("L1", "ann@x.co.nz", "C1", "")},
		upstream: []engine.Customer{cust("U1", "ann@x.co.nz", "", ""), cust("U2", "", "C1", "")},
	}
	d := matchers.Deterministic(w.candidates(t, local("L1")))
	const want = "email points at upstream U1, account_code at upstream U2"
	for _, s := range d.Suggestions {
		if s.Evidence.Note != want {
			t.Errorf("suggestion %s note = %q, want %q", s.OtherID, s.Evidence.Note, want)
		}
	}
}

// The engine may hand over a candidate more than once (found through two
// index entries) and in any order; the decision must not change.
func TestDeterministicInputOrder(t *testing.T) {
	t.Parallel()
	subject := engine.Record{Side: engine.Local, Customer: cust("L1", "ann@x.co.nz", "C1", "")}
	up := func(id string, linked string, rivals map[engine.Tier][]string) engine.Candidate {
		return engine.Candidate{Record: engine.Record{Side: engine.Upstream, Customer: cust(id, "", "", "")}, LinkedTo: linked, Rivals: rivals}
	}

	dupOnly := engine.Candidates{Subject: subject, Other: map[engine.Tier][]engine.Candidate{
		engine.TierEmail: {up("U1", "", nil), up("U1", "", nil), up("", "", nil)},
	}}
	if d := matchers.Deterministic(dupOnly); d.Link == nil || d.Link.OtherID != "U1" {
		t.Errorf("repeated candidate: %+v, want a link to U1", d)
	}

	// A repeat that carries a warning sign keeps it.
	warned := engine.Candidates{Subject: subject, Other: map[engine.Tier][]engine.Candidate{
		engine.TierEmail: {up("U1", "", nil), up("U1", "L9", map[engine.Tier][]string{engine.TierEmail: {"L9", "L1"}})},
	}}
	if d := matchers.Deterministic(warned); d.Link != nil || d.Reason != engine.ReasonAmbiguousEmail {
		t.Errorf("repeated candidate with rivals: %+v, want ambiguous_email and no link", d)
	}

	base := []engine.Candidate{up("U3", "", nil), up("U1", "", nil), up("U2", "L4", nil), up("U5", "", nil)}
	var first engine.Decision
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		cs := slices.Clone(base)
		rng.Shuffle(len(cs), func(a, b int) { cs[a], cs[b] = cs[b], cs[a] })
		code := []engine.Candidate{base[1], base[3]}
		rng.Shuffle(len(code), func(a, b int) { code[a], code[b] = code[b], code[a] })
		d := matchers.Deterministic(engine.Candidates{Subject: subject, Other: map[engine.Tier][]engine.Candidate{
			engine.TierEmail: cs, engine.TierAccountCode: code,
		}})
		if i == 0 {
			first = d
			continue
		}
		if !reflect.DeepEqual(d, first) {
			t.Fatalf("order %d changed the decision:\n%+v\nfirst:\n%+v", i, d, first)
		}
	}
	ids := make([]string, 0, len(first.Suggestions))
	for _, s := range first.Suggestions {
		ids = append(ids, s.OtherID)
	}
	if !slices.IsSorted(ids) || len(ids) != 4 {
		t.Errorf("suggestions %v, want 4 sorted by id", ids)
	}
}

func TestDeterministicUnmatched(t *testing.T) {
	t.Parallel()
	d := matchers.Deterministic(engine.Candidates{Subject: engine.Record{Side: engine.Upstream, Customer: cust("U1", "", "", "")}})
	if !d.Unmatched() || d.Reason != engine.ReasonNoMatch {
		t.Errorf("empty candidates: %+v, want unmatched with no_match", d)
	}
}
