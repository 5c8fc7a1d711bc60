package square_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord/connectors/square"
	"github.com/accordhq/accord/engine"
)

func TestMappingBothWays(t *testing.T) {
	t.Parallel()
	elem := customer("SQ1", "2026-03-04T09:00:00.123Z", map[string]any{
		"given_name": "Amelia", "family_name": "Earhart", "company_name": "Electric Ave", "nickname": "ACC-7",
		"email_address": "Amelia.Earhart@example.com", "phone_number": "+1-212-555-4240", "reference_id": "local-9",
		"birthday": "1897-07-24", "version": 7, "note": "ignored", "group_ids": []string{"G"},
		"address": map[string]any{"address_line_1": "500 Electric Ave", "address_line_2": "Suite 600",
			"locality": "New York", "administrative_district_level_1": "NY", "postal_code": "10003", "country": "US"},
	})
	var rec recorder
	var clk *clock
	b := setup(t, sequence(&rec, &clk, reply{status: 200, body: map[string]any{"customer": elem}}),
		func(o *square.Options) { o.AccountCodeField = "nickname" })
	got, err := b.client.Get(t.Context(), "SQ1")
	if err != nil {
		t.Fatal(err)
	}
	want := engine.Customer{ID: "SQ1", Email: "Amelia.Earhart@example.com", FirstName: "Amelia", LastName: "Earhart",
		Company: "Electric Ave", Phone: "+1-212-555-4240", AccountCode: "ACC-7", ExternalRef: "local-9",
		Address:  engine.Address{Line1: "500 Electric Ave", Line2: "Suite 600", City: "New York", State: "NY", Postcode: "10003", Country: "US"},
		Birthday: "1897-07-24", UpdatedAt: time.Date(2026, 3, 4, 9, 0, 0, 123e6, time.UTC), Version: 7}
	raw := got.Raw
	got.Raw = nil
	if !equalCustomer(got, want) {
		t.Fatalf("Get mapped\n%+v\nwant\n%+v", got, want)
	}
	var back map[string]any
	if err := json.Unmarshal(raw, &back); err != nil || back["note"] != "ignored" {
		t.Fatalf("Raw = %s, want the element's JSON", raw)
	}

	// And back: Create sends the same fields under Square's names.
	var rec2 recorder
	b2 := setup(t, sequence(&rec2, &clk, reply{status: 200, body: map[string]any{"customer": elem}}),
		func(o *square.Options) { o.AccountCodeField = "nickname" })
	in := want
	in.ID, in.Mobile, in.Address.Country = "local-9", "+64 21 000 0000", "us"
	if _, err := b2.client.Create(t.Context(), in, "key"); err != nil {
		t.Fatal(err)
	}
	var sent map[string]any
	_ = json.Unmarshal([]byte(rec2.body(0)), &sent)
	for k, v := range map[string]any{"given_name": "Amelia", "family_name": "Earhart", "company_name": "Electric Ave",
		"nickname": "ACC-7", "email_address": "Amelia.Earhart@example.com", "phone_number": "+1-212-555-4240",
		"reference_id": "local-9", "birthday": "1897-07-24", "idempotency_key": "key"} {
		if sent[k] != v {
			t.Errorf("create sent %s = %v, want %v", k, sent[k], v)
		}
	}
	if a, _ := sent["address"].(map[string]any); a["country"] != "US" || a["locality"] != "New York" || a["administrative_district_level_1"] != "NY" {
		t.Errorf("create sent address %v", sent["address"])
	}
	if strings.Contains(rec2.body(0), "+64 21") {
		t.Errorf("create sent the mobile %s; Square has one phone number", rec2.body(0))
	}
}

func equalCustomer(a, b engine.Customer) bool {
	a.Raw, b.Raw = nil, nil
	return a.ID == b.ID && a.Hash() == b.Hash() && a.UpdatedAt.Equal(b.UpdatedAt) && a.Version == b.Version
}

