package sim

import (
	"net/http"
	"reflect"
	"regexp"
	"testing"
	"time"
)

var (
	uuidRE  = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	stampRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$`)
)

func TestCreate(t *testing.T) {
	t.Parallel()
	clock := newClock()
	b := setup(t, Options{Customers: 10, Now: clock.Now})
	before := b.sim.Customers(false)
	cursor := before[len(before)-1].Version

	c := b.create(t, map[string]any{
		"first_name": "Tony", "last_name": "Stark", "email": "tony@starkinc.com",
		"custom_field_1": "accord:local:42",
	})
	if !uuidRE.MatchString(c.ID) || !regexp.MustCompile(`^Tony-[0-9A-Z]{4}$`).MatchString(c.CustomerCode) {
		t.Fatalf("id %q / customer_code %q not generated as documented", c.ID, c.CustomerCode)
	}
	if c.CreatedAt != stamp(clock.Now()) || c.UpdatedAt != c.CreatedAt || !stampRE.MatchString(c.CreatedAt) {
		t.Fatalf("timestamps %q/%q, want now with +00:00", c.CreatedAt, c.UpdatedAt)
	}
	if deref(c.Name) != "Tony Stark" || c.Balance != 0 || !c.EnableLoyalty || c.DoNotEmail ||
		c.CustomerGroupID != DefaultGroupID || c.Version <= cursor || c.DeletedAt != nil {
		t.Fatalf("server-set fields wrong: %+v", c)
	}

	// The record is in the feed, and custom_field_1 round-trips both ways.
	rows := b.pull(t, cursor, "")
	if len(rows) != 1 || !reflect.DeepEqual(rows[0], c) {
		t.Fatalf("feed after create = %+v, want exactly the created customer", rows)
	}
	got := decode[one](t, b.do(t, http.MethodGet, "/api/2.0/customers/"+c.ID, nil)).Data
	if deref(got.CustomField1) != "accord:local:42" {
		t.Fatalf("custom_field_1 = %v, want it stored", got.CustomField1)
	}
}

func TestCreateAllowsDuplicates(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	body := map[string]any{"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "customer_code": "ANN-1"}
	a, c := b.create(t, body), b.create(t, body)
	if a.ID == c.ID || a.Email == nil || *a.Email != *c.Email || a.CustomerCode != c.CustomerCode {
		t.Fatalf("duplicate create gave %+v and %+v, want two customers with the same email and code", a, c)
	}
}

func TestCreateUnnamed(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	c := b.create(t, map[string]any{"first_name": nil, "last_name": ""})
	if !regexp.MustCompile(`^UNNAMED-[0-9A-Z]{4}$`).MatchString(c.CustomerCode) || c.Name != nil || c.FirstName != nil {
		t.Fatalf("nameless create = %+v, want UNNAMED code and null names", c)
	}
}

func TestCreateValidation(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	for _, tc := range []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"missing last_name", map[string]any{"first_name": "A"}, 422, "last_name"},
		{"missing first_name", map[string]any{"last_name": "A"}, 422, "first_name"},
		{"first_name not a string", map[string]any{"first_name": 7, "last_name": "A"}, 422, "first_name"},
		{"null customer_code", map[string]any{"first_name": "A", "last_name": "B", "customer_code": nil}, 422, "customer_code"},
		{"bad gender", map[string]any{"first_name": "A", "last_name": "B", "gender": "X"}, 422, "gender"},
		{"bad date_of_birth", map[string]any{"first_name": "A", "last_name": "B", "date_of_birth": "3/3/63"}, 422, "date_of_birth"},
		{"bad do_not_email", map[string]any{"first_name": "A", "last_name": "B", "do_not_email": "yes"}, 422, "do_not_email"},
		{"bad on_account_limit", map[string]any{"first_name": "A", "last_name": "B", "on_account_limit": "1"}, 422, "on_account_limit"},
		{"malformed JSON", `{"first_name":`, 400, "JSON"},
		{"not an object", `[1]`, 400, "JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expect(t, b.do(t, http.MethodPost, "/api/2.0/customers", tc.body), tc.status, tc.field)
		})
	}
	if n := len(b.sim.Customers(true)); n != 0 {
		t.Fatalf("%d customers stored after invalid creates, want 0", n)
	}
}

func TestUpdatePartial(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	c := b.create(t, map[string]any{"first_name": "Ann", "last_name": "Lee", "phone": "021 555 0101", "custom_field_2": "keep"})
	r := b.do(t, http.MethodPut, "/api/2.0/customers/"+c.ID, map[string]any{"first_name": "Anna", "phone": nil})
	expect(t, r, http.StatusOK, "")
	u := decode[one](t, r).Data
	if deref(u.Name) != "Anna Lee" || u.Phone != nil || deref(u.CustomField2) != "keep" || u.Version <= c.Version {
		t.Fatalf("PUT result %+v, want name recomputed, phone cleared, custom_field_2 kept, version bumped", u)
	}
	expect(t, b.do(t, http.MethodPut, "/api/2.0/customers/"+c.ID, map[string]any{"customer_code": ""}), 422, "customer_code")
	expect(t, b.do(t, http.MethodPut, "/api/2.0/customers/nope", map[string]any{"note": "x"}), 404, "nope")
}

func TestDeleteHelperAndTombstone(t *testing.T) {
	t.Parallel()
	clock := newClock()
	b := setup(t, Options{Customers: 3, Now: clock.Now})
	victim := b.sim.Customers(false)[0]
	clock.Advance(time.Hour)
	if err := b.sim.Delete(victim.ID); err != nil {
		t.Fatal(err)
	}
	got, ok := b.sim.Customer(victim.ID)
	if !ok || got.DeletedAt == nil || *got.DeletedAt != stamp(clock.Now()) || got.Version <= victim.Version {
		t.Fatalf("after Delete: %+v, want deleted_at now and a new version", got)
	}
	if len(b.sim.Customers(false)) != 2 || len(b.sim.Customers(true)) != 3 {
		t.Fatal("Customers(false) must hide and Customers(true) show the soft delete")
	}
	if err := b.sim.Delete(victim.ID); err == nil {
		t.Fatal("second Delete succeeded, want ErrNotFound")
	}
}

// TestCloneIsDeep guards stringPtrs: every pointer field of Customer must be
// copied, or callers could change the simulator's state through a snapshot.
func TestCloneIsDeep(t *testing.T) {
	t.Parallel()
	var c Customer
	v := reflect.ValueOf(&c).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Pointer {
			f.Set(reflect.New(f.Type().Elem()))
		}
	}
	cp := c.clone()
	cv := reflect.ValueOf(cp)
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Pointer && f.Pointer() == cv.Field(i).Pointer() {
			t.Errorf("clone shares field %s", v.Type().Field(i).Name)
		}
	}
}
