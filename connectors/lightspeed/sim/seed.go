package sim

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// mix is a splitmix64 generator. Each seeded customer gets its own stream,
// keyed by the seed and its index, so any customer can be regenerated alone
// and cheaply, in any order, with identical results.
type mix uint64

func (m *mix) next() uint64 {
	*m += 0x9e3779b97f4a7c15
	z := uint64(*m)
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

func (m *mix) n(k int) int       { return int(m.next() % uint64(k)) }
func (m *mix) pct(p int) bool    { return m.n(100) < p }
func (m *mix) cents(max int) int { return m.n(max*100 + 1) }

func customerStream(key uint64, i int32) mix { return mix(key ^ (uint64(i)+1)*0xd1b54a32d192ed03) }

// seededID is the id of seeded customer i: the first two draws of its stream.
func seededID(key uint64, i int32) [16]byte {
	m := customerStream(key, i)
	return uuidV4(m.next(), m.next())
}

// profile is a seeded customer reduced to small numbers. Strings are built
// only for the fields a caller asks for, which keeps search over a million
// untouched seeded customers cheap.
type profile struct {
	id                            [16]byte
	first, last                   int
	emailStyle, domain, emailNum  int
	code                          [4]byte
	company                       int // -1: none
	phoneStyle, phoneNum          int // style -1: none
	mobileStyle, mobileNum        int // style -1: none
	city, street, streetNo        int // city -1: no address
	dob                           int // days after 1945-01-01, -1: none
	gender                        int // 0 null, 1 M, 2 F
	note                          int // -1: none
	loyalty, doNotEmail, promoSMS bool
	onAccount                     bool
	loyaltyCents, balance, ytd    int
	createdUnix, updatedUnix      int64
}

const codeChars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// Seeded timestamps come from a fixed range, never from the clock, so that a
// seed alone fixes the data.
var seedEpoch = time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).Unix()

func genProfile(key uint64, i int32) profile {
	m := customerStream(key, i)
	p := profile{id: uuidV4(m.next(), m.next())}
	p.first, p.last = m.n(len(firstNames)), m.n(len(lastNames))
	switch e := m.n(100); {
	case e < 10:
		p.emailStyle = 0
	case e < 50:
		p.emailStyle = 1
	case e < 65:
		p.emailStyle = 2
	case e < 80:
		p.emailStyle = 3
	case e < 90:
		p.emailStyle = 4
	default:
		p.emailStyle = 5
	}
	p.domain, p.emailNum = m.n(len(emailDomains)), m.n(100)
	for k := range p.code {
		p.code[k] = codeChars[m.n(len(codeChars))]
	}
	p.company = pick(&m, 20, len(companies))
	p.phoneStyle, p.phoneNum = pick(&m, 60, 4), m.n(10000)
	p.mobileStyle, p.mobileNum = pick(&m, 70, 4), m.n(10000)
	p.city, p.street, p.streetNo = pick(&m, 60, len(cities)), m.n(len(streets)), 1+m.n(400)
	p.dob = pick(&m, 40, 60*365)
	p.gender = m.n(3)
	p.note = pick(&m, 5, len(noteTexts))
	p.loyalty, p.doNotEmail, p.promoSMS, p.onAccount = m.pct(70), m.pct(5), m.pct(20), m.pct(10)
	p.loyaltyCents, p.balance, p.ytd = m.cents(500), m.cents(500), m.cents(3000)
	if !p.loyalty || m.pct(50) {
		p.loyaltyCents = 0
	}
	if m.pct(90) {
		p.balance = 0
	}
	p.createdUnix = seedEpoch + int64(m.n(9*365*86400))
	p.updatedUnix = p.createdUnix + int64(m.n(400*86400))
	return p
}

// pick returns an index below n with probability pct percent, else -1.
func pick(m *mix, pct, n int) int {
	v, ok := m.n(n), m.pct(pct)
	if !ok {
		return -1
	}
	return v
}

func (p *profile) firstName() string { return firstNames[p.first] }
func (p *profile) lastName() string  { return lastNames[p.last] }
func (p *profile) customerCode() string {
	return codePrefix(p.firstName()) + "-" + string(p.code[:])
}

// foldedFirst and foldedLast cache fold of each name: search computes the
// email of every untouched seeded customer.
var foldedFirst, foldedLast = foldAll(firstNames[:]), foldAll(lastNames[:])

func foldAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = fold(n)
	}
	return out
}

func (p *profile) email() string {
	f, l, d := foldedFirst[p.first], foldedLast[p.last], emailDomains[p.domain]
	switch p.emailStyle {
	case 1:
		return f + "." + l + "@" + d
	case 2:
		return f + l + string(rune('0'+p.emailNum/10)) + string(rune('0'+p.emailNum%10)) + "@" + d
	case 3:
		return f[:1] + l + "@" + d
	case 4:
		return f + "@" + d
	case 5: // mixed case, as people type it; matching must ignore case
		return strings.ToUpper(f[:1]) + f[1:] + "." + strings.ToUpper(l[:1]) + l[1:] + "@" + strings.ToUpper(d[:1]) + d[1:]
	}
	return ""
}

