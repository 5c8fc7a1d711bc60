package sim

import (
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPropagationDelayHidesChangesFromSearchOnly(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{PropagationDelay: time.Minute})
	b.load(t, `[{"id":"OLD","given_name":"Old","created_at":"2024-01-01T00:00:00Z"}]`)
	created := decode[customerResponse](t, b.do(t, http.MethodPost, "/v2/customers", map[string]any{"given_name": "New"})).Customer
	if _, err := b.sim.Update("OLD", func(c *Customer) { c.GivenName = "Renamed" }); err != nil {
		t.Fatal(err)
	}
	search := func() map[string]Customer {
		page := decode[searchResponse](t, b.do(t, http.MethodPost, "/v2/customers/search", map[string]any{}))
		out := map[string]Customer{}
		for _, c := range page.Customers {
			out[c.ID] = c
		}
		return out
	}
	got := search()
	if _, ok := got[created.ID]; ok || got["OLD"].GivenName != "Old" || len(got) != 1 {
		t.Fatalf("before the delay search shows %+v, want only OLD in its previous state", got)
	}
	if c := decode[customerResponse](t, b.do(t, http.MethodGet, "/v2/customers/OLD", nil)).Customer; c.GivenName != "Renamed" {
		t.Fatalf("retrieve shows %q, want the latest state at once", c.GivenName)
	}
	b.clock.Add(59 * time.Second)
	if _, err := b.sim.Update("OLD", func(c *Customer) { c.FamilyName = "Again" }); err != nil {
		t.Fatal(err)
	}
	b.clock.Add(time.Second)
	if got := search(); got["OLD"].GivenName != "Old" || len(got) != 2 {
		t.Fatalf("a second update restarts the delay: search shows %+v, want OLD still as first loaded", got)
	}
	b.clock.Add(time.Minute)
	got = search()
	if got["OLD"].FamilyName != "Again" || got["OLD"].Version != 2 {
		t.Fatalf("after the delay search shows %+v, want the latest state", got["OLD"])
	}
	// The late change keeps its real updated_at, which is before "now" by
	// the delay: a watermark taken meanwhile would be past it.
	if ts, _ := parseStamp(got["OLD"].UpdatedAt); !ts.Before(b.clock.Now().Add(-30 * time.Second)) {
		t.Fatalf("updated_at %s is not in the past", got["OLD"].UpdatedAt)
	}
}

func TestAuthVersionHeaderAndDate(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Token: "tok"})
	expectError(t, b.doAuth(t, http.MethodGet, "/v2/customers", "", nil), http.StatusUnauthorized, "UNAUTHORIZED", "-")
	expectError(t, b.doAuth(t, http.MethodGet, "/v2/customers", "Bearer wrong", nil), http.StatusUnauthorized, "UNAUTHORIZED", "-")
	expectError(t, b.doAuth(t, http.MethodGet, "/__sim/stats", "", nil), http.StatusUnauthorized, "UNAUTHORIZED", "-")
	r := b.do(t, http.MethodGet, "/v2/customers", nil)
	if v := r.header.Get("Square-Version"); v != DefaultSquareVersion {
		t.Errorf("Square-Version = %q, want the default echoed", v)
	}
	if d, err := http.ParseTime(r.header.Get("Date")); err != nil || !d.Equal(b.clock.Now()) {
		t.Errorf("Date = %q, want the simulator's clock %s", r.header.Get("Date"), b.clock.Now())
	}
	req := newRequest(t, http.MethodGet, b.ts.URL+"/v2/customers", "Bearer tok", nil)
	req.Header.Set("Square-Version", "2024-01-18")
	resp, err := b.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if v := resp.Header.Get("Square-Version"); v != "2024-01-18" {
		t.Errorf("Square-Version = %q, want the request's echoed", v)
	}
	req.Header.Set("Square-Version", "latest")
	if resp, err = b.ts.Client().Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad Square-Version = %d, want 400", resp.StatusCode)
	}
	expectError(t, b.do(t, http.MethodPatch, "/v2/customers/X", nil), http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "-")
	expectError(t, b.do(t, http.MethodGet, "/v2/nothing", nil), http.StatusNotFound, "NOT_FOUND", "-")
	if st := b.sim.Stats(); st.Unauthorized != 2 || st.List != 2 {
		t.Errorf("stats = %+v, want 2 unauthorized and 2 lists", st)
	}
}