func TestWithoutAnAccountCodeFieldNicknameIsIgnored(t *testing.T) {
	t.Parallel()
	var rec recorder
	var clk *clock
	b := setup(t, sequence(&rec, &clk, reply{status: 200, body: map[string]any{
		"customer": customer("SQ1", "2026-03-04T09:00:00Z", map[string]any{"nickname": "ACC-7"})}}), nil)
	if got, err := b.client.Get(t.Context(), "SQ1"); err != nil || got.AccountCode != "" {
		t.Fatalf("AccountCode = %q, %v; want empty: Square has no account code", got.AccountCode, err)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	c, err := square.New(square.Options{Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	for _, ok := range []engine.Customer{
		{Email: "a@b.co"}, {Phone: "+64 (21) 555-0101"}, {Company: "Bakery"}, {LastName: "Lee"},
		{FirstName: "A", Birthday: "0000-02-29", Address: engine.Address{Country: "nz"}},
	} {
		if err := c.Validate(ok); err != nil {
			t.Errorf("Validate(%+v) = %v", ok, err)
		}
	}
	for _, tc := range []struct {
		c     engine.Customer
		field string
	}{
		{engine.Customer{Mobile: "+64 21 555 0101", AccountCode: "C1", Address: engine.Address{City: "X"}}, "given_name/family_name/company_name/email_address/phone_number"},
		{engine.Customer{FirstName: "  "}, "given_name/family_name"},
		{engine.Customer{FirstName: "A", Phone: "555-0101"}, "phone_number"},
		{engine.Customer{FirstName: "A", Phone: "+1 212 555 0101 ext 4"}, "phone_number"},
		{engine.Customer{FirstName: "A", Phone: "12345678901234567"}, "phone_number"},
		{engine.Customer{FirstName: "A", Email: "not-an-email"}, "email_address"},
		{engine.Customer{FirstName: "A", Birthday: "1990-02-30"}, "birthday"},
		{engine.Customer{FirstName: "A", Address: engine.Address{Country: "New Zealand"}}, "address.country"},
		{engine.Customer{FirstName: strings.Repeat("a", 301)}, "given_name"},
		{engine.Customer{FirstName: "A", ExternalRef: strings.Repeat("r", 101)}, "reference_id"},
	} {
		err := c.Validate(tc.c)
		if !errors.Is(err, engine.ErrIncomplete) || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("Validate(%+v) = %v, want ErrIncomplete naming %s", tc.c, err, tc.field)
		}
	}
}

func TestOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opts  square.Options
		field string
	}{
		{square.Options{}, "upstream.token"},
		{square.Options{Token: "a b"}, "upstream.token"},
		{square.Options{Token: "t", BaseURL: "http://connect.squareup.com"}, "upstream.base_url"},
		{square.Options{Token: "t", BaseURL: "https://u:p@connect.squareup.com"}, "upstream.base_url"},
		{square.Options{Token: "t", PageSize: 101}, "upstream.page_size"},
		{square.Options{Token: "t", Overlap: -time.Second}, "upstream.overlap"},
		{square.Options{Token: "t", SquareVersion: "latest"}, "upstream.square_version"},
		{square.Options{Token: "t", ExternalRefField: "note"}, "upstream.external_ref_field"},
		{square.Options{Token: "t", AccountCodeField: "customer_code"}, "upstream.account_code_field"},
	} {
		_, err := square.New(tc.opts)
		if !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("New(%+v) = %v, want ErrInvalid naming %s", tc.opts, err, tc.field)
		}
		if err != nil && tc.opts.Token == "a b" && strings.Contains(err.Error(), "a b") {
			t.Errorf("the token was echoed: %v", err)
		}
	}
	for _, base := range []string{"", "https://connect.squareupsandbox.com/", "http://127.0.0.1:8080/v2", "http://localhost:1"} {
		c, err := square.New(square.Options{Token: "t", BaseURL: base, ExternalRefField: "reference_id"})
		if err != nil {
			t.Errorf("New(base %q) = %v", base, err)
			continue
		}
		if c.Overlap() != 2*time.Minute || c.ExternalRefField() != "reference_id" {
			t.Errorf("defaults: overlap %s, ref field %s", c.Overlap(), c.ExternalRefField())
		}
	}
}
