package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/accordhq/accord/engine"
)

// Transport adds the connection's access token to each request. A token
// that cannot be had fails the request before anything is sent, so a write
// can never be left with an unknown outcome by it.
type Transport struct {
	Source *Source
	Base   http.RoundTripper // default http.DefaultTransport
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	// A refresh runs under the request's deadline and cancellation but
	// none of its values: the connectors trace their requests to learn
	// whether a write may have reached the provider, and the token
	// request's traffic must not count as the write's.
	ctx, cancel := context.WithCancel(context.Background())
	stop := context.AfterFunc(req.Context(), cancel)
	tok, err := t.Source.TokenContext(ctx)
	stop()
	cancel()
	if err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, err
	}
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(r)
}

// Client returns an HTTP client that authenticates with the connection's
// token, over a transport of its own.
func (s *Source) Client() *http.Client {
	return &http.Client{Transport: &Transport{Source: s, Base: http.DefaultTransport.(*http.Transport).Clone()}}
}

// CheckConnection returns nil when the connection can be used, and an
// error wrapping engine.ErrNeedsReauth (and ErrNotConnected) when a person
// must connect it first. Runners call it before starting a run so a paused
// pair stops at once, with that reason, instead of failing later.
func CheckConnection(ctx context.Context, store engine.ConnectionStore, conn string) error {
	c, err := store.FindConnection(ctx, conn)
	switch {
	case errors.Is(err, engine.ErrNotFound):
		return notConnected(conn)
	case err != nil:
		return fmt.Errorf("oauth: check connection %s: %w", conn, err)
	case c.State == engine.ConnectionNeedsReauth:
		return needsReauth(conn, c.Reason)
	}
	return nil
}
