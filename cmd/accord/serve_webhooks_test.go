package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	lssim "github.com/accordhq/accord/connectors/lightspeed/sim"
	sqsim "github.com/accordhq/accord/connectors/square/sim"
	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

const squareSigKey = "sq-signature-key"

// serveFixture is a shop database, a simulator served on loopback and a
// configuration of one pair between them.
type serveFixture struct {
	dir, cfg, shop string
	env            map[string]string
}

// newServeFixture writes the shop (customers 1 Ann and 2 Xu) and a
// configuration whose pair's upstream block is upstream.
func newServeFixture(t *testing.T, upstream string) serveFixture {
	t.Helper()
	dir := t.TempDir()
	shop := filepath.Join(dir, "shop.db")
	if err := writeDemoShop(context.Background(), shop, []demoLocal{
		{ID: 1, FirstName: "Ann", LastName: "Lee", Email: "ann@mail.nz"},
		{ID: 2, FirstName: "Xu", LastName: "Wen", Email: "xu@mail.nz"}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "accord.yaml")
	body := fmt.Sprintf(`database: sqlite:%s
public_url: http://%s
pairs:
  - name: main
    create_upstream: false
    create_local: false
    local:
      dsn: sqlite:%s
      table: customers
      upstream_id: lightspeed_id
      fields: {email: email, first_name: first_name, last_name: last_name}
    upstream:
%s`, filepath.Join(dir, "accord.db"), publicHost, shop, upstream)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return serveFixture{dir: dir, cfg: cfg, shop: shop, env: map[string]string{"TOKEN": "sim-token"}}
}

func (f serveFixture) db(t *testing.T) *store.DB {
	return openTestStore(t, "sqlite:"+filepath.Join(f.dir, "accord.db"))
}

func linkOfLocal(t *testing.T, db *store.DB, localID string) engine.Link {
	t.Helper()
	links, err := db.LinksFor(context.Background(), "main", engine.Local, []string{localID})
	if err != nil || len(links) != 1 {
		t.Fatalf("links of local %s = %+v, %v", localID, links, err)
	}
	return links[0]
}

// TestServeSquareWebhooks: the Square simulator posts signed webhooks to
// serve. A merge re-points the link to the new customer id, audited; a
// delete puts the link in review and deletes nothing locally; forged and
// unsigned deliveries are refused and change nothing.
func TestServeSquareWebhooks(t *testing.T) {
	t.Parallel()
	var poster atomic.Pointer[sqsim.WebhookPoster]
	s, err := sqsim.New(sqsim.Options{OnChange: func(c sqsim.Change) {
		if p := poster.Load(); p != nil {
			p.Post(c)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Load(strings.NewReader(`[{"id":"A","given_name":"Ann","family_name":"Lee","email_address":"ann@mail.nz"},
		{"id":"B","given_name":"Ann","family_name":"Lee","phone_number":"+64215550101"},
		{"id":"X","given_name":"Xu","family_name":"Wen","email_address":"xu@mail.nz"}]`))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	f := newServeFixture(t, fmt.Sprintf(`      type: square
      base_url: %s
      token: ${TOKEN}
      webhook: {signature_key: %s}
`, srv.URL, squareSigKey))
	_, token := newAPIUser(t, f.env, f.cfg)
	pd := &publicDialer{}
	base := startServe(t, f.env, "--config", f.cfg)
	pd.set(base)
	api := apiClient{t: t, base: base, token: token}
	db := f.db(t)
	ctx := context.Background()

	if run := api.runPair("main"); run.Status != string(engine.RunSucceeded) {
		t.Fatalf("first run: %+v", run)
	}
	if l := linkOfLocal(t, db, "1"); l.UpstreamID != "A" {
		t.Fatalf("Ann is linked to %s, want A", l.UpstreamID)
	}
	if l := linkOfLocal(t, db, "2"); l.UpstreamID != "X" {
		t.Fatalf("Xu is linked to %s, want X", l.UpstreamID)
	}
	// The subscription's notification URL is public_url/webhooks/square,
	// which the signature covers; serve is reached there.
	p := sqsim.NewWebhookPoster(sqsim.WebhookOptions{URL: "http://" + publicHost + "/webhooks/square",
		SignatureKey: squareSigKey, Client: &http.Client{Transport: pd.transport(), Timeout: 10 * time.Second}})
	t.Cleanup(p.Close)
	poster.Store(p)

	merged, err := s.Merge([]string{"A", "B"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// customer.created of the new profile, customer.deleted of A and B.
	eventually(t, "the merge's three deliveries are accepted", func() bool { return p.Delivered()+p.Failed() >= 3 })
	if p.Failed() != 0 {
		t.Fatalf("%d merge deliveries refused", p.Failed())
	}
	if l := linkOfLocal(t, db, "1"); l.UpstreamID != merged.ID || l.State != engine.LinkActive {
		t.Fatalf("Ann's link after the merge: %s (%s), want %s active", l.UpstreamID, l.State, merged.ID)
	}
	es, _, err := db.FindAudit(ctx, store.AuditFilter{Action: store.ActionRepointLink})
	if err != nil || len(es) != 1 || es[0].Actor != "webhook:square" {
		t.Fatalf("audit of the re-pointing = %+v, %v", es, err)
	}

	if err := s.Delete("X"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the delete's delivery is accepted", func() bool { return p.Delivered()+p.Failed() >= 4 })
	if p.Failed() != 0 {
		t.Fatal("the delete delivery was refused")
	}
	if l := linkOfLocal(t, db, "2"); l.State != engine.LinkUpstreamDeleted || l.UpstreamID != "X" {
		t.Fatalf("Xu's link after the delete = %+v, want upstream_deleted for review", l)
	}
	_, v := api.do(http.MethodGet, "/api/v1/pairs/main")
	if n := v["open_work"].(map[string]any)["upstream_deletes"]; n != float64(1) {
		t.Fatalf("upstream deletes to review = %v, want 1", n)
	}
	if n := shopRows(t, f.shop, 2); n != 1 {
		t.Fatal("the local customer was deleted")
	}
	// Each accepted delivery scheduled a run; wait until they are done so
	// that nothing else changes while the forgeries are checked.
	eventually(t, "a run triggered by the webhooks has finished", func() bool {
		runs := api.runs("main")
		return len(runs) > 1 && runs[0].Trigger == "webhook" && runs[0].Status != "running"
	})

	_, before, err := db.FindAudit(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	body := sqsim.EventBody(sqsim.Change{Type: "customer.deleted", Customer: sqsim.Customer{ID: merged.ID},
		At: time.Now()}, "MLSIMULATOR01")
	for name, sig := range map[string]string{
		"unsigned":    "",
		"another key": sqsim.Sign("guessed-key", "http://"+publicHost+"/webhooks/square", body),
		"another URL": sqsim.Sign(squareSigKey, "https://evil.example/webhooks/square", body),
	} {
		req, _ := http.NewRequest(http.MethodPost, base+"/webhooks/square", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if sig != "" {
			req.Header.Set("x-square-hmacsha256-signature", sig)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s delivery answered %d, want 401", name, res.StatusCode)
		}
	}
	if l := linkOfLocal(t, db, "1"); l.UpstreamID != merged.ID || l.State != engine.LinkActive {
		t.Fatalf("a forged delete changed Ann's link: %+v", l)
	}
	if _, after, _ := db.FindAudit(ctx, store.AuditFilter{}); after != before {
		t.Fatalf("forged deliveries were audited: %d entries, were %d", after, before)
	}
}

// shopRows counts the shop's customers with id.
func shopRows(t *testing.T, path string, id int) int {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM customers WHERE id = ?`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestServeRunsOnXSeriesWebhook: an X-Series customer.update delivery to
// serve starts an incremental run of the pair within seconds.
func TestServeRunsOnXSeriesWebhook(t *testing.T) {
	t.Parallel()
	var poster atomic.Pointer[lssim.WebhookPoster]
	s, err := lssim.New(lssim.Options{Token: "sim-token", OnChange: func(c lssim.Change) {
		if p := poster.Load(); p != nil {
			p.Post(c)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Load(strings.NewReader(`[{"id":"c-1","first_name":"Ann","last_name":"Lee","email":"ann@mail.nz"},
		{"id":"c-2","first_name":"Xu","last_name":"Wen","email":"xu@mail.nz"}]`)); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	f := newServeFixture(t, fmt.Sprintf(`      type: lightspeed
      base_url: %s
      token: ${TOKEN}
      webhook: {signature_key: ls-signing-key}
`, srv.URL))
	_, token := newAPIUser(t, f.env, f.cfg)
	base := startServe(t, f.env, "--config", f.cfg)
	api := apiClient{t: t, base: base, token: token}
	if run := api.runPair("main"); run.Status != string(engine.RunSucceeded) {
		t.Fatalf("first run: %+v", run)
	}
	p := lssim.NewWebhookPoster(lssim.WebhookOptions{URL: base + "/webhooks/lightspeed", Secret: "ls-signing-key"})
	t.Cleanup(p.Close)
	poster.Store(p)

	if err := s.Update("c-1", func(c *lssim.Customer) { v := "021 555 0101"; c.Phone = &v }); err != nil {
		t.Fatal(err)
	}
	var got apiRunView
	eventually(t, "a run triggered by the webhook has finished", func() bool {
		runs := api.runs("main")
		if len(runs) < 2 || runs[0].Trigger != "webhook" || runs[0].Status == "running" {
			return false
		}
		got = runs[0]
		return true
	})
	if p.Delivered() != 1 || got.Status != string(engine.RunSucceeded) {
		t.Fatalf("delivered %d, webhook run %+v", p.Delivered(), got)
	}
	_, v := api.do(http.MethodGet, fmt.Sprintf("/api/v1/runs/%d", got.ID))
	if up := v["run"].(map[string]any)["pulled"].(map[string]any)["upstream"]; up != float64(1) {
		t.Fatalf("the webhook's run pulled %v upstream records, want only the changed one", up)
	}
}
