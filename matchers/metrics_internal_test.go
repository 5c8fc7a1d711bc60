package matchers

import "testing"

func TestOneEdit(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"", "", true}, {"a", "", true}, {"", "ab", false}, {"allen", "alen", true}, {"allen", "allan", true},
		{"morris", "mroris", true}, {"morris", "mosrir", false}, {"abc", "acb", true}, {"abcd", "badc", false},
		{"19710624", "19710642", true}, {"smith", "smiths", true}, {"smith", "smyths", false},
	} {
		if got := oneEdit(tt.a, tt.b); got != tt.want {
			t.Errorf("oneEdit(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// osa is the textbook optimal-string-alignment distance, the reference
// for oneEdit.
func osa(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func FuzzOneEdit(f *testing.F) {
	f.Add("allen", "alen")
	f.Add("ab", "ba")
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a) > 64 || len(b) > 64 {
			return
		}
		if got, want := oneEdit(a, b), osa(a, b) <= 1; got != want {
			t.Errorf("oneEdit(%q, %q) = %v, OSA distance %d", a, b, got, osa(a, b))
		}
	})
}

// FuzzBounds checks that the cheap bounds never fall below the similarity
// they bound, so skipping by them never changes a level.
func FuzzBounds(f *testing.F) {
	f.Add("martha", "marhta")
	f.Add("street", "st")
	f.Add("é", "e")
	f.Fuzz(func(t *testing.T, a, b string) {
		if a == "" || b == "" || a == b {
			return
		}
		s := jaroWinkler.Compare(a, b)
		if jb := jwBound(a, b); jb < s-1e-9 {
			t.Errorf("jwBound(%q, %q) = %v < Jaro-Winkler %v", a, b, jb, s)
		}
		if isASCII(a) && isASCII(b) {
			if mb := maskBound(a, b, byteMask(a), byteMask(b)); mb < s-1e-9 {
				t.Errorf("maskBound(%q, %q) = %v < Jaro-Winkler %v", a, b, mb, s)
			}
		}
		if d := editDistance(a, b); withinEdits(a, b, 2) != (d <= 2) {
			t.Errorf("withinEdits(%q, %q, 2) disagrees with distance %d", a, b, d)
		}
	})
}

func TestTokenSimilarity(t *testing.T) {
	t.Parallel()
	words := func(s ...string) ([]string, []uint64) { return s, byteMasks(s) }
	a, ma := words("10", "queen", "st", "flat", "2")
	b, mb := words("flat", "2", "10", "queen", "st")
	if s := tokenSimilarity(a, b, ma, mb); s != 1 {
		t.Errorf("same words in another order: %v, want 1", s)
	}
	c, mc := words("221b", "baker", "street")
	if s := tokenSimilarity(a, c, ma, mc); s != 0 {
		t.Errorf("unrelated addresses: %v, want 0", s)
	}
}
