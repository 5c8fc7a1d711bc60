package square

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/accordhq/accord/engine"
)

// DefaultScopes are what accord asks Square for.
var DefaultScopes = []string{"CUSTOMERS_READ", "CUSTOMERS_WRITE"}

// OAuthOptions configure accord's Square OAuth app.
type OAuthOptions struct {
	ClientID     string // the application id
	ClientSecret string
	// RedirectURL is accord's /oauth/callback, as registered with the app.
	RedirectURL string
	// BaseURL is Square's (or a simulator's) address; authorize and token
	// endpoints are under /oauth2. Default DefaultBaseURL.
	BaseURL       string
	Scopes        []string
	SquareVersion string
	// HTTPClient sends token requests. Default: a client with a 30-second
	// timeout.
	HTTPClient *http.Client
}

// OAuth is Square's authorization-code flow with PKCE: ObtainToken takes
// JSON, not a form, so the token calls are made here; golang.org/x/oauth2
// builds the authorization URL and carries the tokens. It implements
// oauth.Provider.
type OAuth struct {
	cfg     oauth2.Config
	root    string
	version string
	http    *http.Client
}

// NewOAuth validates o. Errors name the configuration key and match
// engine.ErrInvalid.
func NewOAuth(o OAuthOptions) (*OAuth, error) {
	var errs []error
	bad := func(field, problem string) { errs = append(errs, &optionError{field, problem}) }
	root, err := apiRoot(o.BaseURL)
	if err != nil {
		bad("base_url", err.Error())
	}
	if o.ClientID == "" {
		bad("client_id", "required with auth: oauth (the application id)")
	}
	if o.ClientSecret == "" {
		bad("client_secret", "required with auth: oauth")
	}
	if _, err := url.Parse(o.RedirectURL); err != nil || o.RedirectURL == "" {
		bad("redirect_url", "must be accord's /oauth/callback address")
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	hc := o.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	scopes := o.Scopes
	if len(scopes) == 0 {
		scopes = DefaultScopes
	}
	version := o.SquareVersion
	if version == "" {
		version = DefaultSquareVersion
	}
	return &OAuth{root: root, version: version, http: hc, cfg: oauth2.Config{
		ClientID: o.ClientID, ClientSecret: o.ClientSecret, RedirectURL: o.RedirectURL, Scopes: scopes,
		Endpoint: oauth2.Endpoint{AuthURL: root + "/oauth2/authorize", TokenURL: root + "/oauth2/token"},
	}}, nil
}

// AuthURL returns the authorization address, with a PKCE challenge.
// session=false asks Square to show its sign-in page rather than reuse a
// seller's open session, so the merchant sees which account is connected.
func (o *OAuth) AuthURL(state, challenge string) string {
	opts := []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("session", "false")}
	if challenge != "" {
		opts = append(opts, oauth2.SetAuthURLParam("code_challenge", challenge),
			oauth2.SetAuthURLParam("code_challenge_method", "S256"))
	}
	return o.cfg.AuthCodeURL(state, opts...)
}

// PKCE is true: Square verifies a code_verifier against the challenge.
func (o *OAuth) PKCE() bool { return true }

// RefreshBefore is 23 days: access tokens live 30 days and Square advises
// refreshing a token once it is a week old, so a missed refresh still
// leaves weeks to notice.
func (o *OAuth) RefreshBefore() time.Duration { return 23 * 24 * time.Hour }

