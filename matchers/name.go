package matchers

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Name returns the folded form of a name or any free-text field: compatibility
// decomposed (NFKD), without non-spacing marks, case-folded, with every run
// of spaces, punctuation and symbols collapsed to one space and no space at
// either end. Hyphens and apostrophes are kept between two letters or digits
// ("Mary-Jane", "O'Brien", "12-14"), in one canonical form, because there
// they are part of the name; elsewhere they are separators. So
// "  José  Müller " and "jose muller" are equal, and "O’Brien" (typographic
// apostrophe) equals "o'brien".
//
// Dropping accents loses information ("Müller" and "Muller" become one), which
// is what matching wants: the two spellings are typed for the same person far
// more often than they distinguish two people.
func Name(s string) string {
	if isASCII(s) {
		s = strings.ToLower(s)
	} else {
		// Lower-casing after folding makes the result stable: x/text folds
		// Cherokee lower-case letters to upper case, as Unicode says, but
		// also upper to lower, so folding alone is not idempotent. (No rune
		// comes out of these steps in a form NFKD would change again.)
		// Invalid bytes become separators first: x/text's normaliser
		// leaves the rune after one undecomposed.
		s = strings.ToValidUTF8(s, " ")
		s = strings.ToLower(cases.Fold().String(norm.NFKD.String(s)))
	}
	runes := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	space, afterWord := false, false
	for i, r := range runes {
		j := isJoiner(r)
		switch {
		case unicode.Is(unicode.Mn, r):
			// accents and other non-spacing marks: dropped
		case unicode.IsLetter(r) || unicode.IsNumber(r) || (unicode.Is(unicode.Mc, r) && afterWord):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			space, afterWord = false, true
		case j != 0 && afterWord && wordFollows(runes[i+1:]):
			b.WriteRune(j)
			afterWord = false
		default:
			space, afterWord = true, false
		}
	}
	return b.String()
}

// isJoiner returns the canonical form of a hyphen or apostrophe, or 0.
func isJoiner(r rune) rune {
	switch r {
	case '-', '‐', '‑', '‒', '–', '—', '−':
		return '-'
	case '\'', '’', '‘', '`':
		return '\''
	}
	return 0
}

// wordFollows reports whether the next rune that is not a dropped mark is a
// letter or digit.
func wordFollows(rest []rune) bool {
	for _, r := range rest {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		return unicode.IsLetter(r) || unicode.IsNumber(r)
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
