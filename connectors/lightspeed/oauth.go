package lightspeed

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/accordhq/accord/engine"
)

// OAuth endpoints of X-Series (connectors.md §1.2).
const (
	DefaultAuthURL  = "https://secure.retail.lightspeed.app/connect"
	DefaultTokenURL = "https://{domain_prefix}.retail.lightspeed.app/api/1.0/token"
)

// DefaultScopes are what accord asks for: a scope is mandatory on new
// authorizations from June 2026.
var DefaultScopes = []string{"customers:read", "customers:write", "webhooks"}

// OAuthOptions configure accord's X-Series OAuth app.
type OAuthOptions struct {
	ClientID     string
	ClientSecret string
	// RedirectURL is accord's /oauth/callback as registered with the app.
	RedirectURL string
	// AuthURL is where the merchant authorises. Default DefaultAuthURL.
	AuthURL string
	// TokenURL is the token endpoint; {domain_prefix} is replaced by
	// DomainPrefix. Default DefaultTokenURL.
	TokenURL string
	// DomainPrefix is the store the pair is configured for (from its
	// base_url). The code and the client secret are sent to that store's
	// token endpoint only, so a callback naming another store is refused.
	DomainPrefix string
	Scopes       []string
	// HTTPClient sends token requests. Default: a client with a 30-second
	// timeout.
	HTTPClient *http.Client
}

// OAuth is the X-Series authorization-code flow with rotating refresh
// tokens. It implements oauth.Provider.
type OAuth struct {
	cfg    oauth2.Config
	prefix string
	http   *http.Client
}

var domainPrefix = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// NewOAuth validates o. Errors name the configuration key and match
// engine.ErrInvalid.
func NewOAuth(o OAuthOptions) (*OAuth, error) {
	var errs []error
	bad := func(field, problem string) { errs = append(errs, &optionError{field, problem}) }
	if o.ClientID == "" {
		bad("client_id", "required with auth: oauth")
	}
	if o.ClientSecret == "" {
		bad("client_secret", "required with auth: oauth")
	}
	if _, err := url.Parse(o.RedirectURL); err != nil || o.RedirectURL == "" {
		bad("redirect_url", "must be accord's /oauth/callback address")
	}
	tokenURL := cmpOr(o.TokenURL, DefaultTokenURL)
	if strings.Contains(tokenURL, "{domain_prefix}") {
		if !domainPrefix.MatchString(o.DomainPrefix) {
			bad("base_url", "must be https://<domain_prefix>.retail.lightspeed.app to connect with OAuth")
		}
		tokenURL = strings.ReplaceAll(tokenURL, "{domain_prefix}", o.DomainPrefix)
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
	return &OAuth{prefix: o.DomainPrefix, http: hc, cfg: oauth2.Config{
		ClientID: o.ClientID, ClientSecret: o.ClientSecret, RedirectURL: o.RedirectURL, Scopes: scopes,
		Endpoint: oauth2.Endpoint{AuthURL: cmpOr(o.AuthURL, DefaultAuthURL), TokenURL: tokenURL,
			AuthStyle: oauth2.AuthStyleInParams},
	}}, nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// AuthURL returns the authorization address. X-Series documents no PKCE,
// so challenge is ignored.
func (o *OAuth) AuthURL(state, _ string) string { return o.cfg.AuthCodeURL(state) }

// PKCE is false: X-Series does not document code challenges.
func (o *OAuth) PKCE() bool { return false }

// RefreshBefore is five minutes: access tokens live a day or a week, and
// refreshing rotates the refresh token, so it is done only when needed.
func (o *OAuth) RefreshBefore() time.Duration { return 5 * time.Minute }

// Exchange trades the callback's code (form-encoded, at the configured
// store's token endpoint) for a token. The callback's domain_prefix must be
// the configured store's.
func (o *OAuth) Exchange(ctx context.Context, q url.Values, _ string) (*oauth2.Token, string, error) {
	got := q.Get("domain_prefix")
	if o.prefix != "" && got != "" && got != o.prefix {
		return nil, "", engine.Terminal(fmt.Errorf("lightspeed: the store that was connected (%q) is not the configured one (%q): %w",
			clipText(got, 64), o.prefix, engine.ErrInvalid))
	}
	tok, err := o.cfg.Exchange(o.ctx(ctx), q.Get("code"))
	if err != nil {
		return nil, "", tokenError("exchange the authorization code", err)
	}
	return withExpires(tok), cmpOr(o.prefix, clipText(got, 64)), nil
}

// Refresh uses t's refresh token. X-Series revokes it once the new one is
// issued: the caller must store the result before using it.
func (o *OAuth) Refresh(ctx context.Context, t *oauth2.Token) (*oauth2.Token, error) {
	tok, err := o.cfg.TokenSource(o.ctx(ctx), &oauth2.Token{RefreshToken: t.RefreshToken}).Token()
	if err != nil {
		return nil, tokenError("refresh the access token", err)
	}
	return withExpires(tok), nil
}

func (o *OAuth) ctx(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, o.http)
}

// withExpires prefers the response's absolute "expires" (unix seconds) to
// expires_in counted from our clock: the token endpoint's own time is what
// its API enforces.
func withExpires(t *oauth2.Token) *oauth2.Token {
	var secs int64
	switch v := t.Extra("expires").(type) {
	case float64:
		secs = int64(v)
	case string:
		secs, _ = strconv.ParseInt(v, 10, 64)
	}
	if secs > 0 {
		t.Expiry = time.Unix(secs, 0).UTC()
	}
	return t
}

// tokenError classifies a token endpoint failure: a refused grant or
// client (400, 401, invalid_grant) is Terminal, a 429 carries its
// Retry-After, a 5xx or a network failure is retryable. The message holds
// the status and the provider's error code and description, never a body
// or a token.
func tokenError(what string, err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil {
		return fmt.Errorf("lightspeed: %s: %w", what, err)
	}
	status := re.Response.StatusCode
	msg := fmt.Sprintf("lightspeed: %s: token endpoint answered HTTP %d", what, status)
	if re.ErrorCode != "" {
		msg += " " + clipText(re.ErrorCode, 60)
	}
	if re.ErrorDescription != "" {
		msg += ": " + clipText(re.ErrorDescription, 200)
	}
	e := errors.New(msg)
	switch {
	case status == http.StatusTooManyRequests:
		now := time.Now()
		after, ok := parseRetryAfter(re.Response.Header.Get("Retry-After"), now)
		if !ok {
			after = now.Add(time.Minute)
		}
		return &engine.RetryAfterError{Err: e, After: after}
	case status >= 500:
		return e
	case status == http.StatusBadRequest, status == http.StatusUnauthorized, status == http.StatusForbidden,
		re.ErrorCode == "invalid_grant", re.ErrorCode == "invalid_client", re.ErrorCode == "unauthorized_client":
		return engine.Terminal(e)
	}
	return e
}

func clipText(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if len(s) > n {
		return s[:n]
	}
	return s
}