// obtainTokenRequest is ObtainTokenRequest.
type obtainTokenRequest struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret,omitempty"`
	GrantType    string `json:"grant_type"`
	Code         string `json:"code,omitempty"`
	RedirectURI  string `json:"redirect_uri,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	CodeVerifier string `json:"code_verifier,omitempty"`
}

// obtainTokenResponse is ObtainTokenResponse, with the OAuth 2.0 error
// fields in case a proxy or a future version answers in that form.
type obtainTokenResponse struct {
	AccessToken  string  `json:"access_token"`
	TokenType    string  `json:"token_type"`
	ExpiresAt    string  `json:"expires_at"`
	MerchantID   string  `json:"merchant_id"`
	RefreshToken string  `json:"refresh_token"`
	Errors       []Error `json:"errors"`
	Error        string  `json:"error"`
	Description  string  `json:"error_description"`
}

// Exchange calls ObtainToken with the code and the PKCE verifier. The
// account is the merchant id.
func (o *OAuth) Exchange(ctx context.Context, q url.Values, verifier string) (*oauth2.Token, string, error) {
	r, err := o.obtain(ctx, "exchange the authorization code", obtainTokenRequest{ClientID: o.cfg.ClientID,
		ClientSecret: o.cfg.ClientSecret, GrantType: "authorization_code", Code: q.Get("code"),
		RedirectURI: o.cfg.RedirectURL, CodeVerifier: verifier})
	if err != nil {
		return nil, "", err
	}
	tok, err := r.token()
	return tok, r.MerchantID, err
}

// Refresh calls ObtainToken with the refresh token. Code-flow refresh
// tokens are multi-use and Square returns the same one.
func (o *OAuth) Refresh(ctx context.Context, t *oauth2.Token) (*oauth2.Token, error) {
	r, err := o.obtain(ctx, "refresh the access token", obtainTokenRequest{ClientID: o.cfg.ClientID,
		ClientSecret: o.cfg.ClientSecret, GrantType: "refresh_token", RefreshToken: t.RefreshToken})
	if err != nil {
		return nil, err
	}
	return r.token()
}

func (r *obtainTokenResponse) token() (*oauth2.Token, error) {
	exp, err := time.Parse(time.RFC3339, r.ExpiresAt)
	if r.AccessToken == "" || err != nil {
		return nil, errors.New("square: the token response has no access token or no valid expires_at")
	}
	return &oauth2.Token{AccessToken: r.AccessToken, TokenType: "Bearer", RefreshToken: r.RefreshToken,
		Expiry: exp.UTC()}, nil
}

// obtain posts one ObtainToken request. Errors say what failed without the
// request or response bodies, which hold the secret and the tokens: a
// refused grant (400, 401) is Terminal, a 429 carries a retry time, others
// are retryable.
func (o *OAuth) obtain(ctx context.Context, what string, body obtainTokenRequest) (*obtainTokenResponse, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("square: %s: %w", what, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.cfg.Endpoint.TokenURL, bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("square: %s: %w", what, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Square-Version", o.version)
	res, err := o.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("square: %s: %w", what, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("square: %s: read the token response: %w", what, err)
	}
	var r obtainTokenResponse
	jerr := json.Unmarshal(raw, &r)
	if res.StatusCode >= 200 && res.StatusCode < 300 && jerr == nil && len(r.Errors) == 0 && r.Error == "" {
		return &r, nil
	}
	msg := fmt.Sprintf("square: %s: token endpoint answered HTTP %d", what, res.StatusCode)
	for _, e := range r.Errors {
		msg += " " + clipString(e.Code, 60)
		if e.Detail != "" {
			msg += ": " + clipString(e.Detail, 200)
		}
	}
	if r.Error != "" {
		msg += " " + clipString(r.Error, 60)
		if r.Description != "" {
			msg += ": " + clipString(r.Description, 200)
		}
	}
	e := errors.New(msg)
	switch s := res.StatusCode; {
	case s == http.StatusTooManyRequests:
		now := time.Now()
		after, ok := parseRetryAfter(res.Header.Get("Retry-After"), now)
		if !ok {
			after = now.Add(time.Minute)
		}
		return nil, &engine.RetryAfterError{Err: e, After: after}
	case s >= 500 || (s < 300 && jerr != nil):
		return nil, e
	case s == http.StatusBadRequest, s == http.StatusUnauthorized, s == http.StatusForbidden,
		r.Error == "invalid_grant", s < 300:
		return nil, engine.Terminal(e)
	}
	return nil, e
}

func clipString(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if len(s) > n {
		return s[:n]
	}
	return s
}
