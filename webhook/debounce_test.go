package webhook_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	lssim "github.com/accordhq/accord/connectors/lightspeed/sim"
	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/webhook"
)

// runs is a fake runner: it records starts, and answers ErrLocked while
// busy is set, as a runner does when a run of the pair is going.
type runs struct {
	mu      sync.Mutex
	started []string
	busy    int
	c       chan string
}

func (r *runs) run(_ context.Context, pair, trigger string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.busy > 0 {
		r.busy--
		return fmt.Errorf("pair %s: %w", pair, engine.ErrLocked)
	}
	r.started = append(r.started, pair+":"+trigger)
	r.c <- pair
	return nil
}

func (r *runs) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.started)
}

func TestDebouncerMakesOneRunOfABurst(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &runs{c: make(chan string, 10)}
	d := webhook.NewDebouncer(ctx, r.run, 50*time.Millisecond, time.Second, nil)
	for range 20 {
		d.Trigger("main", "webhook")
	}
	d.Trigger("other", "webhook")
	seen := map[string]bool{}
	for range 2 {
		select {
		case p := <-r.c:
			seen[p] = true
		case <-time.After(5 * time.Second):
			t.Fatal("no run started")
		}
	}
	time.Sleep(200 * time.Millisecond)
	if r.count() != 2 || !seen["main"] || !seen["other"] {
		t.Fatalf("runs = %v, want one per pair", r.started)
	}
}

func TestDebouncerRetriesWhileARunIsGoing(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &runs{c: make(chan string, 10), busy: 2}
	d := webhook.NewDebouncer(ctx, r.run, 20*time.Millisecond, time.Second, nil)
	d.Trigger("main", "webhook")
	select {
	case <-r.c:
	case <-time.After(5 * time.Second):
		t.Fatal("the change was dropped because a run was going")
	}
	if r.busy != 0 || r.count() != 1 {
		t.Fatalf("busy %d, runs %v", r.busy, r.started)
	}
}

func TestDebouncerStopsWithItsContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	r := &runs{c: make(chan string, 10)}
	d := webhook.NewDebouncer(ctx, r.run, 20*time.Millisecond, time.Second, nil)
	d.Trigger("main", "webhook")
	cancel()
	d.Trigger("main", "webhook")
	time.Sleep(100 * time.Millisecond)
	if r.count() != 0 {
		t.Fatalf("runs after shutdown = %v", r.started)
	}
}

// TestSimulatorChangeLeadsToARun: a change in the X-Series simulator is
// posted as a webhook, verified, and a run of the pair starts within
// seconds.
func TestSimulatorChangeLeadsToARun(t *testing.T) {
	t.Parallel()
	onBoth(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		r := &runs{c: make(chan string, 10)}
		d := webhook.NewDebouncer(ctx, r.run, 100*time.Millisecond, time.Second, nil)
		rc := &webhook.Receiver{Endpoints: []webhook.Endpoint{lightspeedEndpoint("main", "s3cret")}, Store: db, Trigger: d}
		srv, _ := receiver(t, rc)
		poster := lssim.NewWebhookPoster(lssim.WebhookOptions{URL: srv.URL + "/webhooks/lightspeed", Secret: "s3cret"})
		t.Cleanup(poster.Close)
		sim, err := lssim.New(lssim.Options{OnChange: poster.Post, Customers: 3})
		if err != nil {
			t.Fatal(err)
		}
		id := sim.Customers(false)[0].ID
		start := time.Now()
		for range 5 { // a burst of edits
			if err := sim.Update(id, func(c *lssim.Customer) { v := "x"; c.Note = &v }); err != nil {
				t.Fatal(err)
			}
		}
		select {
		case <-r.c:
		case <-time.After(10 * time.Second):
			t.Fatal("no run started after the simulator's webhooks")
		}
		t.Logf("run started %v after the change", time.Since(start).Round(time.Millisecond))
		time.Sleep(300 * time.Millisecond)
		if r.count() != 1 {
			t.Fatalf("runs = %v, want one for the burst", r.started)
		}
	})
}
