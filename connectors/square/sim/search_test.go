package sim

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

var byCreated = map[string]any{"sort": map[string]any{"field": "CREATED_AT", "order": "ASC"}}

func TestSearchLimitMustBe1To100(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Customers: 5})
	for _, tc := range []struct {
		limit any
		code  string
	}{{0, "VALUE_TOO_LOW"}, {-3, "VALUE_TOO_LOW"}, {101, "VALUE_TOO_HIGH"}, {"ten", "EXPECTED_INTEGER"}, {2.5, "EXPECTED_INTEGER"}} {
		r := b.do(t, http.MethodPost, "/v2/customers/search", map[string]any{"limit": tc.limit})
		expectError(t, r, http.StatusBadRequest, tc.code, "limit")
	}
	for _, limit := range []int{1, 100} {
		r := b.do(t, http.MethodPost, "/v2/customers/search", map[string]any{"limit": limit})
		if r.status != http.StatusOK {
			t.Fatalf("limit %d = %d %s", limit, r.status, r.body)
		}
	}
}

func TestSearchPagesEveryPublicCustomerOnceInCreatedOrder(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Customers: 250, Seed: 3})
	want := publicIDs(b.sim.Customers())
	if len(want) == 250 {
		t.Fatal("the seed has no profile without public fields; the test would not check the exclusion")
	}
	got, calls := b.searchAll(t, map[string]any{"limit": 100, "query": byCreated})
	if !slices.Equal(got, want) {
		t.Fatalf("paged %d ids, want the %d public ones in created order", len(got), len(want))
	}
	if wantCalls := (len(want) + 99) / 100; calls != wantCalls {
		t.Errorf("took %d calls, want %d (no empty last page)", calls, wantCalls)
	}

	desc, _ := b.searchAll(t, map[string]any{"limit": 7,
		"query": map[string]any{"sort": map[string]any{"field": "CREATED_AT", "order": "DESC"}}})
	slices.Reverse(desc)
	if !slices.Equal(desc, want) {
		t.Fatal("CREATED_AT DESC is not the reverse of ASC")
	}
}

func TestSearchDefaultSortIsByName(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	b.load(t, `[{"id":"A","given_name":"Zed"},{"id":"B","given_name":"amy","family_name":"Zulu"},
		{"id":"C","company_name":"Bakery"},{"id":"D","email_address":"carl@example.com"},{"id":"E","note":"hidden"}]`)
	got, _ := b.searchAll(t, map[string]any{"limit": 2})
	if want := []string{"B", "C", "D", "A"}; !slices.Equal(got, want) {
		t.Fatalf("default order = %v, want %v (amyzulu, bakery, carl@…, zed; E is not public)", got, want)
	}
}

func TestSearchCursorIsBoundToTheRequestBody(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Customers: 30, CursorTTL: time.Minute})
	body := map[string]any{"limit": 10, "query": byCreated}
	first := decode[searchResponse](t, b.do(t, http.MethodPost, "/v2/customers/search", body))
	if first.Cursor == "" {
		t.Fatal("first page has no cursor")
	}
	// The same request in another key order and spacing is the same request.
	same := `{ "query": {"sort": {"order":"ASC","field":"CREATED_AT"}}, "limit": 10, "cursor": "` + first.Cursor + `" }`
	if r := b.do(t, http.MethodPost, "/v2/customers/search", same); r.status != http.StatusOK {
		t.Fatalf("same body, reordered = %d %s", r.status, r.body)
	}
	for name, other := range map[string]map[string]any{
		"other limit": {"limit": 11, "query": byCreated, "cursor": first.Cursor},
		"other query": {"limit": 10, "cursor": first.Cursor},
		"garbage":     {"limit": 10, "query": byCreated, "cursor": "not-a-cursor"},
	} {
		r := b.do(t, http.MethodPost, "/v2/customers/search", other)
		if r.status != http.StatusBadRequest {
			t.Fatalf("%s: status %d, want 400", name, r.status)
		}
		expectError(t, r, http.StatusBadRequest, "INVALID_CURSOR", "cursor")
	}
	b.clock.Add(2 * time.Minute)
	body["cursor"] = first.Cursor
	expectError(t, b.do(t, http.MethodPost, "/v2/customers/search", body), http.StatusBadRequest, "INVALID_CURSOR", "cursor")
	if n := b.sim.Stats().CursorErrors; n != 4 {
		t.Errorf("Stats.CursorErrors = %d, want 4", n)
	}
}

