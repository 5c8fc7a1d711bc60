package sim

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func snapshot(t *testing.T, seed int64, n int) []Customer {
	t.Helper()
	s, err := New(Options{Seed: seed, Customers: n})
	if err != nil {
		t.Fatal(err)
	}
	return s.Customers(true)
}

func TestSeedingIsDeterministic(t *testing.T) {
	t.Parallel()
	a, b := snapshot(t, 7, 500), snapshot(t, 7, 500)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different customers")
	}
	c := snapshot(t, 8, 500)
	if a[0].ID == c[0].ID || reflect.DeepEqual(a, c) {
		t.Fatal("different seeds gave the same customers")
	}
}

// TestSeededDataIsRealistic checks the traits that matching code needs to be
// exercised: blanks, duplicates, mixed-case emails, several phone formats.
func TestSeededDataIsRealistic(t *testing.T) {
	t.Parallel()
	cs := snapshot(t, 3, 5000)
	var noEmail, upperEmail, company, intlPhone, natPhone, dob int
	emails, ids := map[string]int{}, map[string]bool{}
	for _, c := range cs {
		ids[c.ID] = true
		if !uuidRE.MatchString(c.ID) || !stampRE.MatchString(c.CreatedAt) || c.UpdatedAt < c.CreatedAt {
			t.Fatalf("malformed seeded customer %+v", c)
		}
		switch e := deref(c.Email); {
		case e == "":
			noEmail++
		case e != strings.ToLower(e):
			upperEmail++
		}
		emails[strings.ToLower(deref(c.Email))]++
		if c.CompanyName != nil {
			company++
		}
		if c.DateOfBirth != nil {
			if _, err := time.Parse(time.DateOnly, *c.DateOfBirth); err != nil {
				t.Fatalf("date_of_birth %q: %v", *c.DateOfBirth, err)
			}
			dob++
		}
		for _, p := range []*string{c.Phone, c.Mobile} {
			switch {
			case p == nil:
			case strings.HasPrefix(*p, "+"):
				intlPhone++
			default:
				natPhone++
			}
		}
	}
	dupEmails := 0
	for e, n := range emails {
		if e != "" && n > 1 {
			dupEmails++
		}
	}
	for name, n := range map[string]int{"blank emails": noEmail, "mixed-case emails": upperEmail,
		"duplicate emails": dupEmails, "companies": company, "international phones": intlPhone,
		"national phones": natPhone, "birth dates": dob} {
		if n == 0 {
			t.Errorf("no %s among 5000 seeded customers", name)
		}
	}
	if len(ids) != len(cs) {
		t.Fatalf("%d distinct ids for %d customers", len(ids), len(cs))
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	clock := newClock()
	b := setup(t, Options{Customers: 2, Now: clock.Now})
	err := b.sim.Load(strings.NewReader(`[
		{"id":"b8ca3a65-0183-11e4-fbb5-4f73f02a9d1c","customer_code":"Tony-N4ZJ","first_name":"Anthony",
		 "last_name":"Stark","email":"tony@stark.com","balance":-25840.85,"version":1,
		 "created_at":"2014-10-09T05:20:09+00:00","updated_at":"2017-01-19T16:49:35+00:00"},
		{"first_name":"No","last_name":"Id","deleted_at":"2020-01-01T00:00:00+00:00"}
	]`))
	if err != nil {
		t.Fatal(err)
	}
	all := b.sim.Customers(true)
	if len(all) != 4 {
		t.Fatalf("%d customers after load, want 4", len(all))
	}
	tony, generated := all[2], all[3]
	if tony.ID != "b8ca3a65-0183-11e4-fbb5-4f73f02a9d1c" || tony.Balance != -25840.85 ||
		tony.CreatedAt != "2014-10-09T05:20:09+00:00" || tony.Version <= all[1].Version {
		t.Fatalf("loaded customer = %+v, want fields kept and a fresh version", tony)
	}
	if !uuidRE.MatchString(generated.ID) || generated.CreatedAt != stamp(clock.Now()) || generated.DeletedAt == nil {
		t.Fatalf("customer without id = %+v, want a UUID, now timestamps, deleted_at kept", generated)
	}
	// Reachable through the API by its id.
	expect(t, b.do(t, http.MethodGet, "/api/2.0/customers/"+tony.ID, nil), http.StatusOK, "")
}

func TestLoadReportsIndex(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ input, want string }{
		{`[{"id":"a"},{"id":"b"},{"first_name":7}]`, "index 2"},
		{`[{"id":"a"},{"version":"x"}]`, "index 1"},
		{`[{"id":"a"}, {"id": }]`, "index 1"},
		{`[{"id":"a"}`, "index 1"},
		{`{"id":"a"}`, "JSON array"},
	} {
		s, err := New(Options{})
		if err != nil {
			t.Fatal(err)
		}
		err = s.Load(strings.NewReader(tc.input))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%s) error = %v, want one naming %q", tc.input, err, tc.want)
		}
		if n := len(s.Customers(true)); n != 0 {
			t.Errorf("Load(%s) stored %d customers, want none", tc.input, n)
		}
	}
}

func TestAdminAPI(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Customers: 4})
	if err := b.sim.Delete(b.sim.Customers(false)[0].ID); err != nil {
		t.Fatal(err)
	}
	if got := decode[[]Customer](t, b.do(t, http.MethodGet, "/__sim/customers", nil)); len(got) != 3 {
		t.Fatalf("/__sim/customers = %d, want 3", len(got))
	}
	if got := decode[[]Customer](t, b.do(t, http.MethodGet, "/__sim/customers?deleted=true", nil)); len(got) != 4 {
		t.Fatalf("/__sim/customers?deleted=true = %d, want 4", len(got))
	}
	r := b.do(t, http.MethodPost, "/__sim/faults", "500=1")
	if r.status != http.StatusOK || decode[map[string]string](t, r)["faults"] != "500=1" {
		t.Fatalf("POST /__sim/faults = %d %s", r.status, r.body)
	}
	expect(t, b.do(t, http.MethodGet, "/api/2.0/customers", nil), http.StatusInternalServerError, "")
	expect(t, b.do(t, http.MethodPost, "/__sim/faults", "bogus=1"), http.StatusBadRequest, "bogus")
	expect(t, b.do(t, http.MethodPost, "/__sim/faults", ""), http.StatusOK, "")
	expect(t, b.do(t, http.MethodGet, "/api/2.0/customers", nil), http.StatusOK, "")
	st := decode[Stats](t, b.do(t, http.MethodGet, "/__sim/stats", nil))
	if st.Total != 2 || st.List != 2 || st.Faults.ServerError != 1 {
		t.Fatalf("/__sim/stats = %+v, want only the 2 API calls counted", st)
	}
}
