package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// demoData is the sample shop and X-Series data of `accord demo`, built so
// that one run exercises every path of the decision table, together with
// what that run must do.
type demoData struct {
	Local    []demoLocal
	Upstream []demoUpstream
	Expect   demoExpect
	Contents []string // one line per kind of customer in the mix
}

type demoLocal struct {
	ID                                       int // the shop's autoincrement id
	FirstName, LastName, Email, Phone        string
	AccountNo, Company, City, Postcode, LSID string
	Birthday                                 string
}

// demoUpstream is an X-Series customer as the simulator loads it.
type demoUpstream struct {
	ID           string  `json:"id"`
	FirstName    string  `json:"first_name,omitempty"`
	LastName     string  `json:"last_name,omitempty"`
	Email        string  `json:"email,omitempty"`
	Phone        string  `json:"phone,omitempty"`
	CustomerCode string  `json:"customer_code,omitempty"`
	CompanyName  string  `json:"company_name,omitempty"`
	CustomField1 string  `json:"custom_field_1,omitempty"`
	DeletedAt    *string `json:"deleted_at,omitempty"`
}

// demoExpect is what the first run over the demo data must report.
type demoExpect struct {
	ExternalID, Email, AccountCode, Pushed, Pulled     int
	Suggestions, DuplicateSets, ConflictLinks          int
	Incomplete, UpstreamDeleted, Unchanged, LocalTotal int
	DeadLetters                                        int
}

var (
	demoFirst = []string{"Aroha", "Ben", "Chloe", "Daniel", "Emma", "Finn", "Grace", "Hemi", "Isla", "Jack",
		"Kiri", "Liam", "Mia", "Noah", "Olivia", "Priya", "Quinn", "Ruby", "Sam", "Tama", "Uma", "Victor",
		"Wiremu", "Xavier", "Yasmin", "Zoe", "José", "Zoë", "Siobhán", "Mateo"}
	demoLast = []string{"Smith", "Wilson", "Ngata", "Brown", "Taylor", "Williams", "Jones", "Singh", "Walker",
		"Tane", "Chen", "Patel", "Thompson", "White", "Harris", "Martin", "Müller", "O'Brien", "Kaur", "Lee"}
	demoCities  = []string{"Auckland", "Wellington", "Christchurch", "Hamilton", "Dunedin", "Tauranga", "Napier"}
	demoDomains = []string{"mail.co.nz", "inbox.net.nz", "shopper.nz"}
)

type demoBuilder struct {
	rng  *rand.Rand
	seq  int
	data demoData
}

