package lightspeed_test

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/accordhq/accord/connectors/lightspeed"
	"github.com/accordhq/accord/connectors/lightspeed/sim"
	"github.com/accordhq/accord/engine"
)

type simBundle struct {
	sim    *sim.Server
	client *lightspeed.Client
	clock  *clock
}

// simSetup serves a simulator that shares the client's fake clock, so that
// rate-limit windows and Retry-After dates pass when the client "sleeps".
func simSetup(tb testing.TB, so sim.Options, mod func(*lightspeed.Options)) simBundle {
	tb.Helper()
	clk := newClock()
	so.Token = testToken
	if so.Now == nil {
		so.Now = clk.Now
	}
	srv, err := sim.New(so)
	if err != nil {
		tb.Fatalf("sim.New: %v", err)
	}
	hs := httptest.NewServer(srv)
	tb.Cleanup(func() {
		srv.Close()
		hs.Close()
	})
	opts := lightspeed.Options{BaseURL: hs.URL, Token: testToken, Now: clk.Now, Sleep: clk.Sleep}
	if mod != nil {
		mod(&opts)
	}
	c, err := lightspeed.New(opts)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return simBundle{sim: srv, client: c, clock: clk}
}

// pullAll pulls from cursor until Done and returns every customer read, in
// order, and the last cursor. It fails on quarantined records.
func pullAll(tb testing.TB, c *lightspeed.Client, cursor string) ([]engine.Customer, string) {
	tb.Helper()
	var all []engine.Customer
	for range 100_000 {
		page, err := c.Pull(tb.Context(), cursor)
		if err != nil {
			tb.Fatalf("Pull(%q): %v", cursor, err)
		}
		if len(page.Bad) > 0 {
			tb.Fatalf("Pull(%q) quarantined %+v", cursor, page.Bad)
		}
		all = append(all, page.Customers...)
		if page.Done {
			return all, cursor
		}
		cursor = page.Cursor
	}
	tb.Fatal("Pull never reached Done")
	return nil, ""
}

// checkOnce fails unless got holds each id of want exactly once.
func checkOnce(t *testing.T, got []engine.Customer, want []sim.Customer) {
	t.Helper()
	seen := map[string]int{}
	for _, c := range got {
		seen[c.ID]++
	}
	for _, w := range want {
		if seen[w.ID] != 1 {
			t.Errorf("customer %s read %d times, want once", w.ID, seen[w.ID])
		}
	}
	if len(got) != len(want) {
		t.Errorf("read %d customers, want %d", len(got), len(want))
	}
}

func TestSimPullsEverySeededCustomerOnce(t *testing.T) {
	t.Parallel()
	b := simSetup(t, sim.Options{Customers: 1000, Seed: 7, RateLimit: 100_000}, nil)
	got, cursor := pullAll(t, b.client, "")
	want := b.sim.Customers(true)
	checkOnce(t, got, want)
	byID := map[string]sim.Customer{}
	for _, w := range want {
		byID[w.ID] = w
	}
	for _, c := range got {
		w := byID[c.ID]
		if c.Version <= 1<<31 || c.Version != w.Version {
			t.Fatalf("customer %s version %d, want the simulator's %d (> 2^31)", c.ID, c.Version, w.Version)
		}
		if c.Email != deref(w.Email) || c.FirstName != deref(w.FirstName) || c.AccountCode != w.CustomerCode {
			t.Fatalf("customer %s mapped to %+v from %+v", c.ID, c, w)
		}
	}
	if calls := b.client.Calls(); calls != 6 {
		t.Errorf("full pull of 1000 took %d calls, want 6 (5 pages of 200 and the empty one)", calls)
	}

	before := b.client.Calls()
	page, err := b.client.Pull(t.Context(), cursor)
	if err != nil || !page.Done || page.Cursor != "" || len(page.Customers) != 0 {
		t.Fatalf("idle pull = %+v, %v; want Done with cursor \"\"", page, err)
	}
	if n := b.client.Calls() - before; n != 1 {
		t.Errorf("idle pull took %d calls, want exactly 1", n)
	}
}

