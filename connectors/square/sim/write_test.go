package sim

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestCreateReplaysTheSameKeyAndRefusesAnotherBody(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	body := map[string]any{"idempotency_key": "k-1", "given_name": "Amelia", "family_name": "Earhart",
		"email_address": "Amelia.Earhart@example.com", "phone_number": "+1-212-555-4240", "reference_id": "local-1",
		"address": map[string]any{"address_line_1": "500 Electric Ave", "locality": "New York", "country": "US"}}
	first := b.do(t, http.MethodPost, "/v2/customers", body)
	if first.status != http.StatusOK {
		t.Fatalf("create = %d %s", first.status, first.body)
	}
	c := decode[customerResponse](t, first).Customer
	if c == nil || c.Version != 0 || c.ID == "" || c.CreatedAt != c.UpdatedAt || c.CreationSource != "THIRD_PARTY" {
		t.Fatalf("created %+v, want version 0, an id, equal timestamps, THIRD_PARTY", c)
	}
	b.clock.Add(5)
	again := b.do(t, http.MethodPost, "/v2/customers", body)
	if again.status != http.StatusOK || string(again.body) != string(first.body) {
		t.Fatalf("replay = %d %s, want the first response byte for byte", again.status, again.body)
	}
	body["given_name"] = "Amy"
	expectError(t, b.do(t, http.MethodPost, "/v2/customers", body), http.StatusBadRequest, "IDEMPOTENCY_KEY_REUSED", "idempotency_key")
	if n := len(b.sim.Customers()); n != 1 {
		t.Fatalf("%d customers after a replay and a refused reuse, want 1", n)
	}
	// Without a key nothing is deduplicated: Square allows duplicates.
	delete(body, "idempotency_key")
	b.do(t, http.MethodPost, "/v2/customers", body)
	b.do(t, http.MethodPost, "/v2/customers", body)
	if st := b.sim.Stats(); len(b.sim.Customers()) != 3 || st.Replays != 1 || st.KeyReused != 1 {
		t.Fatalf("%d customers, stats %+v; want 3, one replay, one reuse", len(b.sim.Customers()), st)
	}
}

func TestCreateValidation(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	long := strings.Repeat("x", 301)
	for _, tc := range []struct {
		body        any
		code, field string
	}{
		{map[string]any{"note": "only a note"}, "BAD_REQUEST", ""},
		{map[string]any{"given_name": long}, "VALUE_TOO_LONG", "given_name"},
		{map[string]any{"given_name": 5}, "EXPECTED_STRING", "given_name"},
		{map[string]any{"email_address": "not-an-email"}, "INVALID_EMAIL_ADDRESS", "email_address"},
		{map[string]any{"phone_number": "12345"}, "INVALID_PHONE_NUMBER", "phone_number"},
		{map[string]any{"phone_number": "+1 212 555 0101 ext 4"}, "INVALID_PHONE_NUMBER", "phone_number"},
		{map[string]any{"given_name": "A", "birthday": "1990-02-30"}, "INVALID_TIME", "birthday"},
		{map[string]any{"given_name": "A", "address": map[string]any{"country": "New Zealand"}}, "INVALID_ENUM_VALUE", "address.country"},
		{map[string]any{"given_name": "A", "reference_id": strings.Repeat("r", 101)}, "VALUE_TOO_LONG", "reference_id"},
		{"{not json", "BAD_REQUEST", ""},
		{"", "EXPECTED_JSON_BODY", ""},
	} {
		expectError(t, b.do(t, http.MethodPost, "/v2/customers", tc.body), http.StatusBadRequest, tc.code, tc.field)
	}
	for _, ok := range []map[string]any{
		{"phone_number": "+64 (21) 555-0101"},
		{"company_name": "Bakery", "birthday": "0000-02-29"},
		{"email_address": "a@b.co", "birthday": "1998-09-21T00:00:00-00:00"},
	} {
		r := b.do(t, http.MethodPost, "/v2/customers", ok)
		if r.status != http.StatusOK {
			t.Errorf("create %v = %d %s", ok, r.status, r.body)
		}
	}
	if c := b.sim.Customers()[2]; c.Birthday != "1998-09-21" {
		t.Errorf("RFC 3339 birthday stored as %q, want the date", c.Birthday)
	}
}

