package storetest

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

// benchPage builds a page of n new upstream records numbered from first.
func benchPage(first, n int, cursor string) engine.SavePage {
	p := engine.SavePage{Pair: pair, Side: engine.Upstream, RunID: 1, At: t0, Cursor: cursor,
		Records: make([]engine.Record, n)}
	for i := range n {
		id := fmt.Sprintf("u%08d", first+i)
		c := engine.Customer{ID: id, Email: id + "@example.com", FirstName: "Given" + id, LastName: "Family",
			Phone: "+6421" + id[1:], AccountCode: "C" + id, UpdatedAt: t0, Version: int64(first + i),
			Address: engine.Address{Line1: "1 Main Street", City: "Wellington", Postcode: "6011", Country: "NZ"},
			Raw:     []byte(`{"id":"` + id + `","email":"` + id + `@example.com","first_name":"Given"}`)}
		p.Records[i] = rec(engine.Upstream, c)
	}
	return p
}

// BenchSavePage measures SavePage with pages of 1,000 records: new records
// (a first full pull), and the same records re-read unchanged (an overlap
// window or an idle run).
func BenchSavePage(b *testing.B, db *store.DB) {
	const size = 1000
	b.Run("New", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			p := benchPage(n*size, size, fmt.Sprint(n))
			if _, err := db.SavePage(bg(), p); err != nil {
				b.Fatal(err)
			}
			n++
		}
		b.ReportMetric(float64(n*size)/b.Elapsed().Seconds(), "records/s")
	})
	b.Run("NewWithBlockingKeys", func(b *testing.B) {
		b.ReportAllocs()
		n, keys := 0, 0
		for b.Loop() {
			p := benchPage(10_000_000+n*size, size, fmt.Sprint(n))
			for i := range p.Records {
				r := &p.Records[i]
				r.Blocks = benchBlocks(r.Customer)
				keys += len(r.Blocks)
			}
			if _, err := db.SavePage(bg(), p); err != nil {
				b.Fatal(err)
			}
			n++
		}
		b.ReportMetric(float64(n*size)/b.Elapsed().Seconds(), "records/s")
		b.ReportMetric(float64(keys)/float64(n*size), "keys/record")
	})
	b.Run("Unchanged", func(b *testing.B) {
		p := benchPage(50_000_000, size, "")
		if _, err := db.SavePage(bg(), p); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			n, err := db.SavePage(bg(), p)
			if err != nil || n != 0 {
				b.Fatalf("SavePage of an unchanged page = %d, %v", n, err)
			}
		}
	})
}

// benchBlocks gives a record the sixteen blocking keys a customer with a
// name, email, phone, address and birthday typically has (matchers'
// BlockingKeys), about as long and as shared.
func benchBlocks(c engine.Customer) []string {
	id := c.ID
	return []string{"phone:" + c.Phone, "phone7:" + id[2:], "email:" + c.Email, "mailbox:" + id,
		"name:given" + id + "|family", "sn_pc:FML|6011", "sn_city:FML|wellington", "fn_pc:JFN|6011",
		"fn_city:JFN|wellington", "fn_yob:JFN|19" + id[7:], "sn_yob:FML|19" + id[7:], "dob:19" + id[4:],
		"dob_fi:19" + id[4:] + "|g", "dob_sn:19" + id[4:] + "|FML", "addr:1|main", "phon:FML|JFN" + id[6:]}
}

// BenchFindRecordsByEmail measures FindRecords by email with 1,000 values
// against 100,000 stored records of the side.
func BenchFindRecordsByEmail(b *testing.B, db *store.DB) {
	const stored, page = 100_000, 1000
	for i := 0; i < stored; i += page {
		if _, err := db.SavePage(bg(), benchPage(i, page, "")); err != nil {
			b.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	for b.Loop() {
		values := make([]string, page)
		for i := range values {
			values[i] = fmt.Sprintf("u%08d@example.com", rng.IntN(stored*11/10)) // some miss
		}
		if _, err := db.FindRecords(bg(), pair, engine.Upstream, engine.KeyEmail, values); err != nil {
			b.Fatal(err)
		}
	}
}
