package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
)

// fakeFlow is the OAuth flow of pair "main": ticket "good-ticket" works
// once, Start hands out state "state-<n>", Finish accepts the callback
// whose state equals the cookie's and fails with errFinish when set.
type fakeFlow struct {
	mu        sync.Mutex
	tickets   map[string]bool
	started   []string // actors
	finished  int
	errFinish error
}

func (f *fakeFlow) Handles(pair string) bool { return pair == "main" }

func (f *fakeFlow) UseTicket(_ context.Context, pair, ticket string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if pair != "main" || !f.tickets[ticket] {
		return "", fmt.Errorf("%w: this connect link is unknown, used or expired", engine.ErrInvalid)
	}
	delete(f.tickets, ticket)
	return "cli", nil
}

func (f *fakeFlow) Start(_ context.Context, pair, actor string) (string, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.started = append(f.started, actor)
	state := fmt.Sprintf("state-%d", len(f.started))
	return "https://secure.example.com/connect?state=" + state, state, nil
}

func (f *fakeFlow) Finish(_ context.Context, q url.Values, cookie string) (engine.Connection, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.errFinish != nil {
		return engine.Connection{}, f.errFinish
	}
	if q.Get("state") == "" || q.Get("state") != cookie {
		return engine.Connection{}, fmt.Errorf("%w: the authorization state does not match; start connecting again", engine.ErrInvalid)
	}
	f.finished++
	return engine.Connection{Name: "main", Provider: "lightspeed", Account: "shopnz", State: engine.ConnectionActive}, nil
}

type fakeConnections struct{ conn *engine.Connection }

func (f fakeConnections) FindConnection(context.Context, string) (engine.Connection, error) {
	if f.conn == nil {
		return engine.Connection{}, notFound("connection")
	}
	return *f.conn, nil
}

func withOAuth(t *testing.T) (*testBundle, *fakeFlow, *fakeReceiver) {
	t.Helper()
	b := setup(t)
	f := &fakeFlow{tickets: map[string]bool{"good-ticket": true}}
	r := &fakeReceiver{}
	b.h.OAuth, b.h.Webhooks = f, r
	return b, f, r
}

func cookieNamed(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// A signed-in person starts connecting: the browser goes to the provider
// with a state also set in a cookie only the callback gets.
func TestConnectWithSession(t *testing.T) {
	t.Parallel()
	b, f, _ := withOAuth(t)
	c := b.login()
	res := b.get(c, "/connect/lightspeed?pair=main")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "https://secure.example.com/connect?state=state-1" {
		t.Fatalf("connect: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	ck := cookieNamed(res, stateCookie)
	if ck == nil || ck.Value != "state-1" || ck.Path != "/oauth/callback" || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
		t.Fatalf("state cookie = %+v", ck)
	}
	if len(f.started) != 1 || f.started[0] != testEmail {
		t.Fatalf("started by %v, want the signed-in person", f.started)
	}
	// Back from the provider: the cookie goes with the callback only.
	res = b.get(c, "/oauth/callback?code=abc&state=state-1")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/pairs/main/connections" {
		t.Fatalf("callback: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if f.finished != 1 {
		t.Fatal("the flow was not finished")
	}
	doc := b.page(c, "/pairs/main/connections", http.StatusOK)
	if got := text(doc, testid("flash")); !strings.Contains(got, "Connected Lightspeed (shopnz)") {
		t.Errorf("flash after connecting = %q", got)
	}
	// The state cookie was cleared: replaying the callback fails cleanly.
	res = b.get(c, "/oauth/callback?code=abc&state=state-1")
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("replayed callback: %d, want 400", res.StatusCode)
	}
}

// The command line's link works without a session, once; without the
// ticket (or with a wrong one) nothing starts.
func TestConnectWithTicket(t *testing.T) {
	t.Parallel()
	b, f, _ := withOAuth(t)
	anon := b.client()
	if res := b.get(anon, "/connect/lightspeed?pair=main"); res.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(res.Header.Get("Location"), "/login?next=") {
		t.Fatalf("anonymous without a ticket: %d to %q, want sign-in", res.StatusCode, res.Header.Get("Location"))
	}
	res := b.get(anon, "/connect/lightspeed?pair=main&ticket=good-ticket")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "https://secure.example.com/") {
		t.Fatalf("with a ticket: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if len(f.started) != 1 || f.started[0] != "cli" {
		t.Fatalf("started by %v, want the ticket's actor", f.started)
	}
	for _, path := range []string{
		"/connect/lightspeed?pair=main&ticket=good-ticket", // used
		"/connect/lightspeed?pair=main&ticket=guess",
	} {
		res := b.get(b.client(), path)
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "unknown, used or expired") {
			t.Errorf("%s: %d %s", path, res.StatusCode, body)
		}
	}
	for _, path := range []string{
		"/connect/square?pair=main&ticket=good-ticket", // not this pair's provider
		"/connect/lightspeed?pair=nope&ticket=x",       // no such pair
		"/connect/lightspeed?pair=&ticket=good-ticket", // no pair
	} {
		if res := b.get(b.client(), path); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, res.StatusCode)
		}
	}
	if len(f.started) != 1 {
		t.Fatalf("refused links started %d flows", len(f.started)-1)
	}
}