func TestBulkCreateKeysAreIdempotencyKeys(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	entries := map[string]any{
		"k1": map[string]any{"given_name": "Ada", "reference_id": "l1"},
		"k2": map[string]any{"email_address": "bad"},
		"k3": map[string]any{"company_name": "Bakery", "reference_id": "l3"},
	}
	first := decode[struct {
		Responses map[string]customerResponse `json:"responses"`
	}](t, b.do(t, http.MethodPost, "/v2/customers/bulk-create", map[string]any{"customers": entries}))
	if len(first.Responses) != 3 || first.Responses["k1"].Customer == nil || first.Responses["k3"].Customer == nil ||
		len(first.Responses["k2"].Errors) != 1 || first.Responses["k2"].Errors[0].Code != "INVALID_EMAIL_ADDRESS" {
		t.Fatalf("responses = %+v", first.Responses)
	}
	entries["k2"] = map[string]any{"email_address": "fixed@example.com"}           // a failed entry may be sent again
	entries["k3"] = map[string]any{"company_name": "Bakery", "reference_id": "l3"} // same data, same key
	entries["k1"] = map[string]any{"given_name": "Ada", "reference_id": "other"}   // same key, other data
	again := decode[struct {
		Responses map[string]customerResponse `json:"responses"`
	}](t, b.do(t, http.MethodPost, "/v2/customers/bulk-create", map[string]any{"customers": entries}))
	if e := again.Responses["k1"].Errors; len(e) != 1 || e[0].Code != "IDEMPOTENCY_KEY_REUSED" {
		t.Errorf("k1 with other data = %+v, want IDEMPOTENCY_KEY_REUSED", again.Responses["k1"])
	}
	if c := again.Responses["k3"].Customer; c == nil || c.ID != first.Responses["k3"].Customer.ID {
		t.Errorf("k3 replay = %+v, want the first customer %s", again.Responses["k3"], first.Responses["k3"].Customer.ID)
	}
	if again.Responses["k2"].Customer == nil {
		t.Errorf("k2 corrected = %+v, want created", again.Responses["k2"])
	}
	if n := len(b.sim.Customers()); n != 3 {
		t.Fatalf("%d customers, want 3 (k1, k3 once each, k2 after its fix)", n)
	}
	many := map[string]any{}
	for i := range 101 {
		many[fmt.Sprint("k", i)] = map[string]any{"given_name": "X"}
	}
	expectError(t, b.do(t, http.MethodPost, "/v2/customers/bulk-create", map[string]any{"customers": many}),
		http.StatusBadRequest, "ARRAY_LENGTH_TOO_LONG", "customers")
	expectError(t, b.do(t, http.MethodPost, "/v2/customers/bulk-create", map[string]any{"customers": map[string]any{}}),
		http.StatusBadRequest, "ARRAY_EMPTY", "customers")
}

func TestUpdateVersionRetrieveAndDelete(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	c := decode[customerResponse](t, b.do(t, http.MethodPost, "/v2/customers", map[string]any{
		"given_name": "Ada", "email_address": "ada@example.com", "address": map[string]any{"locality": "London", "country": "GB"}})).Customer
	path := "/v2/customers/" + c.ID
	b.clock.Add(1e9)
	r := b.do(t, http.MethodPut, path, map[string]any{"version": 0, "family_name": "Lovelace", "email_address": nil,
		"address": map[string]any{"postal_code": "N1"}})
	up := decode[customerResponse](t, r).Customer
	if r.status != http.StatusOK || up.Version != 1 || up.FamilyName != "Lovelace" || up.EmailAddress != "" ||
		up.Address == nil || up.Address.Locality != "London" || up.Address.PostalCode != "N1" || up.UpdatedAt == c.UpdatedAt {
		t.Fatalf("update = %d %+v, want a sparse, merged update at version 1 with a new updated_at", r.status, up)
	}
	expectError(t, b.do(t, http.MethodPut, path, map[string]any{"version": 0, "note": "stale"}), http.StatusConflict, "VERSION_MISMATCH", "version")
	if up := decode[customerResponse](t, b.do(t, http.MethodPut, path, map[string]any{"note": "no version"})).Customer; up.Version != 2 {
		t.Fatalf("update without version went to %d, want 2", up.Version)
	}
	if got := decode[customerResponse](t, b.do(t, http.MethodGet, path, nil)).Customer; got.Note != "no version" || got.Version != 2 {
		t.Fatalf("retrieve = %+v", got)
	}
	expectError(t, b.do(t, http.MethodDelete, path+"?version=1", nil), http.StatusConflict, "VERSION_MISMATCH", "version")
	if r := b.do(t, http.MethodDelete, path+"?version=2", nil); r.status != http.StatusOK || string(r.body) != "{}" {
		t.Fatalf("delete = %d %s", r.status, r.body)
	}
	expectError(t, b.do(t, http.MethodGet, path, nil), http.StatusNotFound, "NOT_FOUND", "-")
	expectError(t, b.do(t, http.MethodPut, path, map[string]any{"note": "x"}), http.StatusNotFound, "NOT_FOUND", "-")
	if st := b.sim.Stats(); st.VersionMismatches != 2 {
		t.Errorf("VersionMismatches = %d, want 2", st.VersionMismatches)
	}
}

func TestBulkRetrieve(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Customers: 3})
	id := b.sim.Customers()[1].ID
	got := decode[struct {
		Responses map[string]customerResponse `json:"responses"`
	}](t, b.do(t, http.MethodPost, "/v2/customers/bulk-retrieve", map[string]any{"customer_ids": []string{id, "NOPE"}}))
	if got.Responses[id].Customer == nil || len(got.Responses["NOPE"].Errors) != 1 || got.Responses["NOPE"].Errors[0].Code != "NOT_FOUND" {
		t.Fatalf("bulk retrieve = %+v", got.Responses)
	}
}
