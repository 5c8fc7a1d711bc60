package lightspeed_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord/connectors/lightspeed"
	lssim "github.com/accordhq/accord/connectors/lightspeed/sim"
	"github.com/accordhq/accord/engine"
)

const callback = "https://accord.example.com/oauth/callback"

type oauthBundle struct {
	sim   *lssim.Server
	srv   *httptest.Server
	oauth *lightspeed.OAuth
	clock *clock
}

func setupOAuth(t *testing.T) oauthBundle {
	t.Helper()
	clk := newClock()
	s, err := lssim.New(lssim.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	o, err := lightspeed.NewOAuth(lightspeed.OAuthOptions{ClientID: "sim-client", ClientSecret: "sim-secret",
		RedirectURL: callback, AuthURL: srv.URL + "/connect", TokenURL: srv.URL + "/api/1.0/token",
		DomainPrefix: "simstore"})
	if err != nil {
		t.Fatal(err)
	}
	return oauthBundle{sim: s, srv: srv, oauth: o, clock: clk}
}

func authorize(t *testing.T, authURL string) url.Values {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, err := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), callback) {
		t.Fatalf("authorize answered %s, Location %q", res.Status, res.Header.Get("Location"))
	}
	return loc.Query()
}

func TestOAuthRotatingRefreshTokens(t *testing.T) {
	t.Parallel()
	b := setupOAuth(t)
	ctx := context.Background()
	authURL := b.oauth.AuthURL("state-123456", "")
	u, _ := url.Parse(authURL)
	if got := u.Query().Get("scope"); got != "customers:read customers:write webhooks" {
		t.Fatalf("scope = %q: the scope parameter is mandatory from June 2026", got)
	}
	q := authorize(t, authURL)
	if q.Get("state") != "state-123456" || q.Get("domain_prefix") != "simstore" {
		t.Fatalf("callback query = %v", q)
	}
	tok, account, err := b.oauth.Exchange(ctx, q, "")
	if err != nil {
		t.Fatal(err)
	}
	if account != "simstore" || !tok.Expiry.Equal(b.clock.Now().Add(7*24*time.Hour)) {
		t.Fatalf("account %q, expiry %v: the expiry must come from the response's expires", account, tok.Expiry)
	}
	if _, _, err := b.oauth.Exchange(ctx, q, ""); !engine.IsTerminal(err) || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("second use of a code = %v, want a Terminal invalid_grant", err)
	}

	api, err := lightspeed.New(lightspeed.Options{BaseURL: b.srv.URL, Token: tok.AccessToken, Now: b.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.Pull(ctx, ""); err != nil {
		t.Fatalf("pull with the OAuth token: %v", err)
	}

	nt, err := b.oauth.Refresh(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if nt.RefreshToken == tok.RefreshToken || nt.RefreshToken == "" {
		t.Fatal("the refresh token did not rotate")
	}
	// The old refresh token was revoked when the new one was issued.
	if _, err := b.oauth.Refresh(ctx, tok); !engine.IsTerminal(err) || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("refresh with the rotated-away token = %v, want a Terminal invalid_grant", err)
	}
	if _, err := b.oauth.Refresh(ctx, nt); err != nil {
		t.Fatalf("refresh with the new token: %v", err)
	}
}

func TestOAuthTokenEndpointThrottlingIsRetryable(t *testing.T) {
	t.Parallel()
	b := setupOAuth(t)
	tok, _, err := b.oauth.Exchange(context.Background(), authorize(t, b.oauth.AuthURL("state-123456", "")), "")
	if err != nil {
		t.Fatal(err)
	}
	b.sim.FailTokenRequests(http.StatusTooManyRequests, http.StatusServiceUnavailable)
	_, err = b.oauth.Refresh(context.Background(), tok)
	if _, ok := engine.RetryAfter(err); !ok || engine.IsTerminal(err) {
		t.Fatalf("refresh answered 429 = %v, want a retryable RetryAfterError", err)
	}
	_, err = b.oauth.Refresh(context.Background(), tok)
	if err == nil || engine.IsTerminal(err) {
		t.Fatalf("refresh answered 503 = %v, want a retryable error", err)
	}
	if _, err := b.oauth.Refresh(context.Background(), tok); err != nil {
		t.Fatalf("refresh after the throttling: %v (the token must still be good)", err)
	}
}

func TestOAuthRefusesAnotherStore(t *testing.T) {
	t.Parallel()
	b := setupOAuth(t)
	q := authorize(t, b.oauth.AuthURL("state-123456", ""))
	q.Set("domain_prefix", "attacker")
	if _, _, err := b.oauth.Exchange(context.Background(), q, ""); !errors.Is(err, engine.ErrInvalid) {
		t.Fatalf("exchange for another store = %v, want ErrInvalid", err)
	}
	if b.sim.OAuthStats().Exchanged != 0 {
		t.Fatal("the code was sent although the store is not the configured one")
	}
	_, err := lightspeed.NewOAuth(lightspeed.OAuthOptions{ClientID: "c", ClientSecret: "s", RedirectURL: callback,
		DomainPrefix: "evil.example.com/x"})
	if !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), "upstream.base_url") {
		t.Fatalf("a domain prefix that is not a host label = %v, want an error naming upstream.base_url", err)
	}
}