func (p *profile) companyName() string {
	if p.company < 0 {
		return ""
	}
	return companies[p.company]
}

func (p *profile) phone() string {
	switch p.phoneStyle {
	case 0:
		return fmt.Sprintf("+64 9 555 %04d", p.phoneNum)
	case 1:
		return fmt.Sprintf("(09) 555 %04d", p.phoneNum)
	case 2:
		return fmt.Sprintf("+61 2 5550 %04d", p.phoneNum)
	case 3:
		return fmt.Sprintf("09 555 %04d", p.phoneNum)
	}
	return ""
}

func (p *profile) mobile() string {
	switch p.mobileStyle {
	case 0:
		return fmt.Sprintf("+64 21 555 %04d", p.mobileNum)
	case 1:
		return fmt.Sprintf("021 555 %04d", p.mobileNum)
	case 2:
		return fmt.Sprintf("+61 412 555 %03d", p.mobileNum%1000)
	case 3:
		return fmt.Sprintf("027-555-%04d", p.mobileNum)
	}
	return ""
}

// customer builds the full record of the profile.
func (p *profile) customer(version int64) Customer {
	c := Customer{
		ID:                   formatUUID(p.id),
		CustomerCode:         p.customerCode(),
		CustomerGroupID:      DefaultGroupID,
		FirstName:            ptr(p.firstName()),
		LastName:             ptr(p.lastName()),
		Email:                orNil(p.email()),
		CompanyName:          orNil(p.companyName()),
		Phone:                orNil(p.phone()),
		Mobile:               orNil(p.mobile()),
		YearToDate:           float64(p.ytd) / 100,
		Balance:              -float64(p.balance) / 100,
		LoyaltyBalance:       float64(p.loyaltyCents) / 100,
		EnableLoyalty:        p.loyalty,
		DoNotEmail:           p.doNotEmail,
		EnablePromotionalSMS: p.promoSMS,
		CreatedAt:            stamp(time.Unix(p.createdUnix, 0)),
		UpdatedAt:            stamp(time.Unix(p.updatedUnix, 0)),
		Version:              version,
	}
	c.setName()
	if p.city >= 0 {
		ct := cities[p.city]
		c.PhysicalAddress1 = ptr(fmt.Sprintf("%d %s", p.streetNo, streets[p.street]))
		c.PhysicalCity, c.PhysicalPostcode = ptr(ct.name), ptr(ct.postcode)
		c.PhysicalState, c.PhysicalCountryID = orNil(ct.state), ptr(ct.country)
	}
	if p.dob >= 0 {
		c.DateOfBirth = ptr(time.Date(1945, 1, 1+p.dob, 0, 0, 0, 0, time.UTC).Format(time.DateOnly))
	}
	c.Gender = [...]*string{nil, ptr("M"), ptr("F")}[p.gender]
	if p.note >= 0 {
		c.Note = ptr(noteTexts[p.note])
	}
	if p.onAccount {
		c.OnAccountLimit = ptr(1000.0)
	}
	return c
}

func (s *Server) seeded(i int32, version int64) Customer {
	p := genProfile(s.seedKey, i)
	return p.customer(version)
}

// seedCustomers fills an empty server with n seeded customers. Only versions
// and ids are computed now; everything else is generated on read.
func (s *Server) seedCustomers(n int) {
	s.recs = make([]record, n)
	s.order = make([]orderEntry, n)
	s.byUUID = make(map[[16]byte]int32, n)
	for i := range int32(n) {
		v := s.nextVersion()
		s.recs[i] = record{version: v, seq: i}
		s.order[i] = orderEntry{v, i}
		s.byUUID[seededID(s.seedKey, i)] = i
	}
}

// codePrefix is the first-name part of a generated customer_code: its
// letters and digits as typed, at most 16, or "UNNAMED".
func codePrefix(first string) string {
	var b strings.Builder
	for _, r := range first {
		if (unicode.IsLetter(r) || unicode.IsDigit(r)) && b.Len() < 16 {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "UNNAMED"
	}
	return b.String()
}

var asciiFold = map[rune]string{
	'ā': "a", 'á': "a", 'à': "a", 'å': "a", 'ä': "a", 'ē': "e", 'é': "e", 'è': "e", 'ë': "e", 'ễ': "e",
	'ī': "i", 'í': "i", 'ō': "o", 'ó': "o", 'ö': "o", 'ø': "o", 'ū': "u", 'ú': "u", 'ü': "u", 'ñ': "n",
}

// fold makes an email local part from a name: lowercase ASCII letters and
// digits only, diacritics folded, everything else dropped.
func fold(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case asciiFold[r] != "":
			b.WriteString(asciiFold[r])
		}
	}
	if b.Len() == 0 {
		return "customer"
	}
	return b.String()
}

func orNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
