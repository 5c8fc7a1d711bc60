package lightspeed_test

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord/connectors/lightspeed"
	"github.com/accordhq/accord/engine"
)

// TestPullFollowsTheVersionCursor checks the cursor and Done semantics: the
// cursor is version.max, it is "" on the empty page, and Done is set only
// on the empty page.
func TestPullFollowsTheVersionCursor(t *testing.T) {
	t.Parallel()
	const v0 = int64(3_000_000_000) // beyond int32
	pages := map[string][]byte{
		"":                          feedBody(v0+1, v0+5, customer("a", v0+1, nil), customer("b", v0+5, nil)),
		strconv.FormatInt(v0+5, 10): feedBody(v0+9, v0+9, customer("c", v0+9, nil)),
		strconv.FormatInt(v0+9, 10): feedBody(0, 0),
	}
	var reqs counter
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		reqs.add(r)
		q := r.URL.Query()
		if r.URL.Path != "/api/2.0/customers" || q.Get("deleted") != "true" || q.Get("page_size") != "200" {
			t.Errorf("request %s, want /api/2.0/customers with deleted=true&page_size=200", r.URL)
		}
		if vs, ok := q["after"]; ok && vs[0] == "" {
			t.Errorf("request %s has an empty after", r.URL)
		}
		if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
			t.Errorf("Authorization = %q", got)
		}
		if r.Header.Get("Accept") != "application/json" || !strings.HasPrefix(r.Header.Get("User-Agent"), "accord/") {
			t.Errorf("headers Accept=%q User-Agent=%q", r.Header.Get("Accept"), r.Header.Get("User-Agent"))
		}
		body, ok := pages[q.Get("after")]
		if !ok {
			t.Errorf("unexpected after=%q", q.Get("after"))
		}
		writeJSON(w, 200, body)
	}, nil)

	var ids []string
	cursor := ""
	for i := 0; ; i++ {
		page, err := b.client.Pull(t.Context(), cursor)
		if err != nil {
			t.Fatalf("Pull(%q): %v", cursor, err)
		}
		for _, c := range page.Customers {
			ids = append(ids, c.ID)
		}
		if page.Done {
			if page.Cursor != "" || len(page.Customers) != 0 {
				t.Fatalf("last page = %+v, want empty with cursor \"\"", page)
			}
			break
		}
		if want := []string{strconv.FormatInt(v0+5, 10), strconv.FormatInt(v0+9, 10)}[i]; page.Cursor != want {
			t.Fatalf("page %d cursor = %q, want %q", i, page.Cursor, want)
		}
		cursor = page.Cursor
	}
	if strings.Join(ids, ",") != "a,b,c" {
		t.Errorf("customers = %v, want a,b,c", ids)
	}
	if got := b.client.Calls(); got != 3 {
		t.Errorf("Calls() = %d, want 3", got)
	}
}

func TestPullIdleIsOneCall(t *testing.T) {
	t.Parallel()
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		// The simulator's form: no version object at all.
		writeJSON(w, 200, []byte(`{"data":[]}`))
	}, nil)
	page, err := b.client.Pull(t.Context(), "3000000042")
	if err != nil {
		t.Fatal(err)
	}
	if !page.Done || page.Cursor != "" || b.client.Calls() != 1 {
		t.Fatalf("idle pull = %+v after %d calls, want Done, cursor \"\", 1 call", page, b.client.Calls())
	}
}

// TestPullQuarantinesBadElements: each unreadable element is quarantined
// with a reason naming the field, the rest of the page is returned, and the
// cursor moves past all of them.
func TestPullQuarantinesBadElements(t *testing.T) {
	t.Parallel()
	badType := `{"id":"bt","email":42,"version":3000000002}`
	badDate := `{"id":"bd","updated_at":"2025-02-30T10:00:00+00:00","version":3000000003}`
	noID := `{"first_name":"Nobody","version":3000000004}`
	badBirthday := `{"id":"bb","date_of_birth":"1990-13-01","version":3000000005}`
	badDeleted := `{"id":"bx","deleted_at":"0000-00-00 00:00:00","version":3000000006}`
	notObject := `"just a string"`
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, feedBody(3000000001, 3000000009,
			customer("good1", 3000000001, nil), badType, badDate, noID, badBirthday, badDeleted, notObject,
			customer("good2", 3000000009, nil)))
	}, nil)
	page, err := b.client.Pull(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Customers) != 2 || page.Customers[0].ID != "good1" || page.Customers[1].ID != "good2" {
		t.Errorf("customers = %+v, want good1 and good2", page.Customers)
	}
	if page.Cursor != "3000000009" || page.Done {
		t.Errorf("cursor = %q done = %v, want 3000000009 and not done", page.Cursor, page.Done)
	}
	want := []struct{ id, field, raw string }{
		{"bt", "email", badType},
		{"bd", "updated_at", badDate},
		{"", "id", noID},
		{"bb", "date_of_birth", badBirthday},
		{"bx", "deleted_at", badDeleted},
		{"", "", notObject},
	}
	if len(page.Bad) != len(want) {
		t.Fatalf("quarantined %d records, want %d: %+v", len(page.Bad), len(want), page.Bad)
	}
	for i, w := range want {
		q := page.Bad[i]
		if q.ID != w.id || !strings.Contains(q.Reason, w.field) || string(q.Raw) != w.raw {
			t.Errorf("quarantined[%d] = {ID:%q Reason:%q Raw:%s}, want ID %q, a reason naming %q, raw %s",
				i, q.ID, q.Reason, q.Raw, w.id, w.field, w.raw)
		}
	}
}

