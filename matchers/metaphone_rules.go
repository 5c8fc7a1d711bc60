package matchers

// The letter rules of Double Metaphone that need context. Each takes the
// index of its letter and returns the index of the next letter to encode.
// Comments name the words a rule exists for, as in Philips' original.

func (m *metaphone) c(i int) int {
	switch {
	case m.germanicACH(i): // "bacher", "macher"
		m.both("K")
		return i + 2
	case i == 0 && m.is(i, 6, "CAESAR"):
		m.both("S")
		return i + 2
	case m.is(i, 2, "CH"):
		return m.ch(i)
	case m.is(i, 2, "CZ") && !m.is(i-2, 4, "WICZ"): // "Czerny"
		m.add("S", "X")
		return i + 2
	case m.is(i+1, 3, "CIA"): // "focaccia"
		m.both("X")
		return i + 3
	case m.is(i, 2, "CC") && !(i == 1 && m.at(0) == 'M'): // not "McClelland"
		if m.is(i+2, 1, "I", "E", "H") && !m.is(i+2, 2, "HU") { // "bellocchio", not "bacchus"
			if (i == 1 && m.at(0) == 'A') || m.is(i-1, 5, "UCCEE", "UCCES") { // "accident", "succeed"
				m.both("KS")
			} else { // "bacci", "bertucci"
				m.both("X")
			}
			return i + 3
		}
		m.both("K") // Pierce's rule
		return i + 2
	case m.is(i, 2, "CK", "CG", "CQ"):
		m.both("K")
		return i + 2
	case m.is(i, 2, "CI", "CE", "CY"):
		if m.is(i, 3, "CIO", "CIE", "CIA") { // Italian vs English
			m.add("S", "X")
		} else {
			m.both("S")
		}
		return i + 2
	}
	m.both("K")
	switch {
	case m.is(i+1, 2, " C", " Q", " G"): // "Mac Caffrey", "Mac Gregor"
		return i + 3
	case m.is(i+1, 1, "C", "K", "Q") && !m.is(i+1, 2, "CE", "CI"):
		return i + 2
	}
	return i + 1
}

// germanicACH is the "-ACH-" rule: a hard C in "bacher", "macher" and
// non-initial "ach" not followed by E or I; "chianti" too.
func (m *metaphone) germanicACH(i int) bool {
	switch {
	case m.is(i, 4, "CHIA"):
		return true
	case i <= 1, m.vowel(i - 2), !m.is(i-1, 3, "ACH"):
		return false
	}
	c := m.at(i + 2)
	return (c != 'I' && c != 'E') || m.is(i-2, 6, "BACHER", "MACHER")
}

func (m *metaphone) ch(i int) int {
	switch {
	case i > 0 && m.is(i, 4, "CHAE"): // "Michael"
		m.add("K", "X")
	case i == 0 && (m.is(i+1, 5, "HARAC", "HARIS") || m.is(i+1, 3, "HOR", "HYM", "HIA", "HEM")) &&
		!m.is(0, 5, "CHORE"): // Greek roots: "chemistry", "chorus"
		m.both("K")
	case m.is(0, 4, "VAN ", "VON ") || m.is(0, 3, "SCH") ||
		m.is(i-2, 6, "ORCHES", "ARCHIT", "ORCHID") || m.is(i+2, 1, "T", "S") ||
		((m.is(i-1, 1, "A", "O", "U", "E") || i == 0) &&
			(m.is(i+2, 1, "L", "R", "N", "M", "B", "H", "F", "V", "W", " ") || i+1 == m.last())):
		m.both("K") // Germanic or Greek "ch" for "kh"
	case i > 0 && m.is(0, 2, "MC"):
		m.both("K")
	case i > 0:
		m.add("X", "K")
	default:
		m.both("X")
	}
	return i + 2
}

func (m *metaphone) d(i int) int {
	switch {
	case m.is(i, 2, "DG"):
		if m.is(i+2, 1, "I", "E", "Y") { // "edge"
			m.both("J")
			return i + 3
		}
		m.both("TK") // "Edgar"
		return i + 2
	case m.is(i, 2, "DT", "DD"):
		m.both("T")
		return i + 2
	}
	m.both("T")
	return i + 1
}

