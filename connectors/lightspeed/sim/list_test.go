package sim

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// pull follows the change feed from after until an empty page, the way a
// client does, and returns every row seen in order.
func (b *testBundle) pull(t *testing.T, after int64, query string) []Customer {
	t.Helper()
	var all []Customer
	for range 10_000 {
		r := b.do(t, http.MethodGet, fmt.Sprintf("/api/2.0/customers?after=%d%s", after, query), nil)
		expect(t, r, http.StatusOK, "")
		p := decode[page](t, r)
		if len(p.Data) == 0 {
			if p.Version != nil {
				t.Fatalf("empty page has version %+v, want it omitted", *p.Version)
			}
			return all
		}
		if p.Version == nil || p.Version.Min != p.Data[0].Version || p.Version.Max != p.Data[len(p.Data)-1].Version {
			t.Fatalf("page version = %+v, want min/max of data", p.Version)
		}
		for i, c := range p.Data {
			if c.Version <= after || (i > 0 && c.Version <= p.Data[i-1].Version) {
				t.Fatalf("version %d out of order after %d", c.Version, after)
			}
		}
		all = append(all, p.Data...)
		after = p.Version.Max
	}
	t.Fatal("feed never ended")
	return nil
}

func TestListPagesThroughEveryCustomerOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Customers: 450, Seed: 1})
	rows := b.pull(t, 0, "&page_size=70")
	seen := map[string]int{}
	for _, c := range rows {
		seen[c.ID]++
	}
	if len(rows) != 450 || len(seen) != 450 {
		t.Fatalf("saw %d rows, %d distinct ids, want 450 each", len(rows), len(seen))
	}
	if rows[0].Version <= 1<<31 {
		t.Fatalf("first version %d fits in int32; the simulator must force int64", rows[0].Version)
	}
}

func TestListPageSize(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Customers: 300, MaxPageSize: 120})
	for _, tc := range []struct {
		query string
		want  int
	}{
		{"", 120},
		{"?page_size=1000", 120},
		{"?page_size=7", 7},
	} {
		r := b.do(t, http.MethodGet, "/api/2.0/customers"+tc.query, nil)
		if got := len(decode[page](t, r).Data); got != tc.want {
			t.Errorf("%q: %d rows, want %d", tc.query, got, tc.want)
		}
	}
	for _, q := range []string{"after=x", "before=1.5", "page_size=0", "deleted=maybe"} {
		param, _, _ := strings.Cut(q, "=")
		expect(t, b.do(t, http.MethodGet, "/api/2.0/customers?"+q, nil), http.StatusBadRequest, param+":")
	}
}

func TestListBeforeIsInclusive(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Customers: 50})
	all := b.sim.Customers(false)
	before := all[9].Version
	rows := b.pull(t, all[2].Version, fmt.Sprintf("&before=%d", before))
	if len(rows) != 7 || rows[0].ID != all[3].ID || rows[6].ID != all[9].ID {
		t.Fatalf("after=v[2]&before=v[9] gave %d rows, want customers 3..9", len(rows))
	}
}

func TestListHidesSoftDeletesUnlessAsked(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Customers: 20})
	all := b.sim.Customers(false)
	cursor := all[len(all)-1].Version
	victim := all[5]
	expect(t, b.do(t, http.MethodDelete, "/api/2.0/customers/"+victim.ID, nil), http.StatusNoContent, "")

	if rows := b.pull(t, 0, ""); len(rows) != 19 || containsID(rows, victim.ID) {
		t.Fatalf("default feed has %d rows (deleted shown: %v), want 19 without the deleted one", len(rows), containsID(rows, victim.ID))
	}
	if rows := b.pull(t, cursor, ""); len(rows) != 0 {
		t.Fatalf("default feed after cursor shows %d rows, want the delete invisible", len(rows))
	}
	rows := b.pull(t, cursor, "&deleted=true")
	if len(rows) != 1 || rows[0].ID != victim.ID || rows[0].DeletedAt == nil || rows[0].Version <= cursor {
		t.Fatalf("deleted=true after cursor = %+v, want the deleted customer with deleted_at and a new version", rows)
	}
	// A deleted id still reads as a tombstone but can be neither updated
	// nor deleted again.
	r := b.do(t, http.MethodGet, "/api/2.0/customers/"+victim.ID, nil)
	if got := decode[one](t, r).Data; r.status != http.StatusOK || got.DeletedAt == nil {
		t.Fatalf("GET deleted id = %d %s, want 200 with deleted_at", r.status, r.body)
	}
	expect(t, b.do(t, http.MethodPut, "/api/2.0/customers/"+victim.ID, map[string]any{"note": "x"}), http.StatusNotFound, victim.ID)
	expect(t, b.do(t, http.MethodDelete, "/api/2.0/customers/"+victim.ID, nil), http.StatusNotFound, victim.ID)
}

func TestUpdatesReappearWithHigherVersion(t *testing.T) {
	t.Parallel()
	clock := newClock()
	b := setup(t, Options{Customers: 30, Now: clock.Now})
	all := b.sim.Customers(false)
	cursor := all[len(all)-1].Version

	r := b.do(t, http.MethodPut, "/api/2.0/customers/"+all[3].ID, map[string]any{"email": "new@example.com"})
	expect(t, r, http.StatusOK, "")
	if err := b.sim.Update(all[7].ID, func(c *Customer) { c.FirstName = ptr("Merchant") }); err != nil {
		t.Fatal(err)
	}
	rows := b.pull(t, cursor, "")
	if len(rows) != 2 || rows[0].ID != all[3].ID || rows[1].ID != all[7].ID {
		t.Fatalf("feed after cursor = %d rows, want the API update then the POS edit", len(rows))
	}
	if deref(rows[0].Email) != "new@example.com" || deref(rows[0].FirstName) != deref(all[3].FirstName) {
		t.Fatalf("PUT was not a partial update: %+v", rows[0])
	}
	if want := "Merchant " + deref(all[7].LastName); deref(rows[1].Name) != want || rows[1].UpdatedAt != stamp(clock.Now()) {
		t.Fatalf("POS edit: name %q updated_at %q, want %q and now", deref(rows[1].Name), rows[1].UpdatedAt, want)
	}
	if rows := b.pull(t, 0, ""); len(rows) != 30 {
		t.Fatalf("full feed has %d rows after updates, want each customer once (30)", len(rows))
	}
}

func TestGetOne(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Customers: 5})
	want := b.sim.Customers(false)[2]
	r := b.do(t, http.MethodGet, "/api/2.0/customers/"+want.ID, nil)
	expect(t, r, http.StatusOK, "")
	if got := decode[one](t, r).Data; got.ID != want.ID || got.Version != want.Version || got.CustomerCode != want.CustomerCode {
		t.Fatalf("GET = %+v, want %+v", got, want)
	}
	expect(t, b.do(t, http.MethodGet, "/api/2.0/customers/0af7b240-ab83-11e7-eddc-4023c64c85e5", nil), http.StatusNotFound, "not found")
}

func containsID(cs []Customer, id string) bool {
	for _, c := range cs {
		if c.ID == id {
			return true
		}
	}
	return false
}
