package oauth

import (
	"context"
	"net/url"
	"time"

	"golang.org/x/oauth2"
)

// Provider is one upstream's OAuth app, implemented by its connector.
type Provider interface {
	// AuthURL returns where to send the browser to authorise accord.
	// challenge is the PKCE S256 challenge, "" when PKCE is false.
	AuthURL(state, challenge string) string
	// Exchange trades the callback's code for a token. q is the whole
	// callback query (X-Series adds domain_prefix); verifier is the PKCE
	// verifier or "". account names what was connected, for people.
	Exchange(ctx context.Context, q url.Values, verifier string) (tok *oauth2.Token, account string, err error)
	// Refresh gets a new access token with t's refresh token. A refusal
	// that retrying cannot fix (invalid_grant, 400, 401) is an
	// engine.Terminal error; a 429 is an *engine.RetryAfterError; anything
	// else is retryable. The returned token may carry a new refresh token.
	Refresh(ctx context.Context, t *oauth2.Token) (*oauth2.Token, error)
	// PKCE reports whether the provider takes a code challenge.
	PKCE() bool
	// RefreshBefore is how long before its expiry a token is refreshed.
	RefreshBefore() time.Duration
}
