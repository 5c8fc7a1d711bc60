package oauth_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/accordhq/accord/connectors/lightspeed"
	lssim "github.com/accordhq/accord/connectors/lightspeed/sim"
	"github.com/accordhq/accord/connectors/square"
	sqsim "github.com/accordhq/accord/connectors/square/sim"
	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/oauth"
	"github.com/accordhq/accord/secret"
	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/store/storetest"
)

const callbackURL = "https://accord.example.com/oauth/callback"

// clock is the one clock of the simulator, the token source and the
// reconciler, so that expiry means the same thing to all of them.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// syncBuffer collects every log line of a test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// upstream is a connector as a pair uses it.
type upstream interface {
	engine.Connector
	engine.CallCounter
}

// simCtl is what the tests do to a simulator besides serving it.
type simCtl struct {
	revoke    func()
	refreshed func() int64
	refused   func() int64
	calls     func() int64 // API calls served
	pkce      func() int64 // code exchanges whose verifier the simulator checked
	ttl       time.Duration
	rotating  bool // refresh tokens rotate (X-Series) or are multi-use (Square)
}

type bundle struct {
	t        *testing.T
	name     string
	db       *store.DB
	box      *secret.Box
	clock    *clock
	logs     *syncBuffer
	log      *slog.Logger
	srv      *httptest.Server
	ctl      simCtl
	provider oauth.Provider
	flow     *oauth.Flow
	source   *oauth.Source
	api      upstream
}

// setup wires one pair ("main") connected by OAuth to a simulator of
// provider, over a store of dialect.
func setup(t *testing.T, dialect, provider string) *bundle {
	t.Helper()
	b := &bundle{t: t, name: provider, clock: &clock{now: time.Now().UTC().Truncate(time.Second)}, logs: &syncBuffer{}}
	b.log = slog.New(slog.NewTextHandler(b.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if dialect == "postgres" {
		b.db = storetest.OpenPostgres(t)
	} else {
		b.db = storetest.OpenSQLite(t)
	}
	var err error
	if b.box, err = secret.NewBox(bytes.Repeat([]byte{42}, secret.KeySize)); err != nil {
		t.Fatal(err)
	}
	var handler http.Handler
	switch provider {
	case "lightspeed":
		s, err := lssim.New(lssim.Options{Now: b.clock.Now, RateLimit: 1 << 30})
		if err != nil {
			t.Fatal(err)
		}
		handler = s
		b.ctl = simCtl{revoke: s.RevokeOAuth, ttl: 7 * 24 * time.Hour, rotating: true,
			refreshed: func() int64 { return s.OAuthStats().Refreshed },
			refused:   func() int64 { return s.OAuthStats().Refused },
			calls:     func() int64 { return s.Stats().Total },
			pkce:      func() int64 { return 0 }}
	case "square":
		s, err := sqsim.New(sqsim.Options{Now: b.clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		handler = s
		b.ctl = simCtl{revoke: s.RevokeOAuth, ttl: 30 * 24 * time.Hour,
			refreshed: func() int64 { return s.OAuthStats().Refreshed },
			refused:   func() int64 { return s.OAuthStats().Refused },
			calls:     func() int64 { return s.Stats().Total },
			pkce:      func() int64 { return s.OAuthStats().PKCEVerified }}
	}
	b.srv = httptest.NewServer(handler)
	t.Cleanup(b.srv.Close)
	switch provider {
	case "lightspeed":
		b.provider, err = lightspeed.NewOAuth(lightspeed.OAuthOptions{ClientID: "sim-client", ClientSecret: "sim-secret",
			RedirectURL: callbackURL, AuthURL: b.srv.URL + "/connect", TokenURL: b.srv.URL + "/api/1.0/token",
			DomainPrefix: "simstore"})
	case "square":
		b.provider, err = square.NewOAuth(square.OAuthOptions{ClientID: "sq0idp-sim", ClientSecret: "sq0csp-sim",
			RedirectURL: callbackURL, BaseURL: b.srv.URL})
	}
	if err != nil {
		t.Fatal(err)
	}
	b.flow = &oauth.Flow{States: b.db, Conns: b.db, Box: b.box, Now: b.clock.Now, Logger: b.log,
		Provider: func(pair string) (string, oauth.Provider, error) {
			if pair != "main" {
				return "", nil, engine.ErrNotFound
			}
			return provider, b.provider, nil
		}}
	b.source = oauth.NewSource(oauth.SourceOptions{Conn: "main", Store: b.db, Box: b.box, Provider: b.provider,
		Now: b.clock.Now, Logger: b.log})
	switch provider {
	case "lightspeed":
		b.api, err = lightspeed.New(lightspeed.Options{BaseURL: b.srv.URL, HTTPClient: b.source.Client(),
			Gate: b.source.Ready, Now: b.clock.Now, Logger: b.log, MaxRetries: -1})
	case "square":
		b.api, err = square.New(square.Options{BaseURL: b.srv.URL, HTTPClient: b.source.Client(),
			Gate: b.source.Ready, Now: b.clock.Now, Logger: b.log, MaxRetries: -1})
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// authorize follows an authorization URL through the simulator's
// automatic consent and returns the callback's query.
func (b *bundle) authorize(authURL string) url.Values {
	b.t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(authURL)
	if err != nil {
		b.t.Fatal(err)
	}
	res.Body.Close()
	loc, err := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), callbackURL) {
		b.t.Fatalf("authorize answered %s, Location %q", res.Status, res.Header.Get("Location"))
	}
	return loc.Query()
}

// connect runs the whole flow as a browser would and returns the
// connection made.
func (b *bundle) connect() engine.Connection {
	b.t.Helper()
	authURL, state, err := b.flow.Start(context.Background(), "main", "ann@example.com")
	if err != nil {
		b.t.Fatal(err)
	}
	c, err := b.flow.Finish(context.Background(), b.authorize(authURL), state)
	if err != nil {
		b.t.Fatal(err)
	}
	return c
}

// stored returns the stored connection and its token, opened.
func (b *bundle) stored() (engine.Connection, string, string) {
	b.t.Helper()
	c, err := b.db.FindConnection(context.Background(), "main")
	if err != nil {
		b.t.Fatal(err)
	}
	tok, err := oauth.OpenToken(b.box, "main", c.Sealed)
	if err != nil {
		b.t.Fatal(err)
	}
	return c, tok.AccessToken, tok.RefreshToken
}

// eachCase runs fn for both providers on both databases.
func eachCase(t *testing.T, fn func(t *testing.T, dialect, provider string)) {
	for _, p := range []string{"lightspeed", "square"} {
		for _, d := range []string{"sqlite", "postgres"} {
			t.Run(p+"/"+d, func(t *testing.T) {
				t.Parallel()
				fn(t, d, p)
			})
		}
	}
}

func tokenWith(refresh string) *oauth2.Token { return &oauth2.Token{RefreshToken: refresh} }