func TestPullMapsEveryField(t *testing.T) {
	t.Parallel()
	full := customer("0af7b240-ab83-11e7-eddc-4023c64c85e5", 3505346597, map[string]any{
		"customer_code": "Tony-37YP", "first_name": "Tony", "last_name": "Stark", "email": "tony@stark.com",
		"phone": "+001 555 12345678", "mobile": "+001 485 23456789", "company_name": "Stark Industries",
		"date_of_birth": "1963-03-03", "physical_address_1": "Street 1", "physical_address_2": "Street 2",
		"physical_suburb": "Suburb", "physical_city": "Los Angeles", "physical_state": "California",
		"physical_postcode": "23422", "physical_country_id": "US", "custom_field_1": "wrong field",
		"custom_field_2": "local-42", "updated_at": "2017-01-19T16:49:35+00:00",
	})
	nulls := `{"id":"n1","customer_code":null,"first_name":null,"last_name":null,"email":null,"physical_city":null,` +
		`"physical_suburb":"Ponsonby","date_of_birth":null,"created_at":null,"updated_at":null,` +
		`"deleted_at":"2025-05-06T07:08:09+00:00","version":3505346598}`
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, feedBody(3505346597, 3505346598, full, nulls))
	}, func(o *lightspeed.Options) { o.ExternalRefField = "custom_field_2" })
	page, err := b.client.Pull(t.Context(), "")
	if err != nil || len(page.Customers) != 2 {
		t.Fatalf("Pull = %+v, %v", page, err)
	}
	got := page.Customers[0]
	want := engine.Customer{
		ID: "0af7b240-ab83-11e7-eddc-4023c64c85e5", Email: "tony@stark.com", FirstName: "Tony", LastName: "Stark",
		Company: "Stark Industries", Phone: "+001 555 12345678", Mobile: "+001 485 23456789",
		AccountCode: "Tony-37YP", ExternalRef: "local-42",
		Address: engine.Address{Line1: "Street 1", Line2: "Street 2", City: "Los Angeles", State: "California",
			Postcode: "23422", Country: "US"},
		Birthday: "1963-03-03", UpdatedAt: time.Date(2017, 1, 19, 16, 49, 35, 0, time.UTC), Version: 3505346597,
	}
	raw := got.Raw
	got.Raw = nil
	if !equalCustomer(got, want) {
		t.Errorf("mapped\n got %+v\nwant %+v", got, want)
	}
	if !strings.Contains(string(raw), `"balance":-25840.85`) {
		t.Errorf("Raw = %s, want the element's JSON", raw)
	}
	n := page.Customers[1]
	if !n.Deleted || n.Address.City != "Ponsonby" || n.FirstName != "" || n.AccountCode != "" || !n.UpdatedAt.IsZero() {
		t.Errorf("null-heavy record mapped to %+v, want Deleted, City from suburb, empty fields", n)
	}
}

func equalCustomer(a, b engine.Customer) bool {
	return a.Hash() == b.Hash() && a.ID == b.ID && a.Version == b.Version && a.UpdatedAt.Equal(b.UpdatedAt)
}

func TestPullRejectsABadCursor(t *testing.T) {
	t.Parallel()
	b := setup(t, func(w http.ResponseWriter, r *http.Request) { t.Error("no request expected") }, nil)
	_, err := b.client.Pull(t.Context(), "2026-01-01T00:00:00Z")
	if !errors.Is(err, engine.ErrInvalid) || !engine.IsTerminal(err) {
		t.Fatalf("Pull with a timestamp cursor = %v, want terminal ErrInvalid", err)
	}
}

func TestPullRefusesACursorThatDoesNotMove(t *testing.T) {
	t.Parallel()
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, feedBody(3000000005, 3000000005, customer("a", 3000000005, nil)))
	}, nil)
	if _, err := b.client.Pull(t.Context(), "3000000005"); err == nil {
		t.Fatal("Pull of a page whose version.max equals the cursor succeeded; a caller would loop for ever")
	}
}