func TestSimCreatedCustomerAppearsInTheFeed(t *testing.T) {
	t.Parallel()
	b := simSetup(t, sim.Options{Customers: 50, Seed: 1, RateLimit: 100_000},
		func(o *lightspeed.Options) { o.ExternalRefField = "custom_field_2" })
	_, cursor := pullAll(t, b.client, "")

	created, err := b.client.Create(t.Context(), newCustomer, "key-1")
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.ExternalRef != "local-7" || created.Email != newCustomer.Email ||
		created.Address.City != "Auckland" || created.Birthday != "1990-04-05" {
		t.Errorf("Create returned %+v", created)
	}
	stored, ok := b.sim.Customer(created.ID)
	if !ok || deref(stored.CustomField2) != "local-7" {
		t.Fatalf("simulator holds %+v, want custom_field_2 = local-7", stored)
	}

	got, _ := pullAll(t, b.client, cursor)
	if len(got) != 1 || got[0].ID != created.ID || got[0].ExternalRef != "local-7" {
		t.Fatalf("next pull = %+v, want just the created customer with its external ref", got)
	}
	one, err := b.client.Get(t.Context(), created.ID)
	if err != nil || one.ExternalRef != "local-7" {
		t.Errorf("Get = %+v, %v", one, err)
	}
	if _, err := b.client.Get(t.Context(), "no-such-id"); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("Get of an unknown id = %v, want ErrNotFound", err)
	}
}

func TestSimCreateRejectedIsTerminal(t *testing.T) {
	t.Parallel()
	b := simSetup(t, sim.Options{RateLimit: 100_000}, nil)
	c := newCustomer
	c.Birthday = "1990-02-30"
	_, err := b.client.Create(t.Context(), c, "k")
	var apiErr *lightspeed.APIError
	if !engine.IsTerminal(err) || !errors.As(err, &apiErr) || apiErr.Field != "date_of_birth" {
		t.Fatalf("Create with an impossible birthday = %v, want terminal naming date_of_birth", err)
	}
	if n := len(b.sim.Customers(true)); n != 0 {
		t.Errorf("simulator holds %d customers, want 0", n)
	}
}

func TestSimSearch(t *testing.T) {
	t.Parallel()
	b := simSetup(t, sim.Options{Customers: 300, Seed: 3, RateLimit: 100_000}, nil)
	var target sim.Customer
	for _, c := range b.sim.Customers(false) {
		if deref(c.Email) != "" {
			target = c
			break
		}
	}
	if target.ID == "" {
		t.Fatal("no seeded customer has an email")
	}
	for field, value := range map[string]string{"email": deref(target.Email), "customer_code": target.CustomerCode} {
		got, err := b.client.Search(t.Context(), field, value)
		if err != nil {
			t.Fatalf("Search(%s): %v", field, err)
		}
		found := false
		for _, c := range got {
			found = found || c.ID == target.ID
		}
		if !found {
			t.Errorf("Search(%s=%q) = %d customers without %s", field, value, len(got), target.ID)
		}
	}
}

func TestSimSoftDeleteIsVisible(t *testing.T) {
	t.Parallel()
	b := simSetup(t, sim.Options{Customers: 20, Seed: 5, RateLimit: 100_000}, nil)
	_, cursor := pullAll(t, b.client, "")
	victim := b.sim.Customers(false)[3].ID
	if err := b.sim.Delete(victim); err != nil {
		t.Fatal(err)
	}
	got, _ := pullAll(t, b.client, cursor)
	if len(got) != 1 || got[0].ID != victim || !got[0].Deleted {
		t.Fatalf("pull after a delete = %+v, want %s marked Deleted", got, victim)
	}
	one, err := b.client.Get(t.Context(), victim)
	if err != nil || !one.Deleted {
		t.Errorf("Get of a deleted customer = %+v, %v; want Deleted", one, err)
	}
}

// TestSimFaultsLoseNothing: with throttling, server errors and cut-off
// bodies injected, a full pull still reads every customer exactly once.
func TestSimFaultsLoseNothing(t *testing.T) {
	t.Parallel()
	faults, err := sim.ParseFaults("429=0.2,500=0.1,truncate=0.1")
	if err != nil {
		t.Fatal(err)
	}
	b := simSetup(t, sim.Options{Customers: 2000, Seed: 11, Faults: faults, RateLimit: 100_000, RateWindow: 10 * time.Second},
		func(o *lightspeed.Options) { o.MaxRetries, o.PageSize = 20, 50 })
	got, _ := pullAll(t, b.client, "")
	checkOnce(t, got, b.sim.Customers(true))
	st := b.sim.Stats()
	if st.Faults.RateLimit == 0 || st.Faults.ServerError == 0 || st.Faults.Truncate == 0 {
		t.Errorf("faults injected %+v; the test did not exercise them all", st.Faults)
	}
	if b.client.Calls() != st.Total {
		t.Errorf("Calls() = %d, simulator saw %d requests", b.client.Calls(), st.Total)
	}
}

