package square_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/accordhq/accord/connectors/square"
	sqsim "github.com/accordhq/accord/connectors/square/sim"
	"github.com/accordhq/accord/engine"
)

const callback = "https://accord.example.com/oauth/callback"

type oauthBundle struct {
	sim   *sqsim.Server
	srv   *httptest.Server
	oauth *square.OAuth
	clock *clock
}

func setupOAuth(t *testing.T) oauthBundle {
	t.Helper()
	clk := newClock()
	s, err := sqsim.New(sqsim.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	o, err := square.NewOAuth(square.OAuthOptions{ClientID: "sq0idp-sim", ClientSecret: "sq0csp-sim",
		RedirectURL: callback, BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	return oauthBundle{sim: s, srv: srv, oauth: o, clock: clk}
}

// authorize follows the authorization URL to the simulator's automatic
// consent and returns the callback's query.
func authorize(t *testing.T, authURL string) url.Values {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Fatalf("authorize answered %s", res.Status)
	}
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), callback) {
		t.Fatalf("authorize redirected to %q", res.Header.Get("Location"))
	}
	return loc.Query()
}

func TestOAuthCodeFlowWithPKCE(t *testing.T) {
	t.Parallel()
	b := setupOAuth(t)
	ctx := context.Background()
	verifier := oauth2.GenerateVerifier()
	authURL := b.oauth.AuthURL("state-123456", oauth2.S256ChallengeFromVerifier(verifier))
	u, _ := url.Parse(authURL)
	for k, want := range map[string]string{"client_id": "sq0idp-sim", "scope": "CUSTOMERS_READ CUSTOMERS_WRITE",
		"state": "state-123456", "code_challenge_method": "S256", "session": "false"} {
		if got := u.Query().Get(k); got != want {
			t.Errorf("authorization URL %s = %q, want %q", k, got, want)
		}
	}
	q := authorize(t, authURL)
	if q.Get("state") != "state-123456" || q.Get("code") == "" {
		t.Fatalf("callback query = %v", q)
	}

	// The verifier is checked: a wrong one is refused for good, and the
	// code is then spent.
	if _, _, err := b.oauth.Exchange(ctx, q, oauth2.GenerateVerifier()); !engine.IsTerminal(err) ||
		!strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("exchange with a wrong verifier = %v, want a Terminal invalid_grant", err)
	}
	q = authorize(t, authURL)
	tok, merchant, err := b.oauth.Exchange(ctx, q, verifier)
	if err != nil {
		t.Fatal(err)
	}
	if merchant != "MLSIMULATOR01" || tok.RefreshToken == "" ||
		!tok.Expiry.Equal(b.clock.Now().Add(30*24*time.Hour).Truncate(time.Second)) {
		t.Fatalf("token: merchant %q, refresh %t, expiry %v", merchant, tok.RefreshToken != "", tok.Expiry)
	}
	if st := b.sim.OAuthStats(); st.PKCEVerified != 1 || st.Refused != 1 {
		t.Fatalf("simulator stats = %+v, want one verified exchange and one refusal", st)
	}
	if _, _, err := b.oauth.Exchange(ctx, q, verifier); !engine.IsTerminal(err) {
		t.Fatalf("second use of a code = %v, want Terminal", err)
	}

	// The access token works on the API, until it expires.
	api, err := square.New(square.Options{BaseURL: b.srv.URL, Token: tok.AccessToken, Now: b.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.Get(ctx, "NOPE"); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("Get with the OAuth token = %v, want ErrNotFound (authorized)", err)
	}
	b.clock.Add(31 * 24 * time.Hour)
	if _, err := api.Get(ctx, "NOPE"); err == nil || !strings.Contains(err.Error(), "ACCESS_TOKEN_EXPIRED") {
		t.Fatalf("Get with an expired token = %v, want ACCESS_TOKEN_EXPIRED", err)
	}

	// Code-flow refresh tokens are multi-use: Square returns the same one.
	for range 2 {
		nt, err := b.oauth.Refresh(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		if nt.RefreshToken != tok.RefreshToken || nt.AccessToken == tok.AccessToken {
			t.Fatalf("refresh returned refresh token changed=%t, access token changed=%t",
				nt.RefreshToken != tok.RefreshToken, nt.AccessToken != tok.AccessToken)
		}
	}
	b.sim.RevokeOAuth()
	if _, err := b.oauth.Refresh(ctx, tok); !engine.IsTerminal(err) {
		t.Fatalf("refresh after revocation = %v, want Terminal", err)
	}
}

func TestObtainTokenTakesJSONOnly(t *testing.T) {
	t.Parallel()
	b := setupOAuth(t)
	res, err := http.PostForm(b.srv.URL+"/oauth2/token", url.Values{"client_id": {"sq0idp-sim"},
		"client_secret": {"sq0csp-sim"}, "grant_type": {"refresh_token"}, "refresh_token": {"x"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("form-encoded ObtainToken answered %s, want 400", res.Status)
	}
}

func TestOAuthOptionsNameTheKey(t *testing.T) {
	t.Parallel()
	_, err := square.NewOAuth(square.OAuthOptions{})
	for _, key := range []string{"upstream.client_id", "upstream.client_secret", "upstream.redirect_url"} {
		if !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), key) {
			t.Errorf("NewOAuth({}) = %v, want an error naming %s", err, key)
		}
	}
}
