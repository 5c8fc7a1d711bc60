package webhook_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	lssim "github.com/accordhq/accord/connectors/lightspeed/sim"
	sqsim "github.com/accordhq/accord/connectors/square/sim"
	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/webhook"
)

// TestSquareMergeAndDeleteFromTheSimulator: the simulator posts signed
// webhooks for a merge and a delete; the merge re-points the link to the
// new customer, audited, the delete puts its link in review, each accepted
// delivery schedules a run, a replay changes nothing, and a delivery
// signed with another key is refused.
func TestSquareMergeAndDeleteFromTheSimulator(t *testing.T) {
	t.Parallel()
	onBoth(t, func(t *testing.T, db *store.DB) {
		trig := newTriggers()
		rc := &webhook.Receiver{Endpoints: []webhook.Endpoint{squareEndpoint("main", sigKey)}, Store: db, Trigger: trig}
		srv, got := receiver(t, rc)
		poster := sqsim.NewWebhookPoster(sqsim.WebhookOptions{URL: srv.URL + "/webhooks/square",
			NotificationURL: hookURL, SignatureKey: sigKey})
		t.Cleanup(poster.Close)
		sim, err := sqsim.New(sqsim.Options{OnChange: poster.Post})
		if err != nil {
			t.Fatal(err)
		}
		err = sim.Load(strings.NewReader(`[{"id":"A","given_name":"Ann","email_address":"ann@example.com"},
			{"id":"B","given_name":"Ann","family_name":"Lee"},{"id":"X","given_name":"Xu"}]`))
		if err != nil {
			t.Fatal(err)
		}
		link(t, db, "L1", "A")
		link(t, db, "L2", "X")

		merged, err := sim.Merge([]string{"A", "B"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var first delivery
		for i := range 3 { // customer.created of the survivor, customer.deleted of A and B
			d := wait(t, got)
			if d.status != http.StatusOK {
				t.Fatalf("merge delivery %d answered %d: %v", i, d.status, d.err)
			}
			if i == 0 {
				first = d
			}
		}
		l1 := linkOf(t, db, "L1")
		if l1.UpstreamID != merged.ID || l1.State != engine.LinkActive {
			t.Fatalf("L1's link after the merge = %s (%s), want %s", l1.UpstreamID, l1.State, merged.ID)
		}
		es, _, err := db.FindAudit(context.Background(), store.AuditFilter{Subject: fmt.Sprintf("link:%d", l1.ID)})
		if err != nil || len(es) != 1 || es[0].Action != store.ActionRepointLink || es[0].Actor != "webhook:square" {
			t.Fatalf("audit of the re-pointing = %+v, %v", es, err)
		}

		if err := sim.Delete("X"); err != nil {
			t.Fatal(err)
		}
		if d := wait(t, got); d.status != http.StatusOK || d.res.Review != 1 {
			t.Fatalf("delete delivery: status %d, result %+v, %v", d.status, d.res, d.err)
		}
		if l2 := linkOf(t, db, "L2"); l2.State != engine.LinkUpstreamDeleted || l2.UpstreamID != "X" {
			t.Fatalf("L2's link after the delete = %+v, want upstream_deleted for review", l2)
		}
		if trig.count() != 4 {
			t.Fatalf("runs scheduled = %d, want one per accepted delivery (4)", trig.count())
		}

		// A replay of the first delivery is recognised by its event id.
		res, err := rc.Receive(context.Background(), "square", webhook.Request{Header: first.header, Body: first.body})
		if err != nil || res.Replayed != 1 || res.Repointed != 0 {
			t.Fatalf("replay = %+v, %v", res, err)
		}
		if l := linkOf(t, db, "L1"); l.UpstreamID != merged.ID {
			t.Fatalf("a replay moved the link to %s", l.UpstreamID)
		}

		// Forgeries: another key, a tampered body, another URL.
		forged := first.header.Clone()
		forged.Set("x-square-hmacsha256-signature", sqsim.Sign("wrong-key", hookURL, first.body))
		wrongURL := first.header.Clone()
		wrongURL.Set("x-square-hmacsha256-signature", sqsim.Sign(sigKey, "https://evil.example.com/", first.body))
		tampered := bytes.Replace(first.body, []byte(merged.ID), []byte("EVILCUSTOMER0000000000000X"), 1)
		before := trig.count()
		for name, req := range map[string]webhook.Request{
			"wrong key":     {Header: forged, Body: first.body},
			"wrong URL":     {Header: wrongURL, Body: first.body},
			"tampered body": {Header: first.header, Body: tampered},
		} {
			if _, err := rc.Receive(context.Background(), "square", req); !errors.Is(err, webhook.ErrUnauthenticated) {
				t.Errorf("%s: Receive = %v, want ErrUnauthenticated", name, err)
			}
		}
		if trig.count() != before {
			t.Fatal("a forged delivery scheduled a run")
		}
		if _, err := rc.Receive(context.Background(), "xero", webhook.Request{}); !errors.Is(err, webhook.ErrUnknownProvider) {
			t.Fatalf("unknown provider = %v", err)
		}
	})
}

// TestLightspeedUpdateSchedulesARun: every customer change in the X-Series
// simulator is posted, verified and turned into a scheduled run.
func TestLightspeedUpdateSchedulesARun(t *testing.T) {
	t.Parallel()
	onBoth(t, func(t *testing.T, db *store.DB) {
		trig := newTriggers()
		rc := &webhook.Receiver{Endpoints: []webhook.Endpoint{lightspeedEndpoint("main", "client-secret")},
			Store: db, Trigger: trig}
		srv, got := receiver(t, rc)
		poster := lssim.NewWebhookPoster(lssim.WebhookOptions{URL: srv.URL + "/webhooks/lightspeed", Secret: "client-secret"})
		t.Cleanup(poster.Close)
		sim, err := lssim.New(lssim.Options{OnChange: poster.Post})
		if err != nil {
			t.Fatal(err)
		}
		if err := sim.Load(strings.NewReader(`[{"id":"c-1","first_name":"Ann"}]`)); err != nil {
			t.Fatal(err)
		}
		if err := sim.Update("c-1", func(c *lssim.Customer) { v := "ann@example.com"; c.Email = &v }); err != nil {
			t.Fatal(err)
		}
		if d := wait(t, got); d.status != http.StatusOK || d.res.Events != 1 {
			t.Fatalf("delivery: status %d, %+v, %v", d.status, d.res, d.err)
		}
		if pair := <-trig.c; pair != "main" {
			t.Fatalf("scheduled %q", pair)
		}
		bad := lssim.NewWebhookPoster(lssim.WebhookOptions{URL: srv.URL + "/webhooks/lightspeed", Secret: "guess"})
		t.Cleanup(bad.Close)
		bad.Post(lssim.Change{Type: "customer.update", Customer: lssim.Customer{ID: "c-1"}})
		if d := wait(t, got); d.status != http.StatusUnauthorized {
			t.Fatalf("a delivery signed with another key answered %d", d.status)
		}
	})
}
