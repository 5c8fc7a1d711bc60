package square_test

import (
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/accordhq/accord/connectors/square"
	"github.com/accordhq/accord/connectors/square/sim"
	"github.com/accordhq/accord/engine"
)

type simBundle struct {
	sim    *sim.Server
	client *square.Client
	clock  *clock
}

// simSetup serves a simulator that shares the client's fake clock, so that
// propagation delays, cursor lifetimes and backoff waits pass when the
// client "sleeps" or the test moves the clock.
func simSetup(tb testing.TB, so sim.Options, mod func(*square.Options)) simBundle {
	tb.Helper()
	clk := newClock()
	so.Token = testToken
	so.Now = clk.Now
	srv, err := sim.New(so)
	if err != nil {
		tb.Fatalf("sim.New: %v", err)
	}
	hs := httptest.NewServer(srv)
	tb.Cleanup(func() {
		srv.Close()
		hs.Close()
	})
	opts := square.Options{BaseURL: hs.URL, Token: testToken, Now: clk.Now, Sleep: clk.Sleep}
	if mod != nil {
		mod(&opts)
	}
	c, err := square.New(opts)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return simBundle{sim: srv, client: c, clock: clk}
}

// run is what the engine does for one side in one run: rewind the stored
// cursor, pull until Done, keep each returned cursor. It returns the
// customers read and the stored cursor afterwards. between, if set, runs
// after each page.
func run(tb testing.TB, c *square.Client, stored string, between func(page int)) ([]engine.Customer, string) {
	tb.Helper()
	cur := stored
	if cur != "" {
		cur = c.Rewind(cur)
	}
	var all []engine.Customer
	for i := 1; i < 100_000; i++ {
		page, err := c.Pull(tb.Context(), cur)
		if err != nil {
			tb.Fatalf("Pull(%s): %v", cur, err)
		}
		if len(page.Bad) > 0 {
			tb.Fatalf("quarantined %+v", page.Bad)
		}
		all = append(all, page.Customers...)
		if page.Cursor != "" {
			cur, stored = page.Cursor, page.Cursor
		}
		if page.Done {
			return all, stored
		}
		if between != nil {
			between(i)
		}
	}
	tb.Fatal("Pull never reached Done")
	return nil, ""
}