func TestSearchFilters(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	b.load(t, `[
	 {"id":"A","given_name":"Steven","email_address":"steven.johnson@gmail.com","phone_number":"+1-415-212-1200",
	  "reference_id":"NYC_M_35_JOHNSON","created_at":"2024-01-01T00:00:00Z","updated_at":"2024-06-01T00:00:00Z"},
	 {"id":"B","given_name":"Bea","email_address":"mygmail@stevensbakery.com","phone_number":"+1-212-415-1234",
	  "reference_id":"NYC_27_MURRAY","created_at":"2024-02-01T00:00:00Z","updated_at":"2024-02-01T00:00:00Z",
	  "creation_source":"THIRD_PARTY","group_ids":["G1"]},
	 {"id":"C","given_name":"Cy","email_address":"Cy@Example.com","phone_number":"+1 (551) 234-1567",
	  "created_at":"2024-03-01T00:00:00Z","updated_at":"2024-07-01T00:00:00.500Z"},
	 {"id":"D","given_name":"Di","phone_number":"(021) 555 0101","created_at":"2024-04-01T00:00:00Z",
	  "updated_at":"2024-04-01T00:00:00Z"}]`)
	for _, tc := range []struct {
		name   string
		filter map[string]any
		want   []string
	}{
		{"updated_at from", map[string]any{"updated_at": map[string]any{"start_at": "2024-06-01T00:00:00Z"}}, []string{"A", "C"}},
		{"updated_at to (exclusive)", map[string]any{"updated_at": map[string]any{"end_at": "2024-06-01T00:00:00Z"}}, []string{"B", "D"}},
		{"updated_at millis", map[string]any{"updated_at": map[string]any{"start_at": "2024-07-01T00:00:00.400Z"}}, []string{"C"}},
		{"created_at range", map[string]any{"created_at": map[string]any{"start_at": "2024-02-01T00:00:00Z", "end_at": "2024-04-01T00:00:00Z"}}, []string{"B", "C"}},
		{"email exact, any case", map[string]any{"email_address": map[string]any{"exact": "cy@example.COM"}}, []string{"C"}},
		{"email fuzzy tokens", map[string]any{"email_address": map[string]any{"fuzzy": "Steven gmail"}}, []string{"A", "B"}},
		{"phone exact E.164", map[string]any{"phone_number": map[string]any{"exact": "+14152121200"}}, []string{"A"}},
		{"phone fuzzy", map[string]any{"phone_number": map[string]any{"fuzzy": "415"}}, []string{"A", "B", "C"}},
		{"phone fuzzy two tokens", map[string]any{"phone_number": map[string]any{"fuzzy": "415 123"}}, []string{"B", "C"}},
		{"reference_id exact", map[string]any{"reference_id": map[string]any{"exact": "nyc_27_murray"}}, []string{"B"}},
		{"reference_id fuzzy", map[string]any{"reference_id": map[string]any{"fuzzy": "NYC M"}}, []string{"A", "B"}},
		{"creation_source", map[string]any{"creation_source": map[string]any{"values": []string{"THIRD_PARTY"}}}, []string{"B"}},
		{"creation_source exclude", map[string]any{"creation_source": map[string]any{"values": []string{"THIRD_PARTY"}, "rule": "EXCLUDE"}}, []string{"A", "C", "D"}},
		{"group any", map[string]any{"group_ids": map[string]any{"any": []string{"G1", "G9"}}}, []string{"B"}},
		{"filters are ANDed", map[string]any{"email_address": map[string]any{"fuzzy": "gmail"},
			"updated_at": map[string]any{"start_at": "2024-03-01T00:00:00Z"}}, []string{"A"}},
	} {
		got, _ := b.searchAll(t, map[string]any{"query": map[string]any{"filter": tc.filter, "sort": byCreated["sort"]}})
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	for _, tc := range []struct {
		filter      map[string]any
		code, field string
	}{
		{map[string]any{"email_address": map[string]any{"exact": "a", "fuzzy": "b"}}, "CONFLICTING_PARAMETERS", "query.filter.email_address"},
		{map[string]any{"phone_number": map[string]any{"exact": "4152121200"}}, "INVALID_PHONE_NUMBER", "query.filter.phone_number.exact"},
		{map[string]any{"updated_at": map[string]any{"start_at": "yesterday"}}, "INVALID_TIME", "query.filter.updated_at.start_at"},
		{map[string]any{"updated_at": map[string]any{"start_at": "2024-02-01T00:00:00Z", "end_at": "2024-01-01T00:00:00Z"}}, "INVALID_TIME_RANGE", "query.filter.updated_at"},
		{map[string]any{"email_address": map[string]any{"exact": 5}}, "EXPECTED_STRING", "query.filter.email_address.exact"},
	} {
		r := b.do(t, http.MethodPost, "/v2/customers/search", map[string]any{"query": map[string]any{"filter": tc.filter}})
		expectError(t, r, http.StatusBadRequest, tc.code, tc.field)
	}
	r := b.do(t, http.MethodPost, "/v2/customers/search", map[string]any{"query": map[string]any{"sort": map[string]any{"field": "UPDATED_AT"}}})
	expectError(t, r, http.StatusBadRequest, "INVALID_ENUM_VALUE", "query.sort.field")
}

func TestSearchNothingFoundIsEmptyObjectAndCountIsOptional(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Customers: 20, Seed: 1})
	none := map[string]any{"query": map[string]any{"filter": map[string]any{"email_address": map[string]any{"exact": "nobody@example.com"}}}}
	if r := b.do(t, http.MethodPost, "/v2/customers/search", none); string(r.body) != "{}" {
		t.Fatalf("no match = %s, want {}", r.body)
	}
	r := b.do(t, http.MethodPost, "/v2/customers/search", map[string]any{"limit": 5, "count": true})
	page := decode[searchResponse](t, r)
	if page.Count == nil || int(*page.Count) != len(publicIDs(b.sim.Customers())) || len(page.Customers) != 5 {
		t.Fatalf("count = %v with %d customers, want the %d public ones counted and 5 listed",
			page.Count, len(page.Customers), len(publicIDs(b.sim.Customers())))
	}
	if strings.Contains(string(b.do(t, http.MethodPost, "/v2/customers/search", map[string]any{"limit": 5}).body), `"count"`) {
		t.Error("count is present without count=true")
	}
}

