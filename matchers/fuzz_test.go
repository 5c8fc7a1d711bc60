package matchers_test

import (
	"strings"
	"testing"

	"github.com/accordhq/accord/matchers"
)

// The fuzz targets check properties that every later stage relies on: a
// key never panics, is stable under re-normalisation (so keys stored by one
// version compare with keys computed again), and has no stray spaces.

func FuzzEmail(f *testing.F) {
	for _, s := range []string{"", " Ann@Shop.co.nz ", "mailto:a@b.co", "<a@b.c>", "ÉLODIE@CAFÉ.FR", "none", "a@b@c.d", "İ@x.io", "noemail@x.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := matchers.Email(s)
		if again := matchers.Email(got); again != got {
			t.Errorf("Email not idempotent: %q -> %q -> %q", s, got, again)
		}
		if strings.TrimSpace(got) != got {
			t.Errorf("Email(%q) = %q has outer space", s, got)
		}
		if strings.ToLower(got) != got {
			t.Errorf("Email(%q) = %q is not lower-case", s, got)
		}
	})
}

func FuzzPhone(f *testing.F) {
	for _, s := range []string{"", "021 555 0101", "+64 21 555 0101", "+001 415 555 2671", "(415) 555-2671 ext. 12", "+", "1-800-FLOWERS", "+0", "00000"} {
		f.Add(s, "NZ")
		f.Add(s, "US")
	}
	f.Add("+44 20 7946 0958", "ZZ")
	f.Fuzz(func(t *testing.T, s, region string) {
		got := matchers.Phone(s, region)
		if got == "" {
			return
		}
		if again := matchers.Phone(got, region); again != got {
			t.Errorf("Phone not idempotent: %q -> %q -> %q", s, got, again)
		}
		if got[0] != '+' || len(got) < 2 || strings.Trim(got[1:], "0123456789") != "" {
			t.Errorf("Phone(%q, %q) = %q is not +digits", s, region, got)
		}
	})
}

func FuzzName(f *testing.F) {
	for _, s := range []string{"", "José  Müller", "O’Brien", "Mary - Jane", "ﬁona", "Straße", "İrem", "a-\u0301b", "山田 太郎", "ǰ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := matchers.Name(s)
		if again := matchers.Name(got); again != got {
			t.Errorf("Name not idempotent: %q -> %q -> %q", s, got, again)
		}
		if strings.TrimSpace(got) != got || strings.Contains(got, "  ") {
			t.Errorf("Name(%q) = %q has stray space", s, got)
		}
	})
}
