package matchers_test

import (
	"strings"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/matchers"
)

func TestEmailKey(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"Ann.Lee+shop@Gmail.com", "annlee@gmail.com"},
		{"ann.lee@googlemail.com", "annlee@gmail.com"},
		{"ann.lee+x@outlook.com", "ann.lee@outlook.com"},
		{"ann.lee+x@shop.co.nz", "ann.lee+x@shop.co.nz"}, // unknown provider: kept
		{"a.b.c+001@whatever.com", "a.b.c+001@whatever.com"},
		{"+tag@gmail.com", "+tag@gmail.com"}, // nothing left before the tag
		{"noemail@x.com", ""},
		{"not an address", ""},
	} {
		if got := matchers.EmailKey(tt.in); got != tt.want {
			t.Errorf("EmailKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestBirthday(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"1971-06-24", "19710624"},
		{"19710624", "19710624"},
		{"1971/6/4", "19710604"},
		{"1971-06-24T00:00:00Z", "19710624"},
		{"1985-13-02", "19851302"}, // a typo, kept for near-miss scoring
		{"1900-01-01", ""},
		{"0000-00-00", ""},
		{"24/06/1971", ""}, // ambiguous day and month order: not guessed
		{"", ""},
		{"yesterday", ""},
	} {
		if got := matchers.Birthday(tt.in); got != tt.want {
			t.Errorf("Birthday(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNewProfile(t *testing.T) {
	t.Parallel()
	p := prof(t, engine.Customer{ID: "1", FirstName: " José ", LastName: "O’Brien", Email: "Jo.Se@gmail.com",
		Phone: "021 555 0101", Mobile: "+64 21 555 0101", Birthday: "1971-06-24", Raw: []byte("{}"),
		Address: engine.Address{Line1: "10 Queen St.", Line2: "Flat 2", City: "Auckland", Postcode: "1010"}})
	if p.First != "jose" || p.Last != "o'brien" || p.EmailKey != "jose@gmail.com" || p.EmailLocal != "jose" {
		t.Errorf("names and email: %+v", p)
	}
	if len(p.Phones) != 1 || p.Phones[0] != "+64215550101" {
		t.Errorf("phones %v, want one E.164 number", p.Phones)
	}
	if p.Address != "10 queen st flat 2" || len(p.AddressTokens) != 5 || p.Birth != "19710624" {
		t.Errorf("address and birthday: %q %v %q", p.Address, p.AddressTokens, p.Birth)
	}
	if p.Customer.Raw != nil {
		t.Error("the profile keeps the raw payload")
	}
}

func FuzzEmailKey(f *testing.F) {
	for _, s := range []string{"Ann.Lee+x@gmail.com", "a@googlemail.com", "+@gmail.com", ".@gmail.com", "a+b@outlook.com", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := matchers.EmailKey(s)
		if (got == "") != (matchers.Email(s) == "") {
			t.Errorf("EmailKey(%q) = %q but Email = %q", s, got, matchers.Email(s))
		}
		if again := matchers.EmailKey(got); again != got {
			t.Errorf("EmailKey not idempotent: %q -> %q -> %q", s, got, again)
		}
	})
}

func FuzzBirthday(f *testing.F) {
	for _, s := range []string{"1971-06-24", "19710624", "1971/6/4", "1971-06-24 10:00", "0000-00-00", "--", "1-1-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := matchers.Birthday(s)
		if got == "" {
			return
		}
		if len(got) != 8 || strings.Trim(got, "0123456789") != "" {
			t.Errorf("Birthday(%q) = %q, want eight digits", s, got)
		}
		if again := matchers.Birthday(got); again != got {
			t.Errorf("Birthday not idempotent: %q -> %q -> %q", s, got, again)
		}
	})
}
