package matchers_test

import (
	"strings"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/matchers"
)

// prof builds a profile from the fields tests care about.
func prof(tb testing.TB, c engine.Customer) *matchers.Profile {
	tb.Helper()
	return newNormalizer(tb, "NZ").NewProfile(c)
}

// levelOf returns the label of a comparison's level in the default model.
func levelOf(v matchers.Vector, name string) string {
	m := matchers.DefaultModel()
	for i, n := range matchers.ComparisonNames() {
		if n == name {
			return m.Comparisons[name].Levels[v.Levels[i]]
		}
	}
	return "?"
}

func TestCompareLevels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		a, b  engine.Customer
		field string
		want  string
	}{
		{"missing", engine.Customer{FirstName: "Ann"}, engine.Customer{}, "first_name", "null"},
		{"exact after folding", engine.Customer{FirstName: "José"}, engine.Customer{FirstName: " jose "}, "first_name", "exact"},
		{"nickname", engine.Customer{FirstName: "Robert"}, engine.Customer{FirstName: "Bob"}, "first_name", "nickname"},
		{"typo", engine.Customer{LastName: "Allen"}, engine.Customer{LastName: "Alen"}, "last_name", "one edit"},
		{"transposition", engine.Customer{LastName: "Morris"}, engine.Customer{LastName: "Mroris"}, "last_name", "one edit"},
		{"sounds alike", engine.Customer{LastName: "Smith"}, engine.Customer{LastName: "Schmidt"}, "last_name", "sounds alike"},
		{"different", engine.Customer{LastName: "Smith"}, engine.Customer{LastName: "Brown"}, "last_name", "different"},
		{"birthday exact", engine.Customer{Birthday: "1971-06-24"}, engine.Customer{Birthday: "19710624"}, "birthday", "exact"},
		{"birthday digit", engine.Customer{Birthday: "1971-06-24"}, engine.Customer{Birthday: "1971-05-24"}, "birthday", "one digit or day and month swapped"},
		{"birthday day month swap", engine.Customer{Birthday: "1971-06-04"}, engine.Customer{Birthday: "1971-04-06"}, "birthday", "one digit or day and month swapped"},
		{"birthday years", engine.Customer{Birthday: "1971-06-04"}, engine.Customer{Birthday: "1972-11-19"}, "birthday", "within two years"},
		{"gmail dots and tags", engine.Customer{Email: "Ann.Lee+shop@gmail.com"}, engine.Customer{Email: "annlee@googlemail.com"}, "email", "exact"},
		{"mailbox", engine.Customer{Email: "ann@a.com"}, engine.Customer{Email: "ann@b.com"}, "email", "same mailbox name"},
		{"email typo", engine.Customer{Email: "robert255@smith.net"}, engine.Customer{Email: "roberta25@smith.net"}, "email", "within two edits"},
		{"numbered mailboxes", engine.Customer{Email: "john.smith12@mail.nz"}, engine.Customer{Email: "john.smith34@mail.nz"}, "email", "different"},
		{"phone formats", engine.Customer{Phone: "021 555 0101"}, engine.Customer{Mobile: "+64 21 555 0101"}, "phone", "exact"},
		{"phone area code", engine.Customer{Phone: "3865286"}, engine.Customer{Phone: "(312) 386-5286"}, "phone", "same last seven digits"},
		{"postcode typo", engine.Customer{Address: engine.Address{Postcode: "2119"}}, engine.Customer{Address: engine.Address{Postcode: "2191"}}, "postcode", "one edit"},
		{"address words", engine.Customer{Address: engine.Address{Line1: "435 S. La Cienega Blv."}}, engine.Customer{Address: engine.Address{Line1: "435 s la cienega blvd"}}, "address", "words ≥ 0.9"},
		{"account typo", engine.Customer{AccountCode: "1804974"}, engine.Customer{AccountCode: "1804947"}, "account_code", "one edit"},
		{"company", engine.Customer{Company: "Arnie Morton's of Chicago"}, engine.Customer{Company: "arnie morton's of chicago"}, "company", "exact"},
	}
	for _, tt := range tests {
		v := matchers.Compare(prof(t, tt.a), prof(t, tt.b))
		if got := levelOf(v, tt.field); got != tt.want {
			t.Errorf("%s: %s level = %q, want %q", tt.name, tt.field, got, tt.want)
		}
		// Comparing is symmetric.
		if w := matchers.Compare(prof(t, tt.b), prof(t, tt.a)); w.Levels != v.Levels {
			t.Errorf("%s: Compare is not symmetric: %v vs %v", tt.name, v.Levels, w.Levels)
		}
	}
}

func TestCompareSwappedNames(t *testing.T) {
	t.Parallel()
	a := prof(t, engine.Customer{FirstName: "Isla", LastName: "Hall"})
	b := prof(t, engine.Customer{FirstName: "Hall", LastName: "Isla"})
	v := matchers.Compare(a, b)
	if !v.Swapped || levelOf(v, "first_name") != "exact" || levelOf(v, "last_name") != "exact" {
		t.Fatalf("crossed-over names: %+v", v)
	}
	ev := matchers.DefaultModel().Explain(a, b, matchers.DefaultModel().Score(a, b))
	if !strings.Contains(ev.Note, "crossed over") {
		t.Errorf("note %q does not say the names were crossed over", ev.Note)
	}
	if ev.Fields[0].Left != "Isla" || ev.Fields[0].Right != "Isla" {
		t.Errorf("evidence shows %+v, want the values compared with each other", ev.Fields[0])
	}
}

func TestNicknames(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"robert", "bob", true}, {"bill", "william", true}, {"chris", "christine", true},
		{"chris", "christopher", true}, {"robert", "robert", false}, {"ann", "bob", false},
		{"bob smith", "robert", true}, {"", "bob", false},
	} {
		if got := matchers.Nicknames(tt.a, tt.b); got != tt.want {
			t.Errorf("Nicknames(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}

// FuzzCompare checks that comparing never panics, is symmetric and that a
// profile agrees with itself on every field it has.
func FuzzCompare(f *testing.F) {
	f.Add("Ann", "Lee", "ann@x.co", "021 555 0101", "1971-06-24", "10 Queen St", "Bob", "Leigh", "bob@x.co", "", "19710624", "Queen St 10")
	f.Add("", "", "", "", "", "", "é", "ß", "a@b", "+", "0000-00-00", " ")
	f.Fuzz(func(t *testing.T, f1, l1, e1, p1, b1, a1, f2, l2, e2, p2, b2, a2 string) {
		n := newNormalizer(t, "NZ")
		x := n.NewProfile(engine.Customer{FirstName: f1, LastName: l1, Email: e1, Phone: p1, Birthday: b1, Address: engine.Address{Line1: a1}})
		y := n.NewProfile(engine.Customer{FirstName: f2, LastName: l2, Email: e2, Phone: p2, Birthday: b2, Address: engine.Address{Line1: a2}})
		u, v := matchers.Compare(x, y), matchers.Compare(y, x)
		if u.Swapped && v.Swapped {
			// Crossed-over name levels may trade places.
			if min(u.Levels[0], u.Levels[1]) == min(v.Levels[0], v.Levels[1]) {
				u.Levels[0], u.Levels[1], v.Levels[0], v.Levels[1] = 0, 0, 0, 0
			}
		}
		if u.Levels != v.Levels || u.Swapped != v.Swapped {
			t.Errorf("not symmetric: %+v vs %+v", u, v)
		}
		for i, l := range matchers.Compare(x, x).Levels {
			if l > 1 {
				t.Errorf("profile disagrees with itself on comparison %d (level %d)", i, l)
			}
		}
	})
}