// buildDemoData generates about n customers per side, deterministically.
func buildDemoData(n int) demoData {
	b := &demoBuilder{rng: rand.New(rand.NewPCG(20261122, uint64(n)))}
	frac := func(pct, floor int) int { return max(floor, n*pct/100) }
	ext, extUp, code := frac(12, 2), frac(4, 2), frac(8, 2)
	localOnly, upOnly, incomplete := frac(12, 3), frac(10, 2), frac(0, 1)+n/170
	ambLocal, upDup, contra := frac(0, 2)+n/250, frac(0, 2)+n/250, frac(1, 2)
	nearDup, deleted, typo := frac(1, 2), frac(0, 1)+n/250, frac(1, 2)
	extDiffEmail, phoneConflict, phoneFormat, caseDiff := frac(2, 1), frac(5, 2), frac(3, 1), frac(2, 1)
	localUsed := ext + extUp + code + localOnly + ambLocal*2 + upDup + contra + nearDup*2 + deleted + typo
	email := max(phoneConflict+phoneFormat+caseDiff+1, n-localUsed)

	e := &b.data.Expect
	for i := range ext {
		f, l := b.name()
		u := b.up(f, l, b.email(f, l))
		lc := b.local(f, l, u.Email)
		lc.LSID, lc.Phone = u.ID, u.Phone
		if i < extDiffEmail { // the shop has another address: a conflict, never a reason to unlink
			lc.Email = b.email(f, l)
			e.ConflictLinks++
		}
	}
	for range extUp {
		f, l := b.name()
		lc := b.local(f, l, b.email(f, l))
		u := b.up(f, l, lc.Email)
		u.CustomField1, u.Phone = fmt.Sprint(lc.ID), lc.Phone
	}
	e.ExternalID = ext + extUp
	for i := range email {
		f, l := b.name()
		addr := b.email(f, l)
		u := b.up(f, l, addr)
		lc := b.local(f, l, addr)
		lc.Phone = u.Phone
		switch {
		case i < phoneConflict:
			lc.Phone = b.phone()
			e.ConflictLinks++
		case i < phoneConflict+phoneFormat:
			lc.Phone = "+64 " + strings.TrimPrefix(u.Phone, "0") // formatting only: no conflict
		case i < phoneConflict+phoneFormat+caseDiff:
			lc.Email = "  " + strings.ToUpper(addr[:1]) + addr[1:] + " "
		}
	}
	e.Email = email
	for range code {
		f, l := b.name()
		u := b.up(f, l, b.email(f, l)) // an address the shop does not have
		lc := b.local(f, l, "")
		lc.AccountNo, u.CustomerCode, lc.Phone = fmt.Sprintf("A%05d", lc.ID), fmt.Sprintf("A%05d", lc.ID), u.Phone
	}
	e.AccountCode = code
	for range ambLocal { // two shop customers share one address; X-Series has it once
		f, l := b.name()
		addr := b.email(f, l)
		b.local(f, l, addr)
		b.local(demoFirst[b.rng.IntN(len(demoFirst))], l, addr)
		b.up(f, l, addr)
		e.Suggestions += 2
		e.DuplicateSets++
	}
	for range upDup { // X-Series holds one address twice
		f, l := b.name()
		addr := b.email(f, l)
		b.local(f, l, addr)
		b.up(f, l, addr)
		b.up(f, l, addr)
		e.Suggestions += 2
		e.DuplicateSets++
	}
	for range contra { // the address points at one customer, the code at another
		f, l := b.name()
		addr := b.email(f, l)
		lc := b.local(f, l, addr)
		lc.AccountNo = fmt.Sprintf("C%05d", lc.ID)
		b.up(f, l, addr)
		f2, l2 := b.name()
		b.up(f2, l2, b.email(f2, l2)).CustomerCode = lc.AccountNo
		e.Suggestions += 2
	}
	for range nearDup { // one shop customer entered twice, with a nickname
		l := demoLast[b.rng.IntN(len(demoLast))]
		addr := b.email("jonathan", l)
		b.local("Jonathan", l, addr)
		b.local("Jon", l, strings.ToUpper(addr))
		e.DuplicateSets++
	}
	for range typo { // the same person, with a mistyped address on one side: only fuzzy matching sees it
		f, l := b.name()
		addr := b.email(f, l)
		u := b.up(f, l, addr)
		b.local(f, l, transpose(addr)).Phone = u.Phone
		e.Suggestions++
	}
	for i := range localOnly {
		f, l := b.name()
		lc := b.local(f, l, b.email(f, l))
		if i < incomplete {
			lc.FirstName, lc.LastName = "", ""
		}
		if i == incomplete {
			// A birthday typed the local way: X-Series refuses it, so its
			// creation becomes a dead letter to retry or discard.
			lc.Birthday = "31/02/1985"
		}
	}
	e.Pushed, e.Incomplete, e.DeadLetters = localOnly-incomplete-1, incomplete, 1
	for range upOnly {
		f, l := b.name()
		b.up(f, l, b.email(f, l))
	}
	e.Pulled = upOnly
	for range deleted { // linked by id in the shop, deleted in X-Series
		f, l := b.name()
		u := b.up(f, l, b.email(f, l))
		u.DeletedAt = ptr("2026-10-01T09:00:00+00:00")
		b.local(f, l, u.Email).LSID = u.ID
	}
	e.UpstreamDeleted = deleted
	e.LocalTotal = len(b.data.Local) + upOnly

	b.data.Contents = []string{
		fmt.Sprintf("%d linked by id (%d with the X-Series id in the shop, %d with the shop id in X-Series)", ext+extUp, ext, extUp),
		fmt.Sprintf("%d with the same email (%d differ only in case or spaces)", email, caseDiff),
		fmt.Sprintf("%d with the same account code and no shared email", code),
		fmt.Sprintf("%d linked pairs whose phones differ, %d whose phones differ only in format, %d whose emails differ", phoneConflict, phoneFormat, extDiffEmail),
		fmt.Sprintf("%d emails shared by two shop customers, %d shared by two X-Series customers", ambLocal, upDup),
		fmt.Sprintf("%d shop customers whose email and account code point at different X-Series customers", contra),
		fmt.Sprintf("%d shop customers entered twice (Jon and Jonathan, one email)", nearDup),
		fmt.Sprintf("%d customers on both sides whose addresses differ by a typo (fuzzy suggestions)", typo),
		fmt.Sprintf("%d shop-only customers (%d without a name, 1 with a birthday X-Series refuses), %d X-Series-only customers", localOnly, incomplete, upOnly),
		fmt.Sprintf("%d shop customers linked by id to a customer deleted in X-Series", deleted),
	}
	return b.data
}

func (b *demoBuilder) name() (string, string) {
	return demoFirst[b.rng.IntN(len(demoFirst))], demoLast[b.rng.IntN(len(demoLast))]
}

// transpose swaps two letters of the address's mailbox, the commonest
// typing slip.
func transpose(addr string) string {
	b := []byte(addr)
	b[1], b[2] = b[2], b[1]
	return string(b)
}

// email makes a unique address, so that only the mixes above share one.
func (b *demoBuilder) email(first, last string) string {
	b.seq++
	// Decomposed first, so that accented letters keep their base letter in
	// the address (Müller → muller), as people write them.
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' {
				return r
			}
			return -1
		}, norm.NFD.String(strings.ToLower(s)))
	}
	return fmt.Sprintf("%s.%s%d@%s", clean(first), clean(last), b.seq, demoDomains[b.seq%len(demoDomains)])
}

func (b *demoBuilder) phone() string {
	return fmt.Sprintf("021 %03d %04d", 200+b.rng.IntN(700), b.rng.IntN(10000))
}

func (b *demoBuilder) local(first, last, email string) *demoLocal {
	city := demoCities[b.rng.IntN(len(demoCities))]
	b.data.Local = append(b.data.Local, demoLocal{ID: len(b.data.Local) + 1, FirstName: first, LastName: last,
		Email: email, Phone: b.phone(), City: city, Postcode: fmt.Sprint(1000 + b.rng.IntN(8000))})
	return &b.data.Local[len(b.data.Local)-1]
}

func (b *demoBuilder) up(first, last, email string) *demoUpstream {
	r := b.rng
	id := fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", r.Uint32(), r.IntN(1<<16), r.IntN(1<<12), r.IntN(1<<12), r.Uint64()&(1<<48-1))
	b.data.Upstream = append(b.data.Upstream, demoUpstream{ID: id, FirstName: first, LastName: last, Email: email,
		Phone: b.phone(), CustomerCode: fmt.Sprintf("%s-%04d", strings.ToUpper(first[:1]), len(b.data.Upstream)+1)})
	return &b.data.Upstream[len(b.data.Upstream)-1]
}
