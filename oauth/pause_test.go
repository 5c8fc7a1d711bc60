package oauth_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/matchers"
)

// memLocal is a local side held in memory: the customers it is given, all
// in one page. onPull runs at each pull, after the upstream side was read.
type memLocal struct {
	mu     sync.Mutex
	cs     []engine.Customer
	onPull func()
}

func (m *memLocal) Pull(_ context.Context, cursor string) (engine.Page, error) {
	if m.onPull != nil {
		m.onPull()
	}
	if cursor != "" {
		return engine.Page{Cursor: cursor, Done: true}, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return engine.Page{Customers: append([]engine.Customer(nil), m.cs...), Cursor: "1", Done: true}, nil
}

func (m *memLocal) Get(_ context.Context, id string) (engine.Customer, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.cs {
		if c.ID == id {
			return c, nil
		}
	}
	return engine.Customer{}, engine.ErrNotFound
}

func (m *memLocal) Create(context.Context, engine.Customer, string) (engine.Customer, error) {
	return engine.Customer{}, engine.Terminal(engine.ErrInvalid) // the pair does not create locally
}

func (m *memLocal) Validate(engine.Customer) error { return nil }

// TestRefusedGrantPausesWritesAndLosesNothing: the grant is refused in the
// middle of a run, between the pulls and the creation of a customer
// upstream. The run stops cleanly with the reason, the creation waits in
// the outbox (not among the dead letters), later runs stop at once, and
// after connecting again the next run creates the customer once.
func TestRefusedGrantPausesWritesAndLosesNothing(t *testing.T) {
	t.Parallel()
	eachCase(t, func(t *testing.T, dialect, provider string) {
		b := setup(t, dialect, provider)
		ctx := context.Background()
		b.connect()
		revokeOnPull := false
		local := &memLocal{cs: []engine.Customer{{ID: "7", FirstName: "Ann", LastName: "Lee",
			Email: "ann@example.com", UpdatedAt: b.clock.Now(), Version: 1}}}
		local.onPull = func() {
			if revokeOnPull {
				revokeOnPull = false
				b.ctl.revoke()
				b.clock.Add(b.ctl.ttl)
			}
		}
		norm, err := matchers.NewNormalizer("NZ")
		if err != nil {
			t.Fatal(err)
		}
		rec := &engine.Reconciler{
			Pair: engine.Pair{Name: "main", CreateUpstream: true,
				Fields: []string{engine.FieldFirstName, engine.FieldLastName, engine.FieldEmail}},
			Local: local, Upstream: b.api, Store: b.db, Match: matchers.Deterministic, Normalizer: norm,
			Now: b.clock.Now, SettleDelay: time.Millisecond, Logger: b.log,
			Retry: engine.RetryPolicy{MaxAttempts: 2, Base: time.Millisecond, Max: time.Millisecond},
		}

		revokeOnPull = true
		run, err := rec.Run(ctx, engine.RunOptions{Trigger: "test"})
		if err != nil || run.Status != engine.RunStopped || !strings.Contains(run.Error, "re-authorisation") {
			t.Fatalf("run with a refused grant: status %s, error %q, %v; want stopped with the reason", run.Status,
				run.Error, err)
		}
		counts, err := b.db.WriteCounts(ctx, "main")
		if err != nil {
			t.Fatal(err)
		}
		if counts[engine.WritePending] != 1 || counts[engine.WriteDead] != 0 || counts[engine.WriteDone] != 0 {
			t.Fatalf("writes after the refusal = %v, want the creation pending, none dead (run error %q)\n%s", counts, run.Error, b.logs.String())
		}

		// While paused, runs stop before calling the provider.
		calls := b.ctl.calls()
		for range 2 {
			b.clock.Add(time.Hour)
			run, err = rec.Run(ctx, engine.RunOptions{Trigger: "schedule"})
			if err != nil || run.Status != engine.RunStopped || run.APICalls != 0 {
				t.Fatalf("run while paused: status %s, %d calls, %v", run.Status, run.APICalls, err)
			}
		}
		if b.ctl.calls() != calls {
			t.Fatal("a paused pair called the provider")
		}
		if counts, _ = b.db.WriteCounts(ctx, "main"); counts[engine.WriteDead] != 0 {
			t.Fatalf("writes while paused = %v: a pause must never dead-letter", counts)
		}

		// Reconnected, the next run applies the kept write, once.
		b.connect()
		b.clock.Add(time.Hour)
		run, err = rec.Run(ctx, engine.RunOptions{Trigger: "schedule"})
		if err != nil || run.Status != engine.RunSucceeded {
			t.Fatalf("run after reconnecting: status %s, error %q, %v", run.Status, run.Error, err)
		}
		if counts, _ = b.db.WriteCounts(ctx, "main"); counts[engine.WriteDone] != 1 || counts[engine.WritePending] != 0 {
			t.Fatalf("writes after reconnecting = %v, want the creation done", counts)
		}
		links, err := b.db.LinksFor(ctx, "main", engine.Local, []string{"7"})
		if err != nil || len(links) != 1 || links[0].State != engine.LinkActive || links[0].UpstreamID == "" {
			t.Fatalf("link of the created customer = %+v, %v", links, err)
		}
	})
}