// publicIDs lists the ids of the simulator's public customers.
func publicIDs(s *sim.Server) []string {
	var ids []string
	for _, c := range s.Customers() {
		if c.Public() {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// checkOnce fails unless got holds each id of want exactly once.
func checkOnce(t *testing.T, got []engine.Customer, want []string) {
	t.Helper()
	seen := map[string]int{}
	for _, c := range got {
		seen[c.ID]++
	}
	for _, id := range want {
		if seen[id] != 1 {
			t.Errorf("customer %s read %d times, want once", id, seen[id])
		}
	}
	if len(got) != len(want) {
		t.Errorf("read %d customers, want %d", len(got), len(want))
	}
}

func TestSimFullPullOnceThenIdleIsOneCall(t *testing.T) {
	t.Parallel()
	b := simSetup(t, sim.Options{Customers: 1000, Seed: 7}, nil)
	got, stored := run(t, b.client, "", nil)
	want := publicIDs(b.sim)
	checkOnce(t, got, want)
	byID := map[string]sim.Customer{}
	for _, c := range b.sim.Customers() {
		byID[c.ID] = c
	}
	for _, c := range got {
		w := byID[c.ID]
		if c.Email != w.EmailAddress || c.FirstName != w.GivenName || c.Phone != w.PhoneNumber || c.Version != w.Version ||
			c.ExternalRef != w.ReferenceID || c.Birthday != w.Birthday {
			t.Fatalf("customer %s mapped to %+v from %+v", c.ID, c, w)
		}
	}
	if calls, pages := b.client.Calls(), int64(len(want)+99)/100; calls != pages {
		t.Errorf("full pull took %d calls, want %d (pages of 100, no empty last page)", calls, pages)
	}

	b.clock.Add(time.Hour)
	before := b.client.Calls()
	idle, _ := run(t, b.client, stored, nil)
	if n := b.client.Calls() - before; n != 1 || len(idle) != 0 {
		t.Fatalf("idle run took %d calls and read %d customers, want exactly 1 call and none", n, len(idle))
	}
}

func TestSimCustomerUpdatedDuringPagingIsNotMissed(t *testing.T) {
	t.Parallel()
	b := simSetup(t, sim.Options{Customers: 350, Seed: 2}, nil)
	ids := publicIDs(b.sim)
	early, late := ids[10], ids[300] // on page 1 (read) and page 4 (not yet)
	var created string
	_, stored := run(t, b.client, "", func(page int) {
		if page != 1 {
			return
		}
		// While the pass pages: a customer already read changes, then ten
		// minutes later one still ahead changes and a new one is created.
		// The pass reads the latter two at their new updated_at, far past
		// the first change.
		mustUpdate(t, b.sim, early, "Early")
		b.clock.Add(10 * time.Minute)
		mustUpdate(t, b.sim, late, "Late")
		c, err := b.client.Create(t.Context(), engine.Customer{ID: "l1", FirstName: "New", ExternalRef: "l1"}, "k1")
		if err != nil {
			t.Fatal(err)
		}
		created = c.ID
	})
	b.clock.Add(time.Minute)
	got, _ := run(t, b.client, stored, nil)
	found := map[string]string{}
	for _, c := range got {
		found[c.ID] = c.FirstName
	}
	if found[early] != "Early" {
		t.Fatalf("the next run did not read the change made to %s during paging (read %d customers)", early, len(got))
	}
	if _, ok := found[created]; !ok {
		t.Errorf("the next run did not re-read the customer created during paging")
	}
}

func mustUpdate(t *testing.T, s *sim.Server, id, name string) {
	t.Helper()
	if _, err := s.Update(id, func(c *sim.Customer) { c.GivenName = name }); err != nil {
		t.Fatal(err)
	}
}

// TestSimOverlapCoversThePropagationDelay makes a change that Search shows
// only after a minute, with an updated_at before the watermark stored in
// between; the next run's rewound pull reads it. With a tiny overlap the
// same change is lost, which shows the test measures the overlap.
func TestSimOverlapCoversThePropagationDelay(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		overlap time.Duration
		found   bool
	}{{0, true}, {time.Millisecond, false}} {
		b := simSetup(t, sim.Options{Customers: 200, Seed: 5, PropagationDelay: time.Minute},
			func(o *square.Options) { o.Overlap = tc.overlap })
		_, stored := run(t, b.client, "", nil)
		id := publicIDs(b.sim)[42]
		changed, err := b.sim.Update(id, func(c *sim.Customer) { c.FamilyName = "Late" })
		if err != nil {
			t.Fatal(err)
		}
		b.clock.Add(30 * time.Second)
		got, stored2 := run(t, b.client, stored, nil) // Search does not show it yet
		for _, c := range got {
			if c.ID == id && c.LastName == "Late" {
				t.Fatal("the change was visible before the propagation delay; the test is not testing it")
			}
		}
		b.clock.Add(time.Minute)
		got, _ = run(t, b.client, stored2, nil)
		found := false
		for _, c := range got {
			found = found || (c.ID == id && c.LastName == "Late" && c.Version == changed.Version)
		}
		if found != tc.found {
			t.Errorf("overlap %v: late change read = %v, want %v", cmpDur(tc.overlap), found, tc.found)
		}
	}
}

func cmpDur(d time.Duration) time.Duration {
	if d == 0 {
		return square.DefaultOverlap
	}
	return d
}

func TestSimPullUnderFaultsReadsEverythingOnce(t *testing.T) {
	t.Parallel()
	b := simSetup(t, sim.Options{Customers: 2000, Seed: 6, TimeoutHang: time.Millisecond, RateLimit: 5,
		Faults: sim.Faults{RateLimit: 0.1, ServerError: 0.1, Timeout: 0.2, Truncate: 0.1}},
		func(o *square.Options) { o.MaxRetries = 30; o.Timeout = 5 * time.Second })
	got, _ := run(t, b.client, "", nil)
	checkOnce(t, got, publicIDs(b.sim))
	st := b.sim.Stats()
	if st.Faults.ServerError == 0 || st.Faults.Timeout == 0 || st.Faults.Truncate == 0 || st.RateLimited == 0 {
		t.Fatalf("stats %+v: not every fault was exercised", st)
	}
}

func TestSimExpiredCursorRestartsThePass(t *testing.T) {
	t.Parallel()
	b := simSetup(t, sim.Options{Customers: 500, Seed: 1, CursorTTL: time.Minute}, nil)
	want := publicIDs(b.sim)
	var got []engine.Customer
	page, err := b.client.Pull(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, page.Customers...)
	b.clock.Add(time.Hour) // the run stopped; the next one resumes an expired cursor
	rest, _ := run(t, b.client, page.Cursor, nil)
	got = append(got, rest...)
	seen := map[string]bool{}
	for _, c := range got {
		seen[c.ID] = true
	}
	for _, id := range want {
		if !seen[id] {
			t.Fatalf("customer %s never read after the restart", id)
		}
	}
	if b.sim.Stats().CursorErrors != 1 || !slices.Equal(ids(rest[:100]), ids(page.Customers)) {
		t.Fatalf("want one INVALID_CURSOR and the first page read again")
	}
}

func ids(cs []engine.Customer) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}
