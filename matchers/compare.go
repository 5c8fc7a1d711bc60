package matchers

import (
	"strconv"

	"github.com/accordhq/accord/engine"
)

// Comparison indexes: the fields a pair is compared on, in the order of a
// Vector and of the model's parameters.
const (
	cmpFirst = iota
	cmpLast
	cmpBirth
	cmpEmail
	cmpPhone
	cmpPostcode
	cmpCity
	cmpAddress
	cmpAccount
	cmpCompany
	numComparisons
)

// Level 0 of every comparison means a value is missing on one side: it
// carries no weight. Level 1 is exact agreement; higher levels are weaker
// agreement, down to the last, disagreement.
const levelNull = 0

// comparison describes one field comparison.
type comparison struct {
	name   string   // the model key and the evidence's field name
	field  string   // the canonical field shown to people
	levels []string // level labels; levels[0] is "null"
	tf     bool     // exact agreement is adjusted for the value's frequency
	// level compares two profiles.
	level func(a, b *Profile) uint8
	// value returns the compared value, for term frequencies.
	value func(p *Profile) string
}

// comparisons is the comparison table. Thresholds follow Splink's name and
// date comparisons (Jaro-Winkler 0.92/0.88/0.7, Double Metaphone, one and
// two edits); they were set before any data set was scored.
var comparisons = [numComparisons]comparison{
	cmpFirst: {name: "first_name", field: engine.FieldFirstName, tf: true,
		levels: []string{"null", "exact", "nickname", "one edit", "jaro-winkler ≥ 0.92", "sounds alike", "jaro-winkler ≥ 0.7", "different"},
		level:  func(a, b *Profile) uint8 { return nameLevel(a.First, b.First, a.FirstMeta, b.FirstMeta, true) },
		value:  func(p *Profile) string { return p.First }},
	cmpLast: {name: "last_name", field: engine.FieldLastName, tf: true,
		levels: []string{"null", "exact", "nickname", "one edit", "jaro-winkler ≥ 0.92", "sounds alike", "jaro-winkler ≥ 0.7", "different"},
		level:  func(a, b *Profile) uint8 { return nameLevel(a.Last, b.Last, a.LastMeta, b.LastMeta, false) },
		value:  func(p *Profile) string { return p.Last }},
	cmpBirth: {name: "birthday", field: engine.FieldBirthday,
		levels: []string{"null", "exact", "one digit or day and month swapped", "two digits", "within two years", "different"},
		level:  birthLevel},
	cmpEmail: {name: "email", field: engine.FieldEmail,
		levels: []string{"null", "exact", "same mailbox name", "within two edits", "mailbox name jaro-winkler ≥ 0.88", "different"},
		level:  emailLevel},
	cmpPhone: {name: "phone", field: engine.FieldPhone,
		levels: []string{"null", "exact", "same last seven digits", "one digit", "different"},
		level:  phoneLevel},
	cmpPostcode: {name: "postcode", field: engine.FieldPostcode, tf: true,
		levels: []string{"null", "exact", "one edit", "different"},
		level:  func(a, b *Profile) uint8 { return editLevel(a.Postcode, b.Postcode) },
		value:  func(p *Profile) string { return p.Postcode }},
	cmpCity: {name: "city", field: engine.FieldCity, tf: true,
		levels: []string{"null", "exact", "jaro-winkler ≥ 0.9", "jaro-winkler ≥ 0.75", "different"},
		level:  cityLevel,
		value:  func(p *Profile) string { return p.City }},
	cmpAddress: {name: "address", field: engine.FieldLine1,
		levels: []string{"null", "exact", "words ≥ 0.9", "words ≥ 0.7", "words ≥ 0.4", "different"},
		level: func(a, b *Profile) uint8 {
			return tokenLevel(a.Address, b.Address, a.AddressTokens, b.AddressTokens, a.addressMasks, b.addressMasks)
		}},
	cmpAccount: {name: "account_code", field: engine.FieldAccountCode,
		levels: []string{"null", "exact", "one edit", "different"},
		level:  func(a, b *Profile) uint8 { return editLevel(a.Account, b.Account) }},
	cmpCompany: {name: "company", field: engine.FieldCompany, tf: true,
		levels: []string{"null", "exact", "words ≥ 0.9", "words ≥ 0.7", "words ≥ 0.4", "different"},
		level: func(a, b *Profile) uint8 {
			return tokenLevel(a.Company, b.Company, a.CompanyTokens, b.CompanyTokens, a.companyMasks, b.companyMasks)
		},
		value: func(p *Profile) string { return p.Company }},
}

// Vector is the outcome of comparing two profiles: one level per
// comparison, and whether the names agreed better crossed over (first name
// against family name), which is how they were then compared.
type Vector struct {
	Levels  [numComparisons]uint8
	Swapped bool
}

