package oauth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"golang.org/x/oauth2"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/secret"
)

// Errors of the flow. Each is also engine.ErrInvalid, so a handler can
// answer 400 without a type switch.
var (
	// ErrBadState: the callback's state is missing, unknown, used, expired
	// or not the one this browser started with.
	ErrBadState = fmt.Errorf("%w: the authorization state does not match; start connecting again", engine.ErrInvalid)
	// ErrDenied: the merchant declined, or the provider answered an error.
	ErrDenied = fmt.Errorf("%w: the authorization was not granted", engine.ErrInvalid)
	// ErrBadTicket: a start link is unknown, used or expired.
	ErrBadTicket = fmt.Errorf("%w: this connect link is unknown, used or expired; print a new one", engine.ErrInvalid)
)

// Flow runs the authorization-code flow of every OAuth pair.
type Flow struct {
	States engine.OAuthStateStore
	Conns  engine.ConnectionStore
	Box    *secret.Box
	// Provider returns the provider type and the Provider of pair, or an
	// error wrapping engine.ErrNotFound when the pair does not use OAuth.
	Provider func(pair string) (string, Provider, error)
	// TTL bounds an authorization in progress and a start link. Default
	// 10 minutes, the life of an X-Series authorization code.
	TTL    time.Duration
	Now    func() time.Time
	Logger *slog.Logger
}

func (f *Flow) now() time.Time {
	if f.Now == nil {
		return time.Now()
	}
	return f.Now()
}

func (f *Flow) ttl() time.Duration {
	if f.TTL <= 0 {
		return 10 * time.Minute
	}
	return f.TTL
}

// newValue returns 32 random bytes, URL-safe: a state or a ticket well over
// X-Series' 8-character minimum and unguessable.
func newValue() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashValue(v string) string {
	h := sha256.Sum256([]byte(v))
	return hex.EncodeToString(h[:])
}

// Handles reports whether pair connects its upstream with OAuth (and its
// provider can be built from the configuration).
func (f *Flow) Handles(pair string) bool {
	_, _, err := f.Provider(pair)
	return err == nil
}

// NewTicket returns a one-time value that lets whoever holds it start
// connecting pair without a dashboard session: the command line prints a
// link with it for the person at the terminal, who already has the keys.
func (f *Flow) NewTicket(ctx context.Context, pair, actor string) (string, error) {
	provider, _, err := f.Provider(pair)
	if err != nil {
		return "", err
	}
	v := newValue()
	now := f.now()
	err = f.States.SaveOAuthState(ctx, engine.OAuthState{Hash: hashValue(v), Kind: "ticket", Pair: pair,
		Provider: provider, Actor: actor, CreatedAt: now, ExpiresAt: now.Add(f.ttl())})
	if err != nil {
		return "", fmt.Errorf("oauth: start link for %s: %w", pair, err)
	}
	return v, nil
}

// UseTicket takes a start link's ticket for pair and returns who made it.
func (f *Flow) UseTicket(ctx context.Context, pair, ticket string) (string, error) {
	st, err := f.States.TakeOAuthState(ctx, "ticket", hashValue(ticket), f.now())
	if err != nil || st.Pair != pair {
		return "", ErrBadTicket
	}
	return st.Actor, nil
}

// Start begins an authorization of pair by actor, who the caller has
// authenticated. It returns the provider's authorization URL and the state,
// which the caller also sets in a cookie bound to this browser.
func (f *Flow) Start(ctx context.Context, pair, actor string) (authURL, state string, err error) {
	provider, p, err := f.Provider(pair)
	if err != nil {
		return "", "", err
	}
	state = newValue()
	hash := hashValue(state)
	var sealed []byte
	challenge := ""
	if p.PKCE() {
		verifier := oauth2.GenerateVerifier()
		challenge = oauth2.S256ChallengeFromVerifier(verifier)
		sealed = f.Box.Seal([]byte(verifier), "oauth-verifier:"+hash)
	}
	now := f.now()
	err = f.States.SaveOAuthState(ctx, engine.OAuthState{Hash: hash, Kind: "state", Pair: pair, Provider: provider,
		Sealed: sealed, Actor: actor, CreatedAt: now, ExpiresAt: now.Add(f.ttl())})
	if err != nil {
		return "", "", fmt.Errorf("oauth: start connecting %s: %w", pair, err)
	}
	return p.AuthURL(state, challenge), state, nil
}

// Finish completes an authorization from the callback's query q and the
// state cookie of the browser that started it. Both must carry the stored
// state: the cookie proves this browser started it (no login CSRF), the
// stored state that this server did and that it is used once. The code is
// exchanged and the sealed token saved as the pair's new grant.
func (f *Flow) Finish(ctx context.Context, q url.Values, cookieState string) (engine.Connection, error) {
	state := q.Get("state")
	if len(state) < 8 || subtle.ConstantTimeCompare([]byte(state), []byte(cookieState)) != 1 {
		return engine.Connection{}, ErrBadState
	}
	st, err := f.States.TakeOAuthState(ctx, "state", hashValue(state), f.now())
	if errors.Is(err, engine.ErrNotFound) {
		return engine.Connection{}, ErrBadState
	} else if err != nil {
		return engine.Connection{}, fmt.Errorf("oauth: finish connecting: %w", err)
	}
	if e := q.Get("error"); e != "" {
		return engine.Connection{}, fmt.Errorf("%w: %s %s", ErrDenied, clip(e, 60), clip(q.Get("error_description"), 200))
	}
	if q.Get("code") == "" {
		return engine.Connection{}, fmt.Errorf("%w: the callback carries no code", ErrDenied)
	}
	provider, p, err := f.Provider(st.Pair)
	if err != nil {
		return engine.Connection{}, err
	}
	if provider != st.Provider {
		return engine.Connection{}, fmt.Errorf("%w: %s is now configured for %s", ErrBadState, st.Pair, provider)
	}
	verifier := ""
	if len(st.Sealed) > 0 {
		v, err := f.Box.Open(st.Sealed, "oauth-verifier:"+st.Hash)
		if err != nil {
			return engine.Connection{}, fmt.Errorf("oauth: finish connecting %s: %w", st.Pair, err)
		}
		verifier = string(v)
	}
	tok, account, err := p.Exchange(ctx, q, verifier)
	if err != nil {
		return engine.Connection{}, fmt.Errorf("oauth: connect %s: exchange the code: %w", st.Pair, err)
	}
	sealed, err := SealToken(f.Box, st.Pair, tok)
	if err != nil {
		return engine.Connection{}, err
	}
	c, err := f.Conns.SaveConnection(ctx, engine.Connection{Name: st.Pair, Provider: provider, Sealed: sealed,
		Account: account}, st.Actor)
	if err != nil {
		return engine.Connection{}, fmt.Errorf("oauth: connect %s: %w", st.Pair, err)
	}
	if f.Logger != nil {
		f.Logger.Info("oauth connection made", "pair", st.Pair, "provider", provider, "account", account,
			"by", st.Actor, "generation", c.Generation)
	}
	return c, nil
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
