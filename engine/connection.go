package engine

import (
	"context"
	"time"
)

// ConnectionState is the health of an upstream connection made with OAuth.
type ConnectionState string

// Connection states.
const (
	ConnectionActive ConnectionState = "active"
	// ConnectionNeedsReauth: the provider refused the stored grant (a
	// revoked app, a refresh token rotated away). Retrying cannot fix it, so
	// the pair's runs pause until a person connects again.
	ConnectionNeedsReauth ConnectionState = "needs_reauth"
)

// ErrNeedsReauth: the connection's grant was refused (or never given) and
// a person must connect. Retrying cannot help, but the writes waiting for
// the connection are not wrong either: a run that meets this error stops
// cleanly, keeps its writes for the run after the reconnection, and dead-
// letters nothing. The reconciler has one such path, the exhausted API
// budget, so ErrNeedsReauth also matches ErrBudgetExhausted (the run ends
// RunStopped with this error's message); errors wrapping it must not be
// Terminal, which would dead-letter the writes.
var ErrNeedsReauth error = pausedError{"connection needs re-authorisation"}

// pausedError is a reason to stop runs until a person acts.
type pausedError struct{ msg string }

func (e pausedError) Error() string { return e.msg }

// Is makes errors.Is(err, ErrBudgetExhausted) hold, see ErrNeedsReauth.
func (e pausedError) Is(target error) bool { return target == ErrBudgetExhausted }

// Connection is the OAuth grant of one pair's upstream. Its tokens are
// sealed (encrypted) before they reach the store, which never sees them in
// clear and never logs them.
type Connection struct {
	Name     string // the pair
	Provider string // the upstream type: lightspeed or square
	State    ConnectionState
	// Sealed is the token set, encrypted with the installation's key.
	Sealed []byte
	// Generation grows with every new grant (each completed
	// authorization). A refreshed token is saved only into the generation
	// it was refreshed from, so a process refreshing an old grant never
	// overwrites a newer one.
	Generation int64
	// Account names what was connected, for people (an X-Series
	// domain_prefix, a Square merchant id). It is not a secret.
	Account     string
	Reason      string // why the connection needs re-authorisation
	ConnectedBy string
	ConnectedAt time.Time
	RefreshedAt time.Time // when a token was last saved by a refresh
	UpdatedAt   time.Time
}

// ConnectionStore keeps OAuth connections.
type ConnectionStore interface {
	// FindConnection returns the named connection, or an error wrapping
	// ErrNotFound when the pair was never connected.
	FindConnection(ctx context.Context, name string) (Connection, error)
	// SaveConnection stores a new grant: the connection becomes active with
	// the next generation, whatever its state was. It is audited as actor's.
	// The stored Connection is returned.
	SaveConnection(ctx context.Context, c Connection, actor string) (Connection, error)
	// SaveToken replaces the sealed token of generation gen after a refresh.
	// It fails with ErrConflict when the connection has moved on to another
	// generation, and ErrNotFound when it does not exist.
	SaveToken(ctx context.Context, name string, gen int64, sealed []byte, at time.Time) error
	// MarkNeedsReauth records that generation gen was refused, with a
	// reason people can read, and audits it. It does nothing when the
	// connection has moved on to another generation or is already marked.
	MarkNeedsReauth(ctx context.Context, name string, gen int64, reason string, at time.Time) error
}

// OAuthState is a started authorization (Kind "state") or a one-time link
// to start one (Kind "ticket"), kept server-side until it is used once.
type OAuthState struct {
	// Hash is the SHA-256 of the value given to the browser; the value
	// itself is never stored.
	Hash     string
	Kind     string
	Pair     string
	Provider string
	// Sealed is the PKCE code verifier, encrypted; empty without PKCE.
	Sealed    []byte
	Actor     string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// OAuthStateStore keeps started authorizations.
type OAuthStateStore interface {
	SaveOAuthState(ctx context.Context, s OAuthState) error
	// TakeOAuthState deletes the state of kind with hash and returns it if
	// it had not expired at now. An unknown, used or expired state is an
	// error wrapping ErrNotFound: a state works once.
	TakeOAuthState(ctx context.Context, kind, hash string, now time.Time) (OAuthState, error)
}