// Compare compares two profiles field by field. It is symmetric, except
// that with crossed-over names the two name levels may trade places.
func Compare(a, b *Profile) Vector {
	var v Vector
	for i := range comparisons {
		if i == cmpFirst || i == cmpLast {
			continue
		}
		v.Levels[i] = comparisons[i].level(a, b)
	}
	f := comparisons[cmpFirst].level(a, b)
	l := comparisons[cmpLast].level(a, b)
	v.Levels[cmpFirst], v.Levels[cmpLast] = f, l
	if f == 1 && l == 1 {
		return v
	}
	// Names typed into each other's fields: compare crossed over and keep
	// the better alignment.
	sf := nameLevel(a.First, b.Last, a.FirstMeta, b.LastMeta, false)
	sl := nameLevel(a.Last, b.First, a.LastMeta, b.FirstMeta, false)
	if nameQuality(sf)+nameQuality(sl) > nameQuality(f)+nameQuality(l) {
		v.Levels[cmpFirst], v.Levels[cmpLast], v.Swapped = sf, sl, true
	}
	return v
}

// nameQuality ranks a name level for choosing an alignment: missing counts
// as nothing, exact as most.
func nameQuality(l uint8) int {
	if l == levelNull {
		return 0
	}
	return 8 - int(l)
}

// nameLevel compares two folded names. meta are their Double Metaphone
// codes; nick enables the nickname level (given names only).
func nameLevel(a, b string, ma, mb [2]string, nick bool) uint8 {
	switch {
	case a == "" || b == "":
		return levelNull
	case a == b:
		return 1
	case nick && Nicknames(a, b):
		return 2
	case oneEdit(a, b):
		return 3
	}
	s := jwAtLeast(a, b, 0.7)
	switch {
	case s >= 0.92:
		return 4
	case metaOverlap(ma, mb):
		return 5
	case s >= 0.7:
		return 6
	}
	return 7
}

func metaOverlap(a, b [2]string) bool {
	return a[0] != "" && (a[0] == b[0] || a[0] == b[1] || (a[1] != "" && (a[1] == b[0] || a[1] == b[1])))
}

// birthLevel compares dates of birth as YYYYMMDD digits, so that a typo
// that makes an impossible date still scores as a near miss.
func birthLevel(a, b *Profile) uint8 {
	x, y := a.Birth, b.Birth
	switch {
	case x == "" || y == "":
		return levelNull
	case x == y:
		return 1
	case oneEdit(x, y) || (x[:4] == y[:4] && x[4:6] == y[6:] && x[6:] == y[4:6]):
		return 2
	case hamming(x, y) == 2:
		return 3
	}
	yx, _ := strconv.Atoi(x[:4])
	yy, _ := strconv.Atoi(y[:4])
	if d := yx - yy; d >= -2 && d <= 2 {
		return 4
	}
	return 5
}

func emailLevel(a, b *Profile) uint8 {
	x, y := a.EmailKey, b.EmailKey
	switch {
	case x == "" || y == "":
		return levelNull
	case x == y:
		return 1
	case a.EmailLocal == b.EmailLocal:
		return 2
	case digitsOf(a.EmailLocal) != digitsOf(b.EmailLocal) && lettersOf(a.EmailLocal) == lettersOf(b.EmailLocal):
		// john.smith12 and john.smith34 are two mailboxes, usually two
		// people who share a name: when only the numbers differ, a small
		// edit distance is not a typo.
		return 5
	case withinEdits(x, y, 2):
		return 3
	case jwAtLeast(a.EmailLocal, b.EmailLocal, 0.88) >= 0.88:
		return 4
	}
	return 5
}

// digitsOf returns the digits of s in order.
func digitsOf(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// lettersOf returns s without its digits.
func lettersOf(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// phoneLevel compares every number of one profile with every number of
// the other and returns the best level.
func phoneLevel(a, b *Profile) uint8 {
	if len(a.Phones) == 0 || len(b.Phones) == 0 {
		return levelNull
	}
	best := uint8(4)
	for _, x := range a.Phones {
		for _, y := range b.Phones {
			best = min(best, phonePair(x, y))
		}
	}
	return best
}

func phonePair(x, y string) uint8 {
	switch {
	case x == y:
		return 1
	case last7(x) == last7(y):
		return 2
	case oneEdit(last7(x), last7(y)):
		return 3
	}
	return 4
}

// last7 returns the last seven digits of a number: the subscriber number
// without the area code that one listing includes and another leaves out.
func last7(s string) string {
	if len(s) > 7 {
		return s[len(s)-7:]
	}
	return s
}

func editLevel(x, y string) uint8 {
	switch {
	case x == "" || y == "":
		return levelNull
	case x == y:
		return 1
	case oneEdit(x, y):
		return 2
	}
	return 3
}

func cityLevel(a, b *Profile) uint8 {
	x, y := a.City, b.City
	switch {
	case x == "" || y == "":
		return levelNull
	case x == y:
		return 1
	}
	s := jwAtLeast(x, y, 0.75)
	switch {
	case s >= 0.9:
		return 2
	case s >= 0.75:
		return 3
	}
	return 4
}

func tokenLevel(x, y string, xt, yt []string, xm, ym []uint64) uint8 {
	switch {
	case x == "" || y == "":
		return levelNull
	case x == y:
		return 1
	}
	s := tokenSimilarity(xt, yt, xm, ym)
	switch {
	case s >= 0.9:
		return 2
	case s >= 0.7:
		return 3
	case s >= 0.4:
		return 4
	}
	return 5
}

// ComparisonNames returns the names of the comparisons in Vector order,
// for reports and tests.
func ComparisonNames() []string {
	out := make([]string, numComparisons)
	for i, c := range comparisons {
		out[i] = c.name
	}
	return out
}
