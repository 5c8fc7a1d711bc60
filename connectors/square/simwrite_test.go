package square_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/accordhq/accord/connectors/square"
	"github.com/accordhq/accord/connectors/square/sim"
	"github.com/accordhq/accord/engine"
)

func TestSimReplayedKeysCreateOneCustomer(t *testing.T) {
	t.Parallel()
	b := simSetup(t, sim.Options{Seed: 3}, nil)
	in := engine.Customer{ID: "l1", FirstName: "Ada", Email: "ada@example.com", ExternalRef: "l1"}
	a, err1 := b.client.Create(t.Context(), in, "accord-main-link-1")
	c, err2 := b.client.Create(t.Context(), in, "accord-main-link-1")
	if err := errors.Join(err1, err2); err != nil || a.ID != c.ID || len(b.sim.Customers()) != 1 {
		t.Fatalf("two creates with one key: %s, %s, %v; %d customers", a.ID, c.ID, err, len(b.sim.Customers()))
	}
	in.FirstName = "Augusta"
	if _, err := b.client.Create(t.Context(), in, "accord-main-link-1"); !engine.IsTerminal(err) {
		t.Fatalf("same key, other customer: %v, want terminal IDEMPOTENCY_KEY_REUSED", err)
	}

	// Under faults, with no retries inside Create, the engine's way: call
	// again with the same key whatever the error, until it succeeds.
	nr := simSetup(t, sim.Options{Seed: 8, TimeoutHang: time.Millisecond,
		Faults: sim.Faults{ServerError: 0.3, Truncate: 0.2, Timeout: 0.1}},
		func(o *square.Options) { o.MaxRetries = -1; o.Timeout = 5 * time.Second })
	unknown := 0
	for i := range 60 {
		cu := engine.Customer{ID: fmt.Sprint("l", i), Company: "C", ExternalRef: fmt.Sprint("l", i)}
		for attempt := 0; ; attempt++ {
			if attempt == 100 {
				t.Fatalf("create %d never succeeded", i)
			}
			_, err := nr.client.Create(t.Context(), cu, fmt.Sprint("key-", i))
			if err == nil {
				break
			}
			if errors.Is(err, engine.ErrUnknownOutcome) {
				unknown++
			}
		}
	}
	st := nr.sim.Stats()
	if n := len(nr.sim.Customers()); n != 60 || st.Faults.AppliedWrites == 0 || st.Replays == 0 || unknown == 0 {
		t.Fatalf("%d customers for 60 keys (applied under faults %d, replays %d, unknown outcomes %d); want 60 and all of those exercised",
			n, st.Faults.AppliedWrites, st.Replays, unknown)
	}
}

func TestSimCreateManyAndUpdateVersion(t *testing.T) {
	t.Parallel()
	b := simSetup(t, sim.Options{Seed: 4, Faults: sim.Faults{ServerError: 0.2, Truncate: 0.1}}, nil)
	var cs []engine.Creation
	for i := range 250 {
		cs = append(cs, engine.Creation{Key: fmt.Sprint("k", i),
			Customer: engine.Customer{ID: fmt.Sprint("l", i), LastName: "L", ExternalRef: fmt.Sprint("l", i)}})
	}
	for round := range 2 { // the second round replays every key
		res := b.client.CreateMany(t.Context(), cs)
		for i, r := range res {
			if r.Err != nil || r.Customer.ExternalRef != cs[i].Customer.ExternalRef {
				t.Fatalf("round %d entry %d: %+v, %v", round, i, r.Customer, r.Err)
			}
		}
	}
	if n := len(b.sim.Customers()); n != 250 {
		t.Fatalf("%d customers after two bulk rounds with the same keys, want 250", n)
	}
	b.sim.SetFaults(sim.Faults{})
	id := b.sim.Customers()[0].ID
	up, err := b.client.UpdateVersion(t.Context(), id, map[string]string{engine.FieldEmail: "x@example.com"}, 0)
	if err != nil || up.Version != 1 || up.Email != "x@example.com" {
		t.Fatalf("UpdateVersion at 0 = %+v, %v", up, err)
	}
	if _, err := b.client.UpdateVersion(t.Context(), id, map[string]string{engine.FieldEmail: "y@example.com"}, 0); !errors.Is(err, engine.ErrConflict) {
		t.Fatalf("stale version: %v, want ErrConflict", err)
	}
	if up, err := b.client.Update(t.Context(), id, map[string]string{engine.FieldPhone: "+64 21 555 0101"}); err != nil || up.Version != 2 {
		t.Fatalf("Update = %+v, %v", up, err)
	}
	if _, err := b.client.Get(t.Context(), "NOPE"); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("Get of a missing id: %v, want ErrNotFound", err)
	}
}

func TestSimGetManyReadsByHundredsAndReportsDeletes(t *testing.T) {
	t.Parallel()
	b := simSetup(t, sim.Options{Customers: 150, Seed: 12}, nil)
	all := b.sim.Customers()
	var ids []string
	for _, c := range all {
		ids = append(ids, c.ID)
	}
	if err := b.sim.Delete(ids[120]); err != nil {
		t.Fatal(err)
	}
	res, err := b.client.GetMany(t.Context(), ids)
	if err != nil || len(res) != 150 {
		t.Fatalf("GetMany = %d results, %v", len(res), err)
	}
	for i, r := range res {
		switch {
		case i == 120:
			if !errors.Is(r.Err, engine.ErrNotFound) {
				t.Errorf("deleted customer: %v, want ErrNotFound", r.Err)
			}
		case r.Err != nil || r.Customer.ID != ids[i] || r.Customer.Version != all[i].Version:
			t.Fatalf("result %d = %+v, %v", i, r.Customer, r.Err)
		}
	}
	if n := b.sim.Stats().BulkRetrieve; n != 2 || b.client.Calls() != 2 {
		t.Fatalf("%d bulk retrieves (%d calls), want 2", n, b.client.Calls())
	}
}
