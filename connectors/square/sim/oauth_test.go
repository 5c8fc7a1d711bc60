package sim

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
)

// authorizeCode runs the automatic consent and returns the code.
func authorizeCode(t *testing.T, b *testBundle, challenge string) string {
	t.Helper()
	q := url.Values{"client_id": {"sq0idp-sim"}, "scope": {"CUSTOMERS_READ CUSTOMERS_WRITE"}, "state": {"st-123456"},
		"redirect_uri": {"https://accord.example.com/oauth/callback"}}
	if challenge != "" {
		q.Set("code_challenge", challenge)
		q.Set("code_challenge_method", "S256")
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(b.ts.URL + "/oauth2/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, _ := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusFound || loc.Query().Get("state") != "st-123456" || loc.Query().Get("code") == "" {
		t.Fatalf("authorize: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	return loc.Query().Get("code")
}

// TestObtainTokenMatchesTheSpec checks ObtainToken's answers, a token and a
// refusal, against the shared OpenAPI file.
func TestObtainTokenMatchesTheSpec(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	router := specRouter(t, b.ts.URL)
	verifier := "verifier-0123456789-0123456789-0123456789-0123"
	sum := sha256.Sum256([]byte(verifier))
	code := authorizeCode(t, b, base64.RawURLEncoding.EncodeToString(sum[:]))
	exchange := map[string]any{"client_id": "sq0idp-sim", "client_secret": "sq0csp-sim",
		"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
		"redirect_uri": "https://accord.example.com/oauth/callback"}
	for _, tc := range []struct {
		name   string
		status int
	}{{"exchange", http.StatusOK}, {"code reused", http.StatusUnauthorized}} {
		req := newRequest(t, http.MethodPost, b.ts.URL+"/oauth2/token", "", exchange)
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("spec has no route for ObtainToken: %v", err)
		}
		r := b.doAuth(t, http.MethodPost, "/oauth2/token", "", exchange)
		if r.status != tc.status {
			t.Fatalf("%s: %d, want %d (%s)", tc.name, r.status, tc.status, r.body)
		}
		if r.status != http.StatusOK {
			checkErrorBody(t, route, r.body)
			continue
		}
		err = openapi3filter.ValidateResponse(t.Context(), &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
			Status:                 r.status, Header: r.header, Body: io.NopCloser(bytes.NewReader(r.body)),
			Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
		})
		if err != nil {
			t.Fatalf("ObtainToken response does not match the spec: %v\n%s", err, r.body)
		}
		tok := decode[struct {
			AccessToken string `json:"access_token"`
		}](t, r)
		if got := b.doAuth(t, http.MethodGet, "/v2/customers", "Bearer "+tok.AccessToken, nil); got.status != http.StatusOK {
			t.Fatalf("the issued token is refused: %d %s", got.status, got.body)
		}
	}
	if st := b.sim.OAuthStats(); st.PKCEVerified != 1 || st.Refused != 1 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestPKCEOnlyRefreshTokensRotate(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	verifier := "verifier-0123456789-0123456789-0123456789-0123"
	sum := sha256.Sum256([]byte(verifier))
	code := authorizeCode(t, b, base64.RawURLEncoding.EncodeToString(sum[:]))
	r := b.doAuth(t, http.MethodPost, "/oauth2/token", "", map[string]any{"client_id": "sq0idp-sim",
		"grant_type": "authorization_code", "code": code, "code_verifier": verifier})
	type tokens struct {
		RefreshToken string `json:"refresh_token"`
	}
	first := decode[tokens](t, r)
	refresh := func(rt string) response {
		return b.doAuth(t, http.MethodPost, "/oauth2/token", "", map[string]any{"client_id": "sq0idp-sim",
			"grant_type": "refresh_token", "refresh_token": rt})
	}
	r = refresh(first.RefreshToken)
	if r.status != http.StatusOK || decode[tokens](t, r).RefreshToken == first.RefreshToken {
		t.Fatalf("a PKCE refresh must rotate: %d %s", r.status, r.body)
	}
	if r := refresh(first.RefreshToken); r.status != http.StatusUnauthorized {
		t.Fatalf("a used PKCE refresh token: %d, want 401", r.status)
	}
}
