package lightspeed_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord/connectors/lightspeed"
	"github.com/accordhq/accord/engine"
)

var newCustomer = engine.Customer{
	ID: "local-7", FirstName: "Ana", LastName: "Ng", Email: "ana@example.com", Phone: "021 555 0101",
	Company: "Ng Ltd", Birthday: "1990-04-05", ExternalRef: "local-7",
	Address: engine.Address{Line1: "1 Queen St", City: "Auckland", Postcode: "1010", Country: "NZ"},
}

func TestCreateSendsTheCustomerAndMapsThe201(t *testing.T) {
	t.Parallel()
	var reqs counter
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		reqs.add(r)
		if r.Method != http.MethodPost || r.URL.Path != "/api/2.0/customers" {
			t.Errorf("request %s %s, want POST /api/2.0/customers", r.Method, r.URL.Path)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Fatalf("decode body: %v", err)
		}
		want := map[string]any{
			"first_name": "Ana", "last_name": "Ng", "email": "ana@example.com", "phone": "021 555 0101",
			"company_name": "Ng Ltd", "date_of_birth": "1990-04-05", "physical_address_1": "1 Queen St",
			"physical_city": "Auckland", "physical_postcode": "1010", "physical_country_id": "NZ",
			"custom_field_3": "local-7",
		}
		for k, v := range want {
			if body[k] != v {
				t.Errorf("body[%s] = %v, want %v", k, body[k], v)
			}
		}
		for _, k := range []string{"customer_code", "custom_field_1", "id", "version"} {
			if _, ok := body[k]; ok {
				t.Errorf("body has %s = %v; an empty customer_code must be left to X-Series", k, body[k])
			}
		}
		created := customer("0af7b240-ab83-11e7-eddc-4023c64c85e5", 3505346597, map[string]any{
			"first_name": "Ana", "last_name": "Ng", "email": "ana@example.com", "customer_code": "Ana-37YP",
			"custom_field_3": "local-7", "date_of_birth": "1990-04-05", "physical_city": "Auckland",
		})
		data, _ := json.Marshal(map[string]any{"data": created})
		writeJSON(w, http.StatusCreated, data)
	}, func(o *lightspeed.Options) { o.ExternalRefField = "custom_field_3" })

	got, err := b.client.Create(t.Context(), newCustomer, "key-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "0af7b240-ab83-11e7-eddc-4023c64c85e5" || got.ExternalRef != "local-7" ||
		got.AccountCode != "Ana-37YP" || got.Version != 3505346597 || got.Birthday != "1990-04-05" {
		t.Errorf("Create returned %+v", got)
	}
	if reqs.count() != 1 {
		t.Errorf("server saw %d requests, want 1", reqs.count())
	}
}

func TestCreateSendsNullNamesAndTheCode(t *testing.T) {
	t.Parallel()
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]json.RawMessage
		_ = json.Unmarshal(raw, &body)
		if string(body["first_name"]) != "null" || string(body["last_name"]) != `"Ng"` ||
			string(body["customer_code"]) != `"ACC-1"` || string(body["custom_field_1"]) != `"L9"` {
			t.Errorf("body = %s; want first_name null, last_name, customer_code and custom_field_1", raw)
		}
		writeJSON(w, 201, []byte(`{"data":{"id":"u1","last_name":"Ng","custom_field_1":"L9","version":3000000001}}`))
	}, nil)
	if _, err := b.client.Create(t.Context(), engine.Customer{LastName: "Ng", AccountCode: "ACC-1", ExternalRef: "L9"}, ""); err != nil {
		t.Fatal(err)
	}
}

func TestCreateValidationErrorIsTerminalAndNamesTheField(t *testing.T) {
	t.Parallel()
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		writeErr(w, 422, "Unprocessable Entity", "date_of_birth: must be a date as YYYY-MM-DD")
	}, nil)
	_, err := b.client.Create(t.Context(), newCustomer, "k")
	if !engine.IsTerminal(err) || errors.Is(err, engine.ErrUnknownOutcome) {
		t.Fatalf("Create = %v, want terminal", err)
	}
	var apiErr *lightspeed.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 422 || apiErr.Field != "date_of_birth" {
		t.Fatalf("Create error %v: want an *APIError with status 422 and field date_of_birth", err)
	}
	if !strings.Contains(err.Error(), "date_of_birth: must be a date") {
		t.Errorf("error %q lacks the provider's message", err)
	}
	if b.client.Calls() != 1 {
		t.Errorf("Calls() = %d, want 1", b.client.Calls())
	}
}

