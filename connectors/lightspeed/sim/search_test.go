package sim

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

type searchResult struct {
	Data    []Customer     `json:"data"`
	Version map[string]any `json:"version"`
}

func (b *testBundle) search(t *testing.T, q url.Values) []Customer {
	t.Helper()
	r := b.do(t, http.MethodGet, "/api/2.0/search?"+q.Encode(), nil)
	expect(t, r, http.StatusOK, "")
	body := decode[searchResult](t, r)
	if body.Data == nil || body.Version != nil {
		t.Fatalf("search body %s: want a data array and no version object", r.body)
	}
	return body.Data
}

func TestSearchByEmailIgnoresCase(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Customers: 200})
	for i, e := range []string{"Dup@Example.com", "dup@example.com", "DUP@EXAMPLE.COM"} {
		b.create(t, map[string]any{"first_name": fmt.Sprint("D", i), "last_name": "X", "email": e})
	}
	b.create(t, map[string]any{"first_name": "Other", "last_name": "X", "email": "dup@example.co"})
	got := b.search(t, url.Values{"type": {"customers"}, "email": {"dUp@eXample.com"}})
	if len(got) != 3 {
		t.Fatalf("email search found %d, want the 3 case variants only", len(got))
	}

	// A seeded customer is found by its generated email and code too.
	var seeded Customer
	for _, c := range b.sim.Customers(false) {
		if c.Email != nil && c.Version < got[0].Version {
			seeded = c
			break
		}
	}
	if got := b.search(t, url.Values{"type": {"customers"}, "email": {*seeded.Email}}); !containsID(got, seeded.ID) {
		t.Fatalf("seeded email %q not found", *seeded.Email)
	}
	got = b.search(t, url.Values{"type": {"customers"}, "customer_code": {seeded.CustomerCode}, "last_name": {*seeded.LastName}})
	if !containsID(got, seeded.ID) {
		t.Fatalf("seeded customer_code %q not found", seeded.CustomerCode)
	}
	for _, c := range got {
		if c.CustomerCode != seeded.CustomerCode {
			t.Fatalf("customer_code search returned %q", c.CustomerCode)
		}
	}
}

func TestSearchOffsetPaging(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Customers: 50})
	for i := range 5 {
		b.create(t, map[string]any{"first_name": fmt.Sprint("P", i), "last_name": "Pagetest"})
	}
	seen := map[string]bool{}
	for _, tc := range []struct{ offset, want int }{{0, 2}, {2, 2}, {4, 1}, {6, 0}} {
		got := b.search(t, url.Values{"type": {"customers"}, "last_name": {"pagetest"},
			"page_size": {"2"}, "offset": {fmt.Sprint(tc.offset)}})
		if len(got) != tc.want {
			t.Fatalf("offset %d: %d rows, want %d", tc.offset, len(got), tc.want)
		}
		for _, c := range got {
			if seen[c.ID] {
				t.Fatalf("offset %d repeats %s", tc.offset, c.ID)
			}
			seen[c.ID] = true
		}
	}
	got := b.search(t, url.Values{"type": {"customers"}, "last_name": {"Pagetest"},
		"order_by": {"first_name"}, "order_direction": {"desc"}})
	if len(got) != 5 || deref(got[0].FirstName) != "P4" || deref(got[4].FirstName) != "P0" {
		t.Fatalf("order_by first_name desc gave %d rows starting %v", len(got), got[0].FirstName)
	}
}

func TestSearchPageSizeCapAndDeleted(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Customers: 1100})
	if got := b.search(t, url.Values{"type": {"customers"}, "page_size": {"5000"}}); len(got) != 1000 {
		t.Fatalf("page_size=5000 returned %d, want the 1000 cap", len(got))
	}
	if got := b.search(t, url.Values{"type": {"customers"}}); len(got) != 100 {
		t.Fatalf("default page returned %d, want 100", len(got))
	}
	c := b.create(t, map[string]any{"first_name": "Gone", "last_name": "Soon", "email": "gone@example.com"})
	expect(t, b.do(t, http.MethodDelete, "/api/2.0/customers/"+c.ID, nil), http.StatusNoContent, "")
	q := url.Values{"type": {"customers"}, "email": {"gone@example.com"}}
	if got := b.search(t, q); len(got) != 0 {
		t.Fatalf("deleted customer found without deleted=true")
	}
	q.Set("deleted", "true")
	if got := b.search(t, q); len(got) != 1 || got[0].DeletedAt == nil {
		t.Fatalf("deleted=true search = %+v, want the deleted customer", got)
	}
}

func TestSearchBadParams(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	for _, tc := range []struct{ query, field string }{
		{"email=a@b.c", "type"},
		{"type=widgets", "type"},
		{"type=customers&offset=-1", "offset"},
		{"type=customers&page_size=x", "page_size"},
		{"type=customers&order_by=balance", "order_by"},
		{"type=customers&order_direction=up", "order_direction"},
	} {
		expect(t, b.do(t, http.MethodGet, "/api/2.0/search?"+tc.query, nil), http.StatusBadRequest, tc.field)
	}
	if got := b.search(t, url.Values{"type": {"sales"}}); len(got) != 0 {
		t.Fatal("type=sales must return no data")
	}
}

// TestSearchIndexAgreesWithScan checks the seed index against a brute-force
// scan after seeded customers were edited away from, and onto, indexed
// values.
func TestSearchIndexAgreesWithScan(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Customers: 3000, Seed: 9})
	all := b.sim.Customers(false)
	var withEmail []Customer
	for _, c := range all {
		if c.Email != nil {
			withEmail = append(withEmail, c)
		}
	}
	a, z := withEmail[10], withEmail[20]
	// Search once so the index is built before the edits.
	b.search(t, url.Values{"type": {"customers"}, "email": {*a.Email}})
	if err := b.sim.Update(a.ID, func(c *Customer) { c.Email = ptr("moved@example.com") }); err != nil {
		t.Fatal(err)
	}
	if err := b.sim.Update(all[5].ID, func(c *Customer) { c.Email = z.Email; c.CustomerCode = a.CustomerCode }); err != nil {
		t.Fatal(err)
	}
	snapshot := b.sim.Customers(false)
	for _, tc := range []struct{ param, value string }{
		{"email", *a.Email}, {"email", "MOVED@example.com"}, {"email", *z.Email},
		{"customer_code", a.CustomerCode}, {"customer_code", z.CustomerCode},
	} {
		want := map[string]bool{}
		for _, c := range snapshot {
			v := deref(c.Email)
			if tc.param == "customer_code" {
				v = c.CustomerCode
			}
			if strings.EqualFold(v, tc.value) {
				want[c.ID] = true
			}
		}
		got := b.search(t, url.Values{"type": {"customers"}, tc.param: {tc.value}})
		if len(got) != len(want) {
			t.Fatalf("%s=%s: search found %d, scan finds %d", tc.param, tc.value, len(got), len(want))
		}
		for _, c := range got {
			if !want[c.ID] {
				t.Fatalf("%s=%s: search returned %s, which does not match", tc.param, tc.value, c.ID)
			}
		}
	}
}
