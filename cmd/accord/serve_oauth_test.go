package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/accordhq/accord/connectors/lightspeed/sim"
	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/oauth"
	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/store/storetest"
)

// TestServeConnectsWithOAuth drives `accord serve` as a merchant's browser
// and the X-Series simulator would: the command line's one-time link
// starts the flow, the simulator consents, the callback stores the grant
// sealed, and runs use it; tokens that expire are refreshed in the middle
// of runs and each rotated token is saved; a revoked grant stops the next
// run cleanly and marks the connection, and reconnecting from the
// dashboard resumes where it stopped, losing and duplicating nothing.
func TestServeConnectsWithOAuth(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			testServeConnectsWithOAuth(t, dialect)
		})
	}
}

func testServeConnectsWithOAuth(t *testing.T, dialect string) {
	// serve runs on the wall clock, so expiry is made by the simulator:
	// its access tokens live one minute, inside the five minutes before
	// expiry when accord refreshes, so every API call of a run finds the
	// token expiring and refreshes it first, rotating the refresh token
	// again and again within one run.
	s, err := sim.New(sim.Options{Token: "static-token-not-used", OAuth: sim.OAuthApp{AccessTTL: time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	f := newOAuthFixture(t, "http://"+publicHost, s)
	dsn := "sqlite:" + filepath.Join(f.dir, "accord.db")
	if dialect == "postgres" {
		dsn = usePostgres(t, f.cfg, f.dir)
	}
	ctx := context.Background()
	password, token := newAPIUser(t, f.env, f.cfg)
	code, out, errOut := runCLI(t, f.env, "connect", "main", "--config", f.cfg)
	link := strings.TrimSpace(out)
	if code != exitOK || !strings.HasPrefix(link, "http://"+publicHost+"/connect/lightspeed?") {
		t.Fatalf("connect: exit %d: %q %s", code, out, errOut)
	}
	pd := &publicDialer{}
	base := startServe(t, f.env, "--config", f.cfg)
	pd.set(base)
	api := apiClient{t: t, base: base, token: token}
	db := openTestStore(t, dsn)

	// The printed link, in a browser with no session: the simulator
	// consents at once and sends the browser back to the callback, which
	// stores the connection and goes on to the pair's Connections page
	// (and from there to sign in).
	var visited []string
	browser := pd.browser(&visited)
	res, err := browser.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, res)
	if len(visited) != 4 || !strings.Contains(visited[0], "/connect?") ||
		!strings.HasPrefix(visited[1], "http://"+publicHost+"/oauth/callback?") ||
		visited[2] != "http://"+publicHost+"/pairs/main/connections" || res.Request.URL.Path != "/login" {
		t.Fatalf("the browser went through %q, ending at %s %d", visited, res.Request.URL, res.StatusCode)
	}
	conn, err := db.FindConnection(ctx, "main")
	if err != nil || conn.State != engine.ConnectionActive || conn.ConnectedBy != "cli" || conn.Account != "simstore" {
		t.Fatalf("connection after the callback = %+v, %v", conn, err)
	}
	res, err = browser.PostForm("http://"+publicHost+"/login", url.Values{"email": {"ann@shop.nz"},
		"password": {password}, "next": {"/pairs/main/connections"}})
	if err != nil {
		t.Fatal(err)
	}
	doc := parsePage(t, res)
	if got := doc.Find(`[data-testid="flash"]`).Text(); !strings.Contains(got, "Connected Lightspeed (simstore)") {
		t.Errorf("flash on the Connections page = %q", got)
	}
	if got := doc.Find(`[data-testid="oauth-connection"]`).Text(); !strings.Contains(got, "by cli") {
		t.Errorf("connection shown as %q", got)
	}

	// A run with the stored grant, its tokens expiring all along.
	run := api.runPair("main")
	st := s.OAuthStats()
	if run.Status != string(engine.RunSucceeded) || run.Counts["created_upstream"]["pushed"] != 1 {
		t.Fatalf("first run: %+v", run)
	}
	if st.Refreshed < 2 || st.Refused != 0 {
		t.Fatalf("token endpoint after the first run: %+v; want a refresh before each of the run's calls and no "+
			"rotated-away token ever used", st)
	}
	cfg, err := loadConfig(f.cfg, func(k string) string { return f.env[k] })
	if err != nil {
		t.Fatal(err)
	}
	box, err := secretBox(cfg)
	if err != nil {
		t.Fatal(err)
	}
	stored := func() (engine.Connection, string) {
		t.Helper()
		c, err := db.FindConnection(ctx, "main")
		if err != nil {
			t.Fatal(err)
		}
		tok, err := oauth.OpenToken(box, "main", c.Sealed)
		if err != nil {
			t.Fatal(err)
		}
		return c, tok.RefreshToken
	}
	c, refresh := stored()
	if !s.RefreshTokenLive(refresh) || c.RefreshedAt.IsZero() || c.Generation != conn.Generation {
		t.Fatalf("stored after the run: generation %d (was %d), refreshed at %v, refresh token live %v; "+
			"want the last rotated token of the same grant", c.Generation, conn.Generation, c.RefreshedAt,
			s.RefreshTokenLive(refresh))
	}
	if dialect == "sqlite" {
		noTokenInClear(t, f.dir, s)
	}

	// The merchant removes the app; a customer waits to be pushed.
	addShopCustomer(t, filepath.Join(f.dir, "shop.db"), 2, "Bob", "Ray", "bob@mail.nz")
	s.RevokeOAuth()
	run = api.runPair("main")
	if run.Status != string(engine.RunStopped) || !strings.Contains(run.Error, "re-authorisation") {
		t.Fatalf("run after the revocation: %+v, want stopped with the reason", run)
	}
	if c, _ := db.FindConnection(ctx, "main"); c.State != engine.ConnectionNeedsReauth || c.Reason == "" {
		t.Fatalf("connection after the refusal = %+v, want needs_reauth with the reason", c)
	}
	checkNothingLost(t, db, s, 1)
	calls := s.Stats().Total
	if run = api.runPair("main"); run.Status != string(engine.RunStopped) || run.APICalls != 0 || s.Stats().Total != calls {
		t.Fatalf("run while paused: %+v, %d calls served; want stopped before any call", run, s.Stats().Total-calls)
	}
	_, v := api.do(http.MethodGet, "/api/v1/pairs/main/connection")
	if v["state"] != "needs_reauthorisation" || v["oauth"].(map[string]any)["state"] != "needs_reauth" {
		t.Fatalf("API connection state = %v", v)
	}

	// Reconnect with the dashboard's button, signed in this time.
	res, err = browser.Get("http://" + publicHost + "/pairs/main/connections")
	if err != nil {
		t.Fatal(err)
	}
	doc = parsePage(t, res)
	if got := strings.TrimSpace(doc.Find(".pagehead .badge").First().Text()); got != "Needs re-authorisation" {
		t.Errorf("Connections page state = %q", got)
	}
	btn := doc.Find(`[data-testid="connect"]`)
	href, _ := btn.Attr("href")
	if href != "/connect/lightspeed?pair=main" || strings.TrimSpace(btn.Text()) != "Reconnect Lightspeed" {
		t.Fatalf("connect button %q to %q", btn.Text(), href)
	}
	visited = nil
	res, err = browser.Get("http://" + publicHost + href)
	if err != nil {
		t.Fatal(err)
	}
	doc = parsePage(t, res)
	if res.Request.URL.Path != "/pairs/main/connections" || !strings.Contains(doc.Find(`[data-testid="flash"]`).Text(), "Connected") {
		t.Fatalf("reconnecting went through %q to %s", visited, res.Request.URL)
	}
	if got := strings.TrimSpace(doc.Find(".pagehead .badge").First().Text()); got != "Reconnected" {
		t.Errorf("Connections page state after reconnecting = %q", got)
	}
	if c, _ := db.FindConnection(ctx, "main"); c.State != engine.ConnectionActive || c.ConnectedBy != "ann@shop.nz" ||
		c.Generation != conn.Generation+1 {
		t.Fatalf("connection after reconnecting = %+v", c)
	}
	run = api.runPair("main")
	if run.Status != string(engine.RunSucceeded) || run.Counts["created_upstream"]["pushed"] != 1 {
		t.Fatalf("run after reconnecting: %+v, want Bob pushed", run)
	}
	checkNothingLost(t, db, s, 2)
	if st := s.OAuthStats(); st.Refused != 1 {
		t.Fatalf("token endpoint refusals = %d, want only the revoked grant's", st.Refused)
	}
	if dialect == "sqlite" {
		noTokenInClear(t, f.dir, s)
	}
}

// usePostgres points the configuration at a fresh Postgres schema (the
// test is skipped without one), with the key file in the test's directory,
// and returns the DSN.
func usePostgres(t *testing.T, cfg, dir string) string {
	t.Helper()
	dsn := storetest.PostgresDSN(t)
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	first, rest, _ := strings.Cut(string(b), "\n")
	if !strings.HasPrefix(first, "database: ") {
		t.Fatalf("configuration starts with %q", first)
	}
	body := fmt.Sprintf("database: '%s'\nsecret_key_file: %s\n%s", dsn, filepath.Join(dir, "accord.key"), rest)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return dsn
}

// checkNothingLost: every write marked done was made (the simulator holds
// exactly those customers, once each), and none was dead-lettered.
func checkNothingLost(t *testing.T, db *store.DB, s *sim.Server, done int) {
	t.Helper()
	counts, err := db.WriteCounts(context.Background(), "main")
	if err != nil {
		t.Fatal(err)
	}
	cs := s.Customers(true)
	seen := map[string]int{}
	for _, c := range cs {
		if c.Email != nil {
			seen[*c.Email]++
		}
	}
	if counts[engine.WriteDone] != done || counts[engine.WriteDead] != 0 || len(cs) != done {
		t.Fatalf("writes %v with %d customers upstream; want %d done, none dead, and as many customers", counts, len(cs), done)
	}
	for email, n := range seen {
		if n != 1 {
			t.Fatalf("%s is upstream %d times", email, n)
		}
	}
}

// noTokenInClear: no token the simulator issued is in the store's files.
func noTokenInClear(t *testing.T, dir string, s *sim.Server) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "accord.db*"))
	if len(files) == 0 {
		t.Fatal("no store files")
	}
	toks := s.IssuedTokens()
	if len(toks) == 0 {
		t.Fatal("the simulator issued no token")
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, tok := range toks {
			if bytes.Contains(b, []byte(tok)) {
				t.Fatalf("%s holds a token in clear", filepath.Base(name))
			}
		}
	}
}

func parsePage(t *testing.T, res *http.Response) *goquery.Document {
	t.Helper()
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d", res.Request.URL, res.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