func (m *metaphone) g(i int) int {
	switch {
	case m.at(i+1) == 'H':
		return m.gh(i)
	case m.at(i+1) == 'N':
		switch {
		case i == 1 && m.vowel(0) && !m.slavo:
			m.add("KN", "N")
		case !m.is(i+2, 2, "EY") && m.at(i+1) != 'Y' && !m.slavo:
			m.add("N", "KN")
		default:
			m.both("KN")
		}
		return i + 2
	case m.is(i+1, 2, "LI") && !m.slavo: // "tagliaro"
		m.add("KL", "L")
		return i + 2
	case i == 0 && (m.at(i+1) == 'Y' || m.is(i+1, 2, "ES", "EP", "EB", "EL", "EY", "IB", "IL", "IN", "IE", "EI", "ER")):
		m.add("K", "J") // -ges-, -gep-, -gel-, -gie- at the start
		return i + 2
	case (m.is(i+1, 2, "ER") || m.at(i+1) == 'Y') && !m.is(0, 6, "DANGER", "RANGER", "MANGER") &&
		!m.is(i-1, 1, "E", "I") && !m.is(i-1, 3, "RGY", "OGY"): // -ger-, -gy-
		m.add("K", "J")
		return i + 2
	case m.is(i+1, 1, "E", "I", "Y") || m.is(i-1, 4, "AGGI", "OGGI"): // Italian "biaggi"
		switch {
		case m.is(0, 4, "VAN ", "VON ") || m.is(0, 3, "SCH") || m.is(i+1, 2, "ET"): // Germanic
			m.both("K")
		case m.is(i+1, 3, "IER"):
			m.both("J")
		default:
			m.add("J", "K")
		}
		return i + 2
	case m.at(i+1) == 'G':
		m.both("K")
		return i + 2
	}
	m.both("K")
	return i + 1
}

func (m *metaphone) gh(i int) int {
	switch {
	case i > 0 && !m.vowel(i-1):
		m.both("K")
	case i == 0:
		if m.at(i+2) == 'I' { // "ghislane"
			m.both("J")
		} else { // "ghetto"
			m.both("K")
		}
	case (i > 1 && m.is(i-2, 1, "B", "H", "D")) || (i > 2 && m.is(i-3, 1, "B", "H", "D")) ||
		(i > 3 && m.is(i-4, 1, "B", "H")): // Parker's rule: "hugh", "bough", "broughton"
	case i > 2 && m.at(i-1) == 'U' && m.is(i-3, 1, "C", "G", "L", "R", "T"): // "laugh", "tough"
		m.both("F")
	case i > 0 && m.at(i-1) != 'I':
		m.both("K")
	}
	return i + 2
}

func (m *metaphone) j(i int) int {
	if m.is(i, 4, "JOSE") || m.is(0, 4, "SAN ") { // Spanish: "Jose", "San Jacinto"
		if (i == 0 && m.at(i+4) == ' ') || len(m.w) == 4 || m.is(0, 4, "SAN ") {
			m.both("H")
		} else {
			m.add("J", "H")
		}
		return i + 1
	}
	switch {
	case i == 0:
		m.add("J", "A") // "Yankelovich", "Jankelowicz"
	case m.vowel(i-1) && !m.slavo && (m.at(i+1) == 'A' || m.at(i+1) == 'O'): // Spanish "bajador"
		m.add("J", "H")
	case i == m.last():
		m.add("J", " ")
	case !m.is(i+1, 1, "L", "T", "K", "S", "N", "M", "B", "Z") && !m.is(i-1, 1, "S", "K", "L"):
		m.both("J")
	}
	return m.skip(i, "J")
}

func (m *metaphone) l(i int) int {
	if m.at(i+1) != 'L' {
		m.both("L")
		return i + 1
	}
	n := len(m.w)
	// Spanish "cabrillo", "gallegos": the double L is a Y sound.
	if (i == n-3 && m.is(i-1, 4, "ILLO", "ILLA", "ALLE")) ||
		((m.is(n-2, 2, "AS", "OS") || m.is(n-1, 1, "A", "O")) && m.is(i-1, 4, "ALLE")) {
		m.add("L", "")
	} else {
		m.both("L")
	}
	return i + 2
}