func TestCreateFieldFromAFieldKey(t *testing.T) {
	t.Parallel()
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, []byte(`{"error":"Bad Request","message":"invalid value","field":"email"}`))
	}, nil)
	_, err := b.client.Create(t.Context(), newCustomer, "k")
	var apiErr *lightspeed.APIError
	if !engine.IsTerminal(err) || !errors.As(err, &apiErr) || apiErr.Field != "email" || !strings.Contains(err.Error(), "email") {
		t.Fatalf("Create = %v, want terminal naming email", err)
	}
}

// TestCreateUnknownOutcomes: whenever the POST may have been applied, the
// error wraps ErrUnknownOutcome and the POST is not sent again.
func TestCreateUnknownOutcomes(t *testing.T) {
	t.Parallel()
	full := `{"data":{"id":"u1","first_name":"Ana","version":3000000001}}`
	tests := []struct {
		name    string
		handler func(w http.ResponseWriter, r *http.Request)
	}{
		{"500", func(w http.ResponseWriter, r *http.Request) { writeErr(w, 500, "Internal Server Error", "boom") }},
		{"503", func(w http.ResponseWriter, r *http.Request) { writeErr(w, 503, "Service Unavailable", "") }},
		{"504", func(w http.ResponseWriter, r *http.Request) { writeErr(w, 504, "Gateway Timeout", "") }},
		{"201 cut off", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 201, []byte(full[:len(full)/2])) }},
		{"201 short of its Content-Length", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "500")
			writeJSON(w, 201, []byte(full[:20]))
		}},
		{"201 not a customer", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 201, []byte(`{"data":null}`)) }},
		{"timeout", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.ReadAll(r.Body)
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		}},
		{"connection reset after the request", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.ReadAll(r.Body)
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			_ = conn.Close()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var posts counter
			b := setup(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost {
					posts.add(r)
				}
				tt.handler(w, r)
			}, func(o *lightspeed.Options) { o.Timeout = 200 * time.Millisecond })
			_, err := b.client.Create(t.Context(), newCustomer, "k")
			if !errors.Is(err, engine.ErrUnknownOutcome) {
				t.Fatalf("Create = %v, want ErrUnknownOutcome", err)
			}
			if engine.IsTerminal(err) {
				t.Errorf("unknown outcome must not be terminal: %v", err)
			}
			if posts.count() != 1 || b.client.Calls() != 1 {
				t.Errorf("server saw %d POSTs, Calls() = %d; want exactly 1", posts.count(), b.client.Calls())
			}
		})
	}
}

func TestCreateRetriesA429(t *testing.T) {
	t.Parallel()
	var posts counter
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if posts.add(r) == 1 {
			tooMany(w, epoch.Add(3*time.Second))
			return
		}
		writeJSON(w, 201, []byte(`{"data":{"id":"u1","first_name":"Ana","custom_field_1":"local-7","version":3000000001}}`))
	}, nil)
	got, err := b.client.Create(t.Context(), newCustomer, "k")
	if err != nil || got.ID != "u1" {
		t.Fatalf("Create = %+v, %v", got, err)
	}
	if posts.count() != 2 {
		t.Errorf("server saw %d POSTs, want 2: a 429 was not applied, so it is safe to send again", posts.count())
	}
}

func TestCreateRefusesWithoutExternalRefOrName(t *testing.T) {
	t.Parallel()
	b := setup(t, func(w http.ResponseWriter, r *http.Request) { t.Error("no request expected") }, nil)
	_, err := b.client.Create(t.Context(), engine.Customer{FirstName: "Ana"}, "k")
	if !engine.IsTerminal(err) || !errors.Is(err, engine.ErrInvalid) {
		t.Errorf("Create without ExternalRef = %v, want terminal ErrInvalid", err)
	}
	_, err = b.client.Create(t.Context(), engine.Customer{Email: "a@b.c", ExternalRef: "L1"}, "k")
	if !engine.IsTerminal(err) || !errors.Is(err, engine.ErrIncomplete) {
		t.Errorf("Create without a name = %v, want terminal ErrIncomplete", err)
	}
}