// A failed callback says what happened, never the internals, and never
// answers 500.
func TestCallbackErrorsAreExplained(t *testing.T) {
	t.Parallel()
	b, f, _ := withOAuth(t)
	c := b.client()
	c.Jar.SetCookies(mustURL(b.srv.URL+"/oauth/callback"), []*http.Cookie{{Name: stateCookie, Value: "state-9", Path: "/oauth/callback"}})
	for _, tc := range []struct {
		name, query string
		err         error
		status      int
		want        string
	}{
		{"another browser's state", "code=x&state=state-8", nil, http.StatusBadRequest, "does not match"},
		{"denied", "error=access_denied&state=state-9",
			fmt.Errorf("%w: the authorization was not granted: access_denied user_denied", engine.ErrInvalid),
			http.StatusBadRequest, "not granted"},
		{"token endpoint down", "code=x&state=state-9",
			errors.New("oauth: connect main: exchange the code: dial tcp 10.0.0.7:443: secret-internal-detail"),
			http.StatusBadGateway, "did not complete the connection"},
	} {
		f.mu.Lock()
		f.errFinish = tc.err
		f.mu.Unlock()
		res := b.get(c, "/oauth/callback?"+tc.query)
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != tc.status || !strings.Contains(string(body), tc.want) {
			t.Errorf("%s: %d, want %d with %q\n%s", tc.name, res.StatusCode, tc.status, tc.want, body)
		}
		if strings.Contains(string(body), "secret-internal-detail") || strings.Contains(string(body), "10.0.0.7") {
			t.Errorf("%s: the page shows internals", tc.name)
		}
	}
}

// The Connections page says whether the pair is connected, and a refused
// grant shows as needing re-authorisation whatever the last run did.
func TestConnectionsPageShowsTheGrant(t *testing.T) {
	t.Parallel()
	b, _, _ := withOAuth(t)
	c := b.login()
	doc := b.page(c, "/pairs/main/connections", http.StatusOK)
	if href, _ := doc.Find(testid("connect")).Attr("href"); href != "/connect/lightspeed?pair=main" {
		t.Fatalf("connect link %q", href)
	}
	b.h.Connections = fakeConnections{}
	doc = b.page(c, "/pairs/main/connections", http.StatusOK)
	if got := text(doc, testid("connect")); got != "Connect Lightspeed" {
		t.Errorf("button of a pair never connected = %q", got)
	}
	if got := text(doc, ".pagehead .badge"); got != "Not connected" {
		t.Errorf("state of a pair never connected = %q", got)
	}
	b.h.Connections = fakeConnections{&engine.Connection{Name: "main", State: engine.ConnectionNeedsReauth,
		Account: "shopnz", Reason: "invalid_grant", ConnectedAt: time.Now()}}
	doc = b.page(c, "/pairs/main/connections", http.StatusOK)
	if got := text(doc, ".pagehead .badge"); got != "Needs re-authorisation" {
		t.Errorf("state of a refused grant = %q", got)
	}
	if got := text(doc, testid("oauth-connection")); !strings.Contains(got, "invalid_grant") || !strings.Contains(got, "paused") {
		t.Errorf("grant = %q", got)
	}
	if got := text(doc, testid("connect")); got != "Reconnect Lightspeed" {
		t.Errorf("button = %q", got)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// A run paused by a refused grant stops (it does not fail); the pages
// still say that connecting again is what resumes the pair.
func TestStoppedForReauthorisation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.store.runs[1].Status = engine.RunStopped
	b.store.runs[1].Error = "engine: pull upstream: oauth: main: connection needs re-authorisation (token refresh refused: invalid_grant); connect it again"
	c := b.login()
	doc := b.page(c, "/pairs/main/connections", http.StatusOK)
	if got := text(doc, ".pagehead .badge"); got != "Needs re-authorisation" {
		t.Errorf("Connections page state %q", got)
	}
	b.store.runs[1].Error = "engine: budget: 5000 calls per day used"
	doc = b.page(c, "/pairs/main/connections", http.StatusOK)
	if got := text(doc, ".pagehead .badge"); got == "Needs re-authorisation" {
		t.Error("a run stopped by the budget shows as needing re-authorisation")
	}
	// Connected again after that run: the page says so, not the old refusal.
	b.store.runs[1].Error = "oauth: main: connection needs re-authorisation (token refresh refused: invalid_grant)"
	b.h.OAuth = &fakeFlow{}
	b.h.Connections = fakeConnections{&engine.Connection{Name: "main", State: engine.ConnectionActive,
		ConnectedBy: testEmail, ConnectedAt: time.Now()}}
	doc = b.page(c, "/pairs/main/connections", http.StatusOK)
	if got := text(doc, ".pagehead .badge"); got != "Reconnected" {
		t.Errorf("state after reconnecting = %q", got)
	}
}