func (m *metaphone) s(i int) int {
	switch {
	case m.is(i-1, 3, "ISL", "YSL"): // "island", "isle", "carlisle"
		return i + 1
	case i == 0 && m.is(i, 5, "SUGAR"):
		m.add("X", "S")
		return i + 1
	case m.is(i, 2, "SH"):
		if m.is(i+1, 4, "HEIM", "HOEK", "HOLM", "HOLZ") { // Germanic
			m.both("S")
		} else {
			m.both("X")
		}
		return i + 2
	case m.is(i, 3, "SIO", "SIA") || m.is(i, 4, "SIAN"): // Italian and Armenian
		if m.slavo {
			m.both("S")
		} else {
			m.add("S", "X")
		}
		return i + 3
	case (i == 0 && m.is(i+1, 1, "M", "N", "L", "W")) || m.is(i+1, 1, "Z"):
		// "smith" and "schmidt", "snider" and "schneider"; Slavic -sz-
		m.add("S", "X")
		return m.skip(i, "Z")
	case m.is(i, 2, "SC"):
		return m.sc(i)
	}
	if i == m.last() && m.is(i-2, 2, "AI", "OI") { // French "resnais", "artois"
		m.add("", "S")
	} else {
		m.both("S")
	}
	return m.skip(i, "SZ")
}

func (m *metaphone) sc(i int) int {
	switch {
	case m.at(i+2) == 'H': // Schlesinger's rule
		switch {
		case m.is(i+3, 2, "ER", "EN"): // "schermerhorn", "schenker"
			m.add("X", "SK")
		case m.is(i+3, 2, "OO", "UY", "ED", "EM"): // Dutch "school", "schooner"
			m.both("SK")
		case i == 0 && !m.vowel(3) && m.at(3) != 'W':
			m.add("X", "S")
		default:
			m.both("X")
		}
	case m.is(i+2, 1, "I", "E", "Y"):
		m.both("S")
	default:
		m.both("SK")
	}
	return i + 3
}

func (m *metaphone) t(i int) int {
	switch {
	case m.is(i, 4, "TION"), m.is(i, 3, "TIA", "TCH"):
		m.both("X")
		return i + 3
	case m.is(i, 2, "TH") || m.is(i, 3, "TTH"):
		if m.is(i+2, 2, "OM", "AM") || m.is(0, 4, "VAN ", "VON ") || m.is(0, 3, "SCH") { // "thomas", "thames"
			m.both("T")
		} else {
			m.add("0", "T")
		}
		return i + 2
	}
	m.both("T")
	return m.skip(i, "TD")
}

func (m *metaphone) wr(i int) int {
	switch {
	case m.is(i, 2, "WR"):
		m.both("R")
		return i + 2
	case i == 0 && (m.vowel(i+1) || m.is(i, 2, "WH")):
		if m.vowel(i + 1) { // "Wasserman" and "Vasserman"
			m.add("A", "F")
		} else { // "Uomo" and "Womo"
			m.both("A")
		}
		return i + 1
	case (i == m.last() && m.vowel(i-1)) || m.is(i-1, 5, "EWSKI", "EWSKY", "OWSKI", "OWSKY") || m.is(0, 3, "SCH"):
		m.add("", "F") // "Arnow" and "Arnoff"
		return i + 1
	case m.is(i, 4, "WICZ", "WITZ"): // Polish "filipowicz"
		m.add("TS", "FX")
		return i + 4
	}
	return i + 1
}

func (m *metaphone) x(i int) int {
	if i == 0 {
		m.both("S")
		return i + 1
	}
	if !(i == m.last() && (m.is(i-3, 3, "IAU", "EAU") || m.is(i-2, 2, "AU", "OU"))) { // not French "breaux"
		m.both("KS")
	}
	return m.skip(i, "CX")
}

func (m *metaphone) z(i int) int {
	if m.at(i+1) == 'H' { // Chinese "zhao"
		m.both("J")
		return i + 2
	}
	if m.is(i+1, 2, "ZO", "ZI", "ZA") || (m.slavo && i > 0 && m.at(i-1) != 'T') {
		m.add("S", "TS")
	} else {
		m.both("S")
	}
	return m.skip(i, "Z")
}
