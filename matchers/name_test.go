package matchers_test

import (
	"testing"

	"github.com/accordhq/accord/matchers"
)

func TestName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"accents and spaces", "José  Müller", "jose muller"},
		{"already folded", "jose muller", "jose muller"},
		{"outer whitespace", " \t Ann\n Lee  ", "ann lee"},
		{"decomposed accent", "Jose\u0301", "jose"},
		{"sharp s folds", "Straße", "strasse"},
		{"turkish dotted capital", "İrem", "irem"},
		{"greek final sigma", "ΟΔΥΣΣΕΥΣ", "οδυσσευσ"},
		{"ligature", "ﬁona", "fiona"},
		{"fullwidth", "ＡＮＮ", "ann"},
		{"inner hyphen kept", "Mary-Jane", "mary-jane"},
		{"en dash is a hyphen", "Mary–Jane", "mary-jane"},
		{"inner apostrophe kept", "O'Brien", "o'brien"},
		{"typographic apostrophe", "O’Brien", "o'brien"},
		{"hyphen between spaces dropped", "Mary - Jane", "mary jane"},
		{"leading and trailing punctuation", "-'Ann'-", "ann"},
		{"double hyphen", "a--b", "a b"},
		{"dots and commas", "Lee, Ann J.", "lee ann j"},
		{"initials without spaces", "A.J.Smith", "a j smith"},
		{"digits kept", "Unit 3, 12-14 Queen St.", "unit 3 12-14 queen st"},
		{"symbols", "Ann & Bob's Café® ✓", "ann bob's cafe"},
		{"cjk", "山田 太郎", "山田 太郎"},
		{"cherokee upper", "Ꭽ", "ꭽ"}, // x/text folds Cherokee both ways
		{"cherokee lower", "ꭽ", "ꭽ"},
		{"empty", "", ""},
		{"only punctuation", " .,-' ", ""},
		{"invalid utf-8", "Ann\xffLee", "ann lee"},
		{"invalid utf-8 before an accent", "\xf2Ӂ", "ж"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := matchers.Name(tt.in); got != tt.want {
				t.Errorf("Name(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