// TestSimUnknownCreatesAreSettledFromTheFeed: when the simulator fails
// creates (applying half of them anyway), Create never sends a POST twice,
// reports ErrUnknownOutcome, and the feed shows each applied one exactly
// once with its external ref, which is what the engine settles on.
func TestSimUnknownCreatesAreSettledFromTheFeed(t *testing.T) {
	t.Parallel()
	faults, err := sim.ParseFaults("500=0.3,truncate=0.2")
	if err != nil {
		t.Fatal(err)
	}
	b := simSetup(t, sim.Options{Seed: 9, Faults: faults, RateLimit: 100_000}, nil)
	const n = 40
	status := map[string]string{} // external ref -> ok | unknown
	for i := range n {
		c := newCustomer
		c.ExternalRef = fmt.Sprintf("local-%d", i)
		_, err := b.client.Create(t.Context(), c, c.ExternalRef)
		switch {
		case err == nil:
			status[c.ExternalRef] = "ok"
		case errors.Is(err, engine.ErrUnknownOutcome):
			status[c.ExternalRef] = "unknown"
		default:
			t.Fatalf("Create %s = %v, want success or ErrUnknownOutcome", c.ExternalRef, err)
		}
	}
	if got := b.sim.Stats().Create; got != n {
		t.Fatalf("simulator saw %d POSTs for %d creates; a create was sent twice", got, n)
	}
	b.sim.SetFaults(sim.Faults{})
	got, _ := pullAll(t, b.client, "")
	seen := map[string]int{}
	for _, c := range got {
		seen[c.ExternalRef]++
	}
	unknown, applied := 0, 0
	for ref, st := range status {
		if st == "unknown" && seen[ref] == 1 {
			applied++
		}
		switch {
		case st == "ok" && seen[ref] != 1:
			t.Errorf("created %s appears %d times in the feed, want 1", ref, seen[ref])
		case st == "unknown" && seen[ref] > 1:
			t.Errorf("unknown create %s appears %d times, want at most 1", ref, seen[ref])
		case st == "unknown":
			unknown++
		}
	}
	if unknown == 0 {
		t.Error("no create had an unknown outcome; the faults were not exercised")
	}
	if want := b.sim.Stats().Faults.AppliedWrites; int64(applied) != want || want == 0 {
		t.Errorf("%d unknown creates are in the feed, the simulator applied %d despite the fault (want equal, > 0)", applied, want)
	}
}

// TestSimRateLimitIsPaced: a small rate-limit window is waited out before it
// runs dry, so the simulator never has to answer 429.
func TestSimRateLimitIsPaced(t *testing.T) {
	t.Parallel()
	b := simSetup(t, sim.Options{Customers: 2000, Seed: 2, RateLimit: 4, RateWindow: 30 * time.Second}, nil)
	got, _ := pullAll(t, b.client, "")
	checkOnce(t, got, b.sim.Customers(true))
	if n := b.sim.Stats().RateLimited; n != 0 {
		t.Errorf("simulator answered %d 429s; the client should have waited for the window reset", n)
	}
	if len(b.clock.Slept()) == 0 {
		t.Error("the client never waited for a window reset")
	}
}

// BenchmarkPull100k pulls 100,000 customers from the simulator over
// loopback, one full pull per iteration.
func BenchmarkPull100k(b *testing.B) {
	const n = 100_000
	sb := simSetup(b, sim.Options{Customers: n, Seed: 1, RateLimit: 1 << 30}, func(o *lightspeed.Options) {
		o.Now, o.Sleep = nil, nil // real clock
	})
	b.ReportAllocs()
	for b.Loop() {
		got, _ := pullAll(b, sb.client, "")
		if len(got) != n {
			b.Fatalf("pulled %d customers, want %d", len(got), n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
