package matchers

import "strings"

// metaphoneLen is the length of the codes DoubleMetaphone returns. Four is
// the length Philips chose: long enough to tell most surnames apart, short
// enough that a misspelling late in the name still shares the code.
const metaphoneLen = 4

// DoubleMetaphone returns the primary and alternate Double Metaphone codes
// of word (Lawrence Philips, C/C++ Users Journal, June 2000), each at most
// four characters. The alternate equals the primary when the word has only
// one likely pronunciation. Letters outside A–Z are skipped, so pass a
// folded name (see Name); an empty or letterless word gives "", "".
//
// It is written from the published algorithm rather than imported: the
// only Go implementation the module proxy serves (antzucaro/matchr) is
// GPL-licensed. Checked against the 99,188 letter-only words of that
// project's reference corpus, used for the check and not copied here: no
// word's codes differ.
func DoubleMetaphone(word string) (primary, alternate string) {
	w := metaphoneInput(word)
	if w == "" {
		return "", ""
	}
	m := &metaphone{w: w, slavo: isSlavoGermanic(w)}
	i := 0
	if hasPrefix(w, "GN", "KN", "PN", "WR", "PS") {
		i = 1
	}
	for !m.complete() && i < len(w) {
		i = m.step(i)
	}
	p, a := m.primary.String(), m.alternate.String()
	return p, a
}

// metaphoneInput upper-cases word and keeps letters and single spaces; the
// rules look at spaces ("VAN ", "SAN ") but nothing else.
func metaphoneInput(word string) string {
	var b strings.Builder
	for i := 0; i < len(word); i++ {
		c := word[i]
		switch {
		case c >= 'a' && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c)
		case c == ' ' && b.Len() > 0:
			b.WriteByte(' ')
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// metaphone is the state of one encoding.
type metaphone struct {
	w                  string
	slavo              bool
	primary, alternate strings.Builder
}

func (m *metaphone) complete() bool {
	return m.primary.Len() >= metaphoneLen && m.alternate.Len() >= metaphoneLen
}

// add appends p to the primary code and a to the alternate, each cut at the
// code length.
func (m *metaphone) add(p, a string) {
	appendCut(&m.primary, p)
	appendCut(&m.alternate, a)
}

// both appends s to both codes.
func (m *metaphone) both(s string) { m.add(s, s) }

func appendCut(b *strings.Builder, s string) {
	if room := metaphoneLen - b.Len(); room > 0 {
		b.WriteString(s[:min(room, len(s))])
	}
}

// at returns the letter at i, or 0 outside the word.
func (m *metaphone) at(i int) byte {
	if i < 0 || i >= len(m.w) {
		return 0
	}
	return m.w[i]
}

// is reports whether the substring of length n at start is one of subs.
func (m *metaphone) is(start, n int, subs ...string) bool {
	if start < 0 || start+n > len(m.w) {
		return false
	}
	t := m.w[start : start+n]
	for _, s := range subs {
		if t == s {
			return true
		}
	}
	return false
}

func (m *metaphone) vowel(i int) bool { return isVowelByte(m.at(i)) }

func (m *metaphone) last() int { return len(m.w) - 1 }

func isVowelByte(c byte) bool {
	switch c {
	case 'A', 'E', 'I', 'O', 'U', 'Y':
		return true
	}
	return false
}

func isSlavoGermanic(w string) bool {
	return strings.ContainsAny(w, "WK") || strings.Contains(w, "CZ")
}

func hasPrefix(w string, ps ...string) bool {
	for _, p := range ps {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// skip returns i+2 when the next letter is one of next (a doubled letter),
// else i+1.
func (m *metaphone) skip(i int, next string) int {
	if c := m.at(i + 1); c != 0 && strings.IndexByte(next, c) >= 0 {
		return i + 2
	}
	return i + 1
}

// step encodes the letter at i and returns the index of the next letter to
// encode.
func (m *metaphone) step(i int) int {
	switch c := m.w[i]; c {
	case 'A', 'E', 'I', 'O', 'U', 'Y':
		if i == 0 {
			m.both("A")
		}
		return i + 1
	case 'B':
		m.both("P")
		return m.skip(i, "B")
	case 'C':
		return m.c(i)
	case 'D':
		return m.d(i)
	case 'F':
		m.both("F")
		return m.skip(i, "F")
	case 'G':
		return m.g(i)
	case 'H':
		if (i == 0 || m.vowel(i-1)) && m.vowel(i+1) {
			m.both("H")
			return i + 2
		}
		return i + 1
	case 'J':
		return m.j(i)
	case 'K':
		m.both("K")
		return m.skip(i, "K")
	case 'L':
		return m.l(i)
	case 'M':
		m.both("M")
		if m.at(i+1) == 'M' || (m.is(i-1, 3, "UMB") && (i+1 == m.last() || m.is(i+2, 2, "ER"))) {
			return i + 2
		}
		return i + 1
	case 'N':
		m.both("N")
		return m.skip(i, "N")
	case 'P':
		if m.at(i+1) == 'H' {
			m.both("F")
			return i + 2
		}
		m.both("P")
		return m.skip(i, "PB")
	case 'Q':
		m.both("K")
		return m.skip(i, "Q")
	case 'R':
		if i == m.last() && !m.slavo && m.is(i-2, 2, "IE") && !m.is(i-4, 2, "ME", "MA") {
			m.add("", "R")
		} else {
			m.both("R")
		}
		return m.skip(i, "R")
	case 'S':
		return m.s(i)
	case 'T':
		return m.t(i)
	case 'V':
		m.both("F")
		return m.skip(i, "V")
	case 'W':
		return m.wr(i)
	case 'X':
		return m.x(i)
	case 'Z':
		return m.z(i)
	}
	return i + 1
}
