package matchers

import (
	"github.com/adrg/strutil/metrics"
)

// The string metrics are adrg/strutil's, configured once: they hold no
// state, so sharing them across goroutines is safe.
var (
	jaroWinkler = metrics.NewJaroWinkler()
	levenshtein = metrics.NewLevenshtein()
)

// jw returns the Jaro-Winkler similarity of two strings, 1 for equal ones.
func jw(a, b string) float64 {
	if a == b {
		return 1
	}
	if a == "" || b == "" {
		return 0
	}
	return jaroWinkler.Compare(a, b)
}

// jwAtLeast returns the Jaro-Winkler similarity of a and b when it may be
// at least floor, and 0 when a cheap bound shows it is below floor. Most
// pairs compared are strangers whose names share few letters; the bound
// spares them strutil's full computation, which allocates.
func jwAtLeast(a, b string, floor float64) float64 {
	if a == b {
		return 1
	}
	if a == "" || b == "" || jwBound(a, b) < floor {
		return 0
	}
	return jaroWinkler.Compare(a, b)
}

// jwBound is an upper bound of the Jaro-Winkler similarity: Jaro with
// every common byte matched in order, which no alignment can beat, plus
// the Winkler bonus of the common prefix. It gives no bound (1) for
// non-ASCII strings, whose rune counts strutil divides by.
func jwBound(a, b string) float64 {
	common, ok := commonBytes(a, b)
	if !ok {
		return 1
	}
	if common == 0 {
		return 0
	}
	c := float64(common)
	j := (c/float64(len(a)) + c/float64(len(b)) + 1) / 3
	p := 0
	for p < 4 && p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	return j + 0.1*float64(p)*(1-j)
}

// commonBytes counts the bytes a and b have in common as multisets,
// hashing bytes into 64 buckets (a collision only raises the count). ok
// is false when either string is not ASCII.
func commonBytes(a, b string) (common int, ok bool) {
	var h [64]uint8
	for i := 0; i < len(a); i++ {
		c := a[i]
		if c >= 0x80 {
			return 0, false
		}
		if h[c&63] < 255 {
			h[c&63]++
		}
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c >= 0x80 {
			return 0, false
		}
		if k := c & 63; h[k] > 0 {
			h[k]--
			common++
		}
	}
	return common, true
}

// withinEdits reports whether the Levenshtein distance of a and b is at
// most k. Lengths and common bytes reject most pairs before strutil
// computes the distance (over runes, so the shortcuts apply to ASCII only).
func withinEdits(a, b string, k int) bool {
	if a == b {
		return true
	}
	if !isASCII(a) || !isASCII(b) {
		return editDistance(a, b) <= k
	}
	la, lb := len(a), len(b)
	if la-lb > k || lb-la > k {
		return false
	}
	if common, ok := commonBytes(a, b); ok && common < max(la, lb)-k {
		return false
	}
	return editDistance(a, b) <= k
}

// hamming counts the positions at which two strings of equal length
// differ, or returns -1 for different lengths.
func hamming(a, b string) int {
	if len(a) != len(b) {
		return -1
	}
	n := 0
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

// oneEdit reports whether a and b differ by at most one insertion,
// deletion, substitution or swap of adjacent characters (optimal string
// alignment distance ≤ 1), the commonest typing errors. It runs in linear
// time without allocating, because blocking and scoring call it often.
func oneEdit(a, b string) bool {
	if a == b {
		return true
	}
	la, lb := len(a), len(b)
	if la > lb {
		a, b, la, lb = b, a, lb, la
	}
	if lb-la > 1 {
		return false
	}
	i := 0
	for i < la && a[i] == b[i] {
		i++
	}
	if la == lb {
		if a[i+1:] == b[i+1:] {
			return true // substitution
		}
		return i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	}
	return a[i:] == b[i+1:] // insertion
}

// tokenSimilarity compares two lists of words, ignoring their order: each
// word counts by its best Jaro-Winkler similarity to a word of the other
// list, when that is at least 0.85, and the result is the mean over both
// lists (1 when the lists hold the same words). Order is ignored because
// people write "Flat 2, 10 Queen St" and "10 Queen St Flat 2".
// ma and mb are the words' byteMasks.
func tokenSimilarity(a, b []string, ma, mb []uint64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	return (bestSum(a, b, ma, mb) + bestSum(b, a, mb, ma)) / float64(len(a)+len(b))
}

// tokenFloor is the similarity at which a word counts as matching another.
const tokenFloor = 0.85

func bestSum(a, b []string, ma, mb []uint64) float64 {
	sum := 0.0
	for i, x := range a {
		best := 0.0
		for j, y := range b {
			if x == y {
				best = 1
				break
			}
			if maskBound(x, y, ma[i], mb[j]) < tokenFloor {
				continue
			}
			if s := jwAtLeast(x, y, tokenFloor); s > best {
				best = s
			}
		}
		if best >= tokenFloor {
			sum += best
		}
	}
	return sum
}

// byteMask records which bytes occur in s, hashed into 64 bits.
func byteMask(s string) uint64 {
	var m uint64
	for i := 0; i < len(s); i++ {
		m |= 1 << (s[i] & 63)
	}
	return m
}

func byteMasks(ws []string) []uint64 {
	out := make([]uint64, len(ws))
	for i, w := range ws {
		out[i] = byteMask(w)
	}
	return out
}

// maskBound is a cheaper, looser upper bound of the Jaro-Winkler
// similarity than jwBound: a byte of one string that does not occur in
// the other can match nothing. It needs no table, so it suits the many
// word pairs of an address.
func maskBound(a, b string, ma, mb uint64) float64 {
	if a == "" || b == "" {
		return 0
	}
	if ma&mb == 0 {
		return 0
	}
	ca := len(a)
	for i := 0; i < len(a); i++ {
		if mb&(1<<(a[i]&63)) == 0 {
			ca--
		}
	}
	cb := len(b)
	for i := 0; i < len(b); i++ {
		if ma&(1<<(b[i]&63)) == 0 {
			cb--
		}
	}
	c := float64(min(ca, cb))
	j := (c/float64(len(a)) + c/float64(len(b)) + 1) / 3
	p := 0
	for p < 4 && p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	return j + 0.1*float64(p)*(1-j)
}

// editDistance returns the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	if a == b {
		return 0
	}
	return levenshtein.Distance(a, b)
}
