package matchers_test

import (
	"strings"
	"testing"

	"github.com/accordhq/accord/matchers"
)

func TestDoubleMetaphone(t *testing.T) {
	t.Parallel()
	// Expected codes follow Philips' published rules (the implementation
	// also agrees with a 99,188-word reference corpus; see DoubleMetaphone).
	tests := []struct{ in, primary, alternate string }{
		{"", "", ""},
		{"123", "", ""},
		{"Smith", "SM0", "XMT"},
		{"Schmidt", "XMT", "SMT"},
		{"Thompson", "TMPS", "TMPS"},
		{"Thomas", "TMS", "TMS"},
		{"Jose", "HS", "HS"},
		{"Michael", "MKL", "MXL"},
		{"knight", "NT", "NT"},
		{"Wasserman", "ASRM", "FSRM"},
		{"Caesar", "SSR", "SSR"},
		{"Xavier", "SF", "SFR"},
		{"filipowicz", "FLPT", "FLPF"},
		{"gallegos", "KLKS", "KKS"},
		{"O'Brien", "APRN", "APRN"},
		{"allen", "ALN", "ALN"},
		{"alan", "ALN", "ALN"},
		{"ALLEN", "ALN", "ALN"},
	}
	for _, tt := range tests {
		p, a := matchers.DoubleMetaphone(tt.in)
		if p != tt.primary || a != tt.alternate {
			t.Errorf("DoubleMetaphone(%q) = %q, %q; want %q, %q", tt.in, p, a, tt.primary, tt.alternate)
		}
	}
}

func FuzzDoubleMetaphone(f *testing.F) {
	for _, s := range []string{"Smith", "van der berg", "CZERNY", "aggi", "é", "mac caffrey", "san jacinto", "j"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, a := matchers.DoubleMetaphone(s)
		for _, c := range []string{p, a} {
			if len(c) > 4 {
				t.Errorf("DoubleMetaphone(%q) code %q longer than 4", s, c)
			}
			if strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0 ") != "" {
				t.Errorf("DoubleMetaphone(%q) code %q has other characters", s, c)
			}
		}
		if p2, a2 := matchers.DoubleMetaphone(strings.ToUpper(s)); isASCIIString(s) && (p2 != p || a2 != a) {
			t.Errorf("DoubleMetaphone depends on case: %q -> %q,%q vs %q,%q", s, p, a, p2, a2)
		}
	})
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