func TestListPagesLikeSearch(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Customers: 45, Seed: 9})
	want := publicIDs(b.sim.Customers())
	var got []string
	path := "/v2/customers?limit=20&sort_field=CREATED_AT&count=true"
	for calls := 0; ; calls++ {
		page := decode[searchResponse](t, b.do(t, http.MethodGet, path, nil))
		if page.Count == nil || int(*page.Count) != len(want) {
			t.Fatalf("count = %v, want %d", page.Count, len(want))
		}
		for _, c := range page.Customers {
			got = append(got, c.ID)
		}
		if page.Cursor == "" {
			break
		}
		path = "/v2/customers?limit=20&sort_field=CREATED_AT&count=true&cursor=" + page.Cursor
	}
	if !slices.Equal(got, want) {
		t.Fatalf("listed %v, want %v", got, want)
	}
	expectError(t, b.do(t, http.MethodGet, "/v2/customers?limit=101", nil), http.StatusBadRequest, "VALUE_TOO_HIGH", "limit")
	page := decode[searchResponse](t, b.do(t, http.MethodGet, "/v2/customers?limit=20", nil))
	expectError(t, b.do(t, http.MethodGet, "/v2/customers?limit=21&cursor="+page.Cursor, nil), http.StatusBadRequest, "INVALID_CURSOR", "cursor")
}

// load loads customers or fails.
func (b *testBundle) load(t *testing.T, js string) {
	t.Helper()
	if err := b.sim.Load(strings.NewReader(js)); err != nil {
		t.Fatalf("Load: %v", err)
	}
}