func TestRateLimitAnswers429RateLimited(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{RateLimit: 2, RateWindow: time.Second, RetryAfter: true})
	b.do(t, http.MethodGet, "/v2/customers", nil)
	b.do(t, http.MethodGet, "/v2/customers", nil)
	r := b.do(t, http.MethodGet, "/v2/customers", nil)
	expectError(t, r, http.StatusTooManyRequests, "RATE_LIMITED", "-")
	if r.header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After = %q, want 1", r.header.Get("Retry-After"))
	}
	b.clock.Add(time.Second)
	if r := b.do(t, http.MethodGet, "/v2/customers", nil); r.status != http.StatusOK {
		t.Fatalf("after the window = %d", r.status)
	}
	if st := b.sim.Stats(); st.RateLimited != 1 {
		t.Errorf("RateLimited = %d, want 1", st.RateLimited)
	}
}

func TestFaultsOnWritesApplyHalfTheTimeAndKeysStillDeduplicate(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Seed: 4, Faults: Faults{ServerError: 0.5, Truncate: 0.2}})
	// Retry each keyed create until it gets a clean answer, as a client would.
	for i := range 40 {
		body := map[string]any{"idempotency_key": "key-" + string(rune('A'+i)), "given_name": "N", "reference_id": string(rune('A' + i))}
		for attempt := 0; ; attempt++ {
			if attempt == 50 {
				t.Fatal("no clean answer in 50 attempts")
			}
			r := b.do(t, http.MethodPost, "/v2/customers", body)
			if r.status == http.StatusOK && json200(r.body) {
				break
			}
		}
	}
	st := b.sim.Stats()
	if st.Faults.ServerError == 0 || st.Faults.Truncate == 0 || st.Faults.AppliedWrites == 0 {
		t.Fatalf("stats %+v: the seed injected no faults or applied no failed write", st)
	}
	if n := len(b.sim.Customers()); n != 40 {
		t.Fatalf("%d customers after retries with stable keys, want 40", n)
	}
	if st.Replays == 0 {
		t.Error("no retry was answered from the idempotency cache")
	}
	b.sim.SetFaults(Faults{RateLimit: 1})
	expectError(t, b.do(t, http.MethodPost, "/v2/customers", map[string]any{"given_name": "Z"}), http.StatusTooManyRequests, "RATE_LIMITED", "-")
	if n := len(b.sim.Customers()); n != 40 {
		t.Fatal("an injected 429 applied the write")
	}
}

func json200(b []byte) bool { return len(b) > 1 && b[len(b)-1] == '}' }

func TestAdminEndpoints(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Customers: 3})
	if cs := decode[[]Customer](t, b.do(t, http.MethodGet, "/__sim/customers", nil)); len(cs) != 3 {
		t.Fatalf("/__sim/customers = %d, want 3", len(cs))
	}
	r := b.do(t, http.MethodPost, "/__sim/faults", "500=0.5, latency=1ms")
	if got := decode[map[string]string](t, r)["faults"]; got != "500=0.5,latency=1ms" {
		t.Fatalf("POST faults = %s", r.body)
	}
	expectError(t, b.do(t, http.MethodPost, "/__sim/faults", "teapot=1"), http.StatusBadRequest, "BAD_REQUEST", "faults")
	b.do(t, http.MethodPost, "/__sim/faults", `""`)
	if got := decode[map[string]string](t, b.do(t, http.MethodGet, "/__sim/faults", nil))["faults"]; got != "" {
		t.Fatalf("faults after clearing = %q", got)
	}
	b.do(t, http.MethodGet, "/v2/customers", nil)
	if st := decode[Stats](t, b.do(t, http.MethodGet, "/__sim/stats", nil)); st.Total != 1 || st.List != 1 {
		t.Fatalf("/__sim/stats = %+v, want the one API call and none of the admin ones", st)
	}
}

