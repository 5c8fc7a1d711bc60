package sim

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Seeded timestamps come from a fixed range, never from the clock, so that
// the seed alone fixes the data.
var (
	seedStart = time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	seedEnd   = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
)

var (
	firstNames = []string{"Amelia", "James", "Olivia", "Noah", "Aroha", "Liam", "Mia", "Wiremu", "Sofia", "Lucas",
		"Charlotte", "Mateo", "Isla", "Hemi", "Grace", "Oliver", "Zoe", "Ethan", "Ruby", "Tama", "Chloé", "Søren"}
	lastNames = []string{"Earhart", "Bond", "Smith", "Ngata", "Brown", "Wilson", "Taylor", "O'Brien", "Nguyen",
		"García", "Müller", "Walker", "Parata", "Clark", "Lee", "Patel", "King", "Young", "Hall", "Wright"}
	companies = []string{"Electric Ave Supplies", "Kiwi Kitchens Ltd", "Harbour Cafe", "Stark Industries",
		"Bondi Surf Co", "Maple Leaf Hardware"}
	domains = []string{"example.com", "example.org", "mail.example.net", "shop.example.co.nz"}
	places  = []struct{ city, region, country, postcode, phone string }{
		{"New York", "NY", "US", "10003", "+1-212-555-%04d"},
		{"Auckland", "Auckland", "NZ", "1010", "+64 21 555 %04d"},
		{"Wellington", "Wellington", "NZ", "6011", "(021) 555 %04d"},
		{"Sydney", "NSW", "AU", "2000", "+61 2 5550 %04d"},
		{"London", "", "GB", "SW1A 1AA", "+44 20 7946 %04d"},
		{"Toronto", "ON", "CA", "M5H 2N2", "416.555.%04d"},
	}
)

// seedCustomers adds n deterministic customers whose created_at grows with
// the index. They mix the shapes a real directory holds: full profiles,
// email-only and company-only ones, phones in several formats, birthdays
// with and without a year, reference ids, a few shared emails (Square
// allows duplicates) and a few profiles without public fields, which List
// and Search never show.
func (s *Server) seedCustomers(n int, seed uint64) {
	if n == 0 {
		return
	}
	rng := rand.New(rand.NewPCG(seed, 0xda7a))
	step := max(seedEnd.Sub(seedStart)/time.Duration(n), time.Millisecond)
	s.order = make([]*rec, 0, n)
	s.mu.Lock()
	defer s.mu.Unlock()
	emails := make([]string, 0, n)
	for i := range n {
		created := seedStart.Add(time.Duration(i)*step + time.Duration(rng.Int64N(int64(step))))
		c := Customer{CreatedAt: stamp(created), UpdatedAt: stamp(created), CreationSource: "DIRECTORY"}
		if rng.IntN(100) < 60 { // edited since: a later updated_at and a version above 0
			span := max(seedEnd.Sub(created), time.Millisecond)
			c.UpdatedAt = stamp(created.Add(time.Duration(rng.Int64N(int64(span)))))
			c.Version = 1 + rng.Int64N(9)
		}
		first, last := firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))]
		p := places[rng.IntN(len(places))]
		email := fmt.Sprintf("%s.%s%d@%s", asciiLower(first), asciiLower(last), i, domains[rng.IntN(len(domains))])
		if len(emails) > 0 && rng.IntN(100) < 3 {
			email = strings.ToUpper(emails[rng.IntN(len(emails))]) // a duplicate, differing in case
		}
		switch k := rng.IntN(100); {
		case k < 2: // an instant profile: nothing public
			c.Note, c.CreationSource = "instant profile", "INSTANT_PROFILE"
		case k < 7:
			c.CompanyName = companies[rng.IntN(len(companies))]
		case k < 12:
			c.EmailAddress = email
		default:
			c.GivenName, c.FamilyName, c.EmailAddress = first, last, email
			if rng.IntN(100) < 70 {
				c.PhoneNumber = fmt.Sprintf(p.phone, rng.IntN(10000))
			}
			if rng.IntN(100) < 15 {
				c.CompanyName = companies[rng.IntN(len(companies))]
			}
		}
		emails = append(emails, email)
		if rng.IntN(100) < 60 {
			c.Address = &Address{AddressLine1: fmt.Sprintf("%d Electric Ave", 1+rng.IntN(999)), Locality: p.city,
				AdministrativeDistrictLevel1: p.region, PostalCode: p.postcode, Country: p.country}
		}
		if rng.IntN(100) < 30 {
			year := fmt.Sprintf("%04d", 1940+rng.IntN(66))
			if rng.IntN(100) < 20 {
				year = "0000"
			}
			c.Birthday = fmt.Sprintf("%s-%02d-%02d", year, 1+rng.IntN(12), 1+rng.IntN(28))
		}
		if rng.IntN(100) < 20 {
			c.ReferenceID = fmt.Sprintf("ERP-%06d", i)
		}
		s.putVisible(c, created)
	}
}

// asciiLower keeps the letters of a name that are safe in an email address.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return -1
	}, s)
}
