package matchers_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/matchers"
)

func TestBlockingKeys(t *testing.T) {
	t.Parallel()
	p := prof(t, engine.Customer{ID: "1", FirstName: "Ann", LastName: "Lee", Email: "ann.lee@gmail.com",
		Phone: "021 555 0101", Birthday: "1971-06-24", AccountCode: "c-1",
		Address: engine.Address{Line1: "10 Queen St", City: "Auckland", Postcode: "1010"}})
	keys := matchers.BlockingKeys(p)
	for _, want := range []string{"phone:+64215550101", "phone7:5550101", "email:annlee@gmail.com", "mailbox:annlee",
		"name:ann|lee", "dob:19710624", "dob_fi:19710624|a", "acct:C-1", "addr:10|queen"} {
		if !slices.Contains(keys, want) {
			t.Errorf("keys %v lack %q", keys, want)
		}
	}
	if len(slices.Compact(slices.Sorted(slices.Values(keys)))) != len(keys) {
		t.Errorf("duplicate keys in %v", keys)
	}
	for _, k := range keys {
		if rule, _, ok := strings.Cut(k, ":"); !ok || rule == "" {
			t.Errorf("key %q has no rule prefix", k)
		}
	}
	// Crossed-over names share the name key.
	q := prof(t, engine.Customer{ID: "2", FirstName: "Lee", LastName: "Ann"})
	if !slices.Contains(matchers.BlockingKeys(q), "name:ann|lee") {
		t.Errorf("crossed-over names do not share the name key: %v", matchers.BlockingKeys(q))
	}
	if got := matchers.BlockingKeys(prof(t, engine.Customer{ID: "3"})); len(got) != 0 {
		t.Errorf("empty customer has keys %v", got)
	}
}

func TestIndex(t *testing.T) {
	t.Parallel()
	ix := matchers.NewIndex(matchers.IndexOpts{})
	ann := prof(t, engine.Customer{ID: "1", FirstName: "Ann", LastName: "Lee", Email: "ann@x.co"})
	ann2 := prof(t, engine.Customer{ID: "2", FirstName: "Anne", LastName: "Lee", Email: "ann@x.co"})
	bob := prof(t, engine.Customer{ID: "3", FirstName: "Bob", LastName: "Brown", Email: "bob@x.co"})
	for _, p := range []*matchers.Profile{ann, ann2, bob} {
		ix.Add(p)
	}
	ids := func(ps []*matchers.Profile) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	if got := ids(ix.Candidates(ann)); !slices.Equal(got, []string{"2"}) {
		t.Errorf("candidates of ann = %v, want [2]", got)
	}
	// Replacing a profile moves it to its new keys.
	ix.Add(prof(t, engine.Customer{ID: "2", FirstName: "Bob", LastName: "Brown", Email: "bob@x.co"}))
	if got := ids(ix.Candidates(ann)); len(got) != 0 {
		t.Errorf("after replacing 2, candidates of ann = %v", got)
	}
	if got := ids(ix.Candidates(bob)); !slices.Equal(got, []string{"2"}) {
		t.Errorf("candidates of bob = %v, want [2]", got)
	}
	ix.Remove("2")
	if got := ix.Candidates(bob); len(got) != 0 || ix.Len() != 2 || ix.Get("2") != nil {
		t.Errorf("after Remove: %v, len %d", ids(got), ix.Len())
	}
}

func TestIndexGuards(t *testing.T) {
	t.Parallel()
	ix := matchers.NewIndex(matchers.IndexOpts{MaxBlock: 5, MaxCandidates: 3})
	// Ten customers share a placeholder phone; two of them also share an
	// email with the subject.
	for i := range 10 {
		c := engine.Customer{ID: strconv.Itoa(i), Phone: "+64 21 555 0101", LastName: "X" + strconv.Itoa(i)}
		if i < 2 {
			c.Email = "shared@x.co"
		}
		ix.Add(prof(t, c))
	}
	subject := prof(t, engine.Customer{ID: "s", Phone: "+64 21 555 0101", Email: "shared@x.co"})
	got := ix.Candidates(subject)
	if len(got) != 2 {
		t.Errorf("got %d candidates, want the 2 sharing the email (the phone block is giant)", len(got))
	}
	if keys := ix.GiantKeys(); !slices.Contains(keys, "phone:+64215550101") {
		t.Errorf("giant keys %v lack the shared phone", keys)
	}

	ix = matchers.NewIndex(matchers.IndexOpts{MaxCandidates: 3})
	for i := range 10 {
		c := engine.Customer{ID: strconv.Itoa(i), FirstName: "Ann", LastName: "Lee" + strconv.Itoa(i), Birthday: "1971-06-24"}
		if i == 7 {
			c.Email = "ann@x.co"
		}
		ix.Add(prof(t, c))
	}
	got = ix.Candidates(prof(t, engine.Customer{ID: "s", FirstName: "Ann", Birthday: "1971-06-24", Email: "ann@x.co"}))
	if len(got) != 3 || !slices.ContainsFunc(got, func(p *matchers.Profile) bool { return p.ID == "7" }) {
		t.Errorf("capped candidates %d, want 3 including the one sharing most keys", len(got))
	}
}
