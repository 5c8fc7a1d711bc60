package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord/connectors/lightspeed/sim"
	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

// oauthFixture is a shop database and an X-Series simulator, and a
// configuration whose pair connects to it with OAuth.
type oauthFixture struct {
	dir, cfg, public string
	sim              *sim.Server
	env              map[string]string
}

// newOAuthFixture serves s (a new simulator when nil) and writes the
// configuration, with public as accord's public URL.
func newOAuthFixture(t *testing.T, public string, s *sim.Server) oauthFixture {
	t.Helper()
	dir := t.TempDir()
	shop := filepath.Join(dir, "shop.db")
	if err := writeDemoShop(context.Background(), shop, []demoLocal{{ID: 1, FirstName: "Ann", LastName: "Lee",
		Email: "ann@mail.nz"}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if s == nil {
		var err error
		if s, err = sim.New(sim.Options{Token: "static-token-not-used"}); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	cfg := filepath.Join(dir, "accord.yaml")
	body := fmt.Sprintf(`database: sqlite:%s
public_url: %s
pairs:
  - name: main
    local:
      dsn: sqlite:%s
      table: customers
      upstream_id: lightspeed_id
      fields: {email: email, first_name: first_name, last_name: last_name}
    upstream:
      type: lightspeed
      base_url: %s
      auth: oauth
      client_id: sim-client
      client_secret: ${CLIENT_SECRET}
      auth_url: %s/connect
      token_url: %s/api/1.0/token
`, filepath.Join(dir, "accord.db"), public, shop, srv.URL, srv.URL, srv.URL)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return oauthFixture{dir: dir, cfg: cfg, public: public, sim: s, env: map[string]string{"CLIENT_SECRET": "sim-secret"}}
}

func TestConfigAuth(t *testing.T) {
	t.Parallel()
	base := "database: sqlite:a.db\npairs:\n  - name: main\n    local: {dsn: 'sqlite:s.db', table: c, fields: {email: e}}\n" +
		"    upstream:\n      type: %s\n      base_url: %s\n%s"
	for _, tc := range []struct{ name, typ, url, upstream, want string }{
		{"token missing", "lightspeed", "https://shop.retail.lightspeed.app", "", "upstream.token: required"},
		{"oauth without app", "square", "https://connect.squareup.com", "      auth: oauth\n", "upstream.client_id: required"},
		{"oauth and a token", "square", "https://connect.squareup.com",
			"      auth: oauth\n      client_id: a\n      client_secret: b\n      token: t\n", "upstream.token: must be empty"},
		{"oauth on a host without a store", "lightspeed", "https://example.com",
			"      auth: oauth\n      client_id: a\n      client_secret: b\n", "upstream.base_url: must be https://<domain_prefix>"},
		{"unknown auth", "square", "https://connect.squareup.com", "      auth: magic\n", "upstream.auth"},
		{"unsigned square", "square", "https://connect.squareup.com",
			"      token: t\n      webhook: {allow_unsigned: true}\n", "webhook.allow_unsigned"},
	} {
		_, err := parseConfig([]byte(fmt.Sprintf(base, tc.typ, tc.url, tc.upstream)), "accord.yaml", func(string) string { return "" })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	cfg, err := parseConfig([]byte(fmt.Sprintf(base, "lightspeed", "https://shop.retail.lightspeed.app",
		"      auth: oauth\n      client_id: a\n      client_secret: b\n")), "accord.yaml", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.redirectURL(); got != "http://127.0.0.1:8080/oauth/callback" {
		t.Fatalf("redirect URL = %q", got)
	}
	if got := domainPrefixOf(cfg.Pairs[0].Upstream.BaseURL); got != "shop" {
		t.Fatalf("domain prefix = %q", got)
	}
	if got := cfg.keyPath(); got != "accord.key" && got != filepath.Join(".", "accord.key") {
		t.Fatalf("key path = %q", got)
	}
}

// TestOAuthPairRunsOnceConnected: an OAuth pair that was never connected
// stops cleanly and says how to connect; accord connect prints a one-time
// link; once connected, runs use the stored (encrypted) token.
func TestOAuthPairRunsOnceConnected(t *testing.T) {
	t.Parallel()
	f := newOAuthFixture(t, "https://accord.example.com", nil)
	code, out, errOut := runCLI(t, f.env, "run", "--config", f.cfg, "--json")
	var s runSummary
	if code != exitOK || json.Unmarshal([]byte(out), &s) != nil {
		t.Fatalf("run before connecting: exit %d: %s %s", code, out, errOut)
	}
	if s.Status != engine.RunStopped || !strings.Contains(s.Error, "accord connect main") || s.APICalls != 0 {
		t.Fatalf("run before connecting: %+v", s)
	}

	code, out, errOut = runCLI(t, f.env, "connect", "main", "--config", f.cfg)
	link, err := url.Parse(strings.TrimSpace(out))
	if code != exitOK || err != nil || link.Path != "/connect/lightspeed" || link.Query().Get("ticket") == "" ||
		!strings.HasPrefix(link.String(), "https://accord.example.com/") || !strings.Contains(errOut, "/oauth/callback") {
		t.Fatalf("connect: exit %d: %q %s", code, out, errOut)
	}
	if fi, err := os.Stat(filepath.Join(f.dir, "accord.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file next to the store: %v, %v", fi, err)
	}

	// Finish the flow as the browser and the callback would.
	cfg, err := loadConfig(f.cfg, func(k string) string { return f.env[k] })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := openStore(ctx, cfg.Database, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	flow, err := newFlow(cfg, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := flow.UseTicket(ctx, "main", link.Query().Get("ticket")); err != nil {
		t.Fatal(err)
	}
	authURL, state, err := flow.Start(ctx, "main", "cli")
	if err != nil {
		t.Fatal(err)
	}
	nc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := nc.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	back, err := url.Parse(res.Header.Get("Location"))
	if err != nil || back.Path != "/oauth/callback" {
		t.Fatalf("the simulator sent the browser to %q", res.Header.Get("Location"))
	}
	if _, err := flow.Finish(ctx, back.Query(), state); err != nil {
		t.Fatal(err)
	}

	code, out, errOut = runCLI(t, f.env, "run", "--config", f.cfg, "--json")
	if code != exitOK || json.Unmarshal([]byte(out), &s) != nil || s.Status != engine.RunSucceeded || s.Links["pushed"] != 1 {
		t.Fatalf("run once connected: exit %d: %s %s", code, out, errOut)
	}
	conns, err := db.FindConnections(ctx)
	if err != nil || len(conns) != 1 || conns[0].State != engine.ConnectionActive || conns[0].ConnectedBy != "cli" {
		t.Fatalf("connections = %+v, %v", conns, err)
	}
	if strings.Contains(errOut, "lsat-") || strings.Contains(errOut, "lsrt-") {
		t.Fatalf("a token reached the output: %s", errOut)
	}
	es, _, _ := db.FindAudit(ctx, store.AuditFilter{Action: store.ActionConnect})
	if len(es) != 1 {
		t.Fatalf("connect audited %d times", len(es))
	}
}
