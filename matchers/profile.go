package matchers

import (
	"strings"

	"github.com/accordhq/accord/engine"
)

// Profile is the comparable form of one customer, computed once per record
// so that scoring a pair never normalises again. Fields are folded with
// Name, Email, Phone and the other normalisers; an empty field is missing
// and contributes nothing to a score. A Profile is read-only after
// NewProfile returns and safe for concurrent use.
type Profile struct {
	ID string
	// Customer holds the values as they were given (without the raw
	// payload), for the evidence people read.
	Customer engine.Customer

	First, Last         string    // folded given and family names
	FirstMeta, LastMeta [2]string // Double Metaphone codes of the first token
	Email               string    // exact form (Email)
	EmailKey            string    // provider-aware form (EmailKey)
	EmailLocal          string    // EmailKey's local part
	Phones              []string  // E.164, or the digits of a number that does not parse
	Birth               string    // YYYYMMDD, possibly an impossible date typed by a person
	Postcode            string
	City                string   // folded
	Address             string   // folded line 1 and line 2
	AddressTokens       []string // Address split on spaces
	Company             string   // folded
	CompanyTokens       []string
	addressMasks        []uint64 // byteMask of each token, for tokenSimilarity
	companyMasks        []uint64
	Account             string // AccountCode
}

// NewProfile prepares c for fuzzy matching, reading national phone numbers
// as numbers of the Normalizer's region.
func (n *Normalizer) NewProfile(c engine.Customer) *Profile {
	c.Raw = nil
	p := &Profile{
		ID:       c.ID,
		Customer: c,
		First:    Name(c.FirstName),
		Last:     Name(c.LastName),
		Email:    Email(c.Email),
		EmailKey: EmailKey(c.Email),
		Birth:    Birthday(c.Birthday),
		Postcode: Postcode(c.Address.Postcode),
		City:     Name(c.Address.City),
		Address:  Name(strings.TrimSpace(c.Address.Line1 + " " + c.Address.Line2)),
		Company:  Name(c.Company),
		Account:  AccountCode(c.AccountCode),
	}
	p.FirstMeta = metaCodes(p.First)
	p.LastMeta = metaCodes(p.Last)
	p.EmailLocal, _ = emailParts(p.EmailKey)
	p.AddressTokens = strings.Fields(p.Address)
	p.CompanyTokens = strings.Fields(p.Company)
	p.addressMasks, p.companyMasks = byteMasks(p.AddressTokens), byteMasks(p.CompanyTokens)
	for _, s := range []string{c.Phone, c.Mobile} {
		if ph := fuzzyPhone(s, n.region); ph != "" && !contains(p.Phones, ph) {
			p.Phones = append(p.Phones, ph)
		}
	}
	return p
}

// metaCodes returns the Double Metaphone codes of the first word of a
// folded name: later words are middle names or particles and vary more.
func metaCodes(name string) [2]string {
	first, _, _ := strings.Cut(name, " ")
	a, b := DoubleMetaphone(first)
	return [2]string{a, b}
}

// fuzzyPhone is a phone number's form for fuzzy matching: E.164 when it is
// a valid number of its country, else its digits when there are at least
// seven of them (an old listing's "3865286", a number with a typo in the
// area code). Runs of one repeated digit are fillers and give "".
func fuzzyPhone(s, region string) string {
	if e := Phone(s, region); e != "" {
		return e
	}
	d := digitsOnly(s)
	if len(d) < 7 || len(d) > 15 || strings.Count(d, d[:1]) == len(d) {
		return ""
	}
	return d
}

// Birthday returns a date of birth as eight digits YYYYMMDD, from
// "YYYY-MM-DD", "YYYY/M/D", "YYYYMMDD" or the same with a time after it.
// A mistyped but well-formed date ("1985-13-02") is kept, because the
// comparator scores near misses; placeholders ("1900-01-01", zeros) and
// anything else give "".
func Birthday(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "T "); i > 0 {
		s = s[:i]
	}
	var parts []string
	if len(s) == 8 && digitsOnly(s) == s {
		parts = []string{s[:4], s[4:6], s[6:]}
	} else {
		parts = strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' || r == '.' })
	}
	if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) > 2 || len(parts[2]) > 2 ||
		parts[1] == "" || parts[2] == "" {
		return ""
	}
	d := parts[0] + pad2(parts[1]) + pad2(parts[2])
	if digitsOnly(d) != d || placeholderBirthdays[d] || d[4:] == "0000" {
		return ""
	}
	return d
}

// placeholderBirthdays are dates systems fill in when none was given.
var placeholderBirthdays = map[string]bool{"00000000": true, "19000101": true, "00010101": true, "19700101": true}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