func TestSeedIsDeterministicAndRealistic(t *testing.T) {
	t.Parallel()
	one, _ := New(Options{Customers: 2000, Seed: 42})
	two, _ := New(Options{Customers: 2000, Seed: 42})
	other, _ := New(Options{Customers: 2000, Seed: 43})
	a, b := one.Customers(), two.Customers()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different customers")
	}
	if reflect.DeepEqual(a, other.Customers()) {
		t.Fatal("another seed gave the same customers")
	}
	var hidden, yearless, refs, dupEmails int
	emails := map[string]int{}
	for i, c := range a {
		if !c.Public() {
			hidden++
		}
		if strings.HasPrefix(c.Birthday, "0000-") {
			yearless++
		}
		if c.ReferenceID != "" {
			refs++
		}
		if c.EmailAddress != "" {
			if emails[strings.ToLower(c.EmailAddress)]++; emails[strings.ToLower(c.EmailAddress)] == 2 {
				dupEmails++
			}
		}
		if i > 0 && c.CreatedAt < a[i-1].CreatedAt {
			t.Fatal("Customers() is not in created order")
		}
		if c.PhoneNumber != "" && checkPhone(c.PhoneNumber) != nil {
			t.Fatalf("seeded phone %q would be rejected by the simulator itself", c.PhoneNumber)
		}
	}
	if hidden == 0 || yearless == 0 || refs == 0 || dupEmails == 0 {
		t.Fatalf("seed lacks variety: hidden=%d yearless=%d refs=%d duplicate emails=%d", hidden, yearless, refs, dupEmails)
	}
}

func TestOnChangeReportsEveryCommittedChange(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []string
	b := setup(t, Options{OnChange: func(c Change) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, c.Type)
	}})
	c := decode[customerResponse](t, b.do(t, http.MethodPost, "/v2/customers", map[string]any{"given_name": "A"})).Customer
	b.do(t, http.MethodPost, "/v2/customers/bulk-create", map[string]any{"customers": map[string]any{"k": map[string]any{"given_name": "B"}}})
	b.do(t, http.MethodPut, "/v2/customers/"+c.ID, map[string]any{"note": "n"})
	if _, err := b.sim.Update(c.ID, nil); err != nil {
		t.Fatal(err)
	}
	b.do(t, http.MethodDelete, "/v2/customers/"+c.ID, nil)
	if err := b.sim.Delete(c.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Delete of a deleted id = %v, want ErrNotFound", err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"customer.created", "customer.created", "customer.updated", "customer.updated", "customer.deleted"}
	if !slices.Equal(got, want) {
		t.Fatalf("changes = %v, want %v", got, want)
	}
}

func TestLoadIsAllOrNothing(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	err := b.sim.Load(strings.NewReader(`[{"given_name":"A"},{"given_name":"B","created_at":"yesterday"}]`))
	if err == nil || !strings.Contains(err.Error(), "index 1") || len(b.sim.Customers()) != 0 {
		t.Fatalf("Load = %v with %d customers, want an error naming index 1 and nothing loaded", err, len(b.sim.Customers()))
	}
	b.load(t, `[{"given_name":"A","created_at":"2024-05-06T07:08:09+02:00"}]`)
	if c := b.sim.Customers()[0]; c.ID == "" || c.CreatedAt != "2024-05-06T05:08:09.000Z" || c.UpdatedAt != c.CreatedAt {
		t.Fatalf("loaded %+v, want a generated id and UTC millisecond timestamps", c)
	}
}

func TestOptionsAreChecked(t *testing.T) {
	t.Parallel()
	for _, o := range []Options{{Customers: -1}, {PropagationDelay: -1}, {RateLimit: -1}, {CursorTTL: -1}, {Faults: Faults{Timeout: 2}}} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}
