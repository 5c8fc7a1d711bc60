package oauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/secret"
)

// ErrNotConnected: the pair uses OAuth and nobody has connected it yet.
// Errors wrapping it also wrap engine.ErrNeedsReauth: runs stop cleanly
// until someone connects.
var ErrNotConnected = errors.New("not connected")

// Source hands out the connection's access token, refreshing it through
// the Provider and saving every refreshed token before returning it. It
// implements oauth2.TokenSource and is safe for concurrent use.
type Source struct {
	conn     string
	store    engine.ConnectionStore
	box      *secret.Box
	provider Provider
	now      func() time.Time
	log      *slog.Logger

	mu      sync.Mutex
	cur     *oauth2.Token
	gen     int64
	unsaved *oauth2.Token // refreshed, not yet saved: it must be saved before use
}

// SourceOptions configure a Source. Now and Logger are optional.
type SourceOptions struct {
	Conn     string // the pair
	Store    engine.ConnectionStore
	Box      *secret.Box
	Provider Provider
	Now      func() time.Time
	Logger   *slog.Logger
}

// NewSource returns the token source of one connection.
func NewSource(o SourceOptions) *Source {
	s := &Source{conn: o.Conn, store: o.Store, box: o.Box, provider: o.Provider, now: o.Now, log: o.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s
}

// Token implements oauth2.TokenSource, bounded to a minute.
func (s *Source) Token() (*oauth2.Token, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return s.TokenContext(ctx)
}

// TokenContext returns a token valid for at least the provider's refresh
// margin. Errors wrap engine.ErrNeedsReauth (and ErrNotConnected when
// nobody connected yet) when a person must connect; they are deliberately
// not Terminal, so a run stops cleanly instead of dead-lettering its
// writes. Other errors (a 429 or 5xx of the token endpoint) are retryable.
func (s *Source) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unsaved != nil {
		err := s.save(ctx, s.unsaved)
		switch {
		case err == nil:
			s.cur, s.unsaved = s.unsaved, nil
		case errors.Is(err, engine.ErrConflict):
			s.cur, s.unsaved = nil, nil // a new grant replaced the one it came from
		default:
			return nil, err
		}
	}
	if s.fresh(s.cur) {
		return s.cur, nil
	}
	// Start from the store: another process may have refreshed (and, on
	// X-Series, rotated the refresh token) since this one last read it.
	c, tok, err := s.load(ctx)
	if err != nil {
		return nil, err
	}
	s.cur, s.gen = tok, c.Generation
	if s.fresh(tok) {
		return tok, nil
	}
	if tok.RefreshToken == "" {
		return nil, s.refused(ctx, c.Generation, errors.New("the token expired and came without a refresh token"))
	}
	nt, err := s.provider.Refresh(ctx, tok)
	if err != nil {
		if !engine.IsTerminal(err) {
			return nil, fmt.Errorf("oauth: refresh token of %s: %w", s.conn, err)
		}
		// Refused. If another process rotated the grant between our read
		// and our refresh, the refusal is about our stale copy: use theirs.
		c2, tok2, lerr := s.load(ctx)
		if lerr == nil && (c2.Generation != c.Generation || tok2.RefreshToken != tok.RefreshToken) {
			s.cur, s.gen = tok2, c2.Generation
			if s.fresh(tok2) {
				return tok2, nil
			}
			return nil, fmt.Errorf("oauth: token of %s changed while refreshing; try again", s.conn)
		}
		return nil, s.refused(ctx, c.Generation, err)
	}
	if nt.RefreshToken == "" {
		nt.RefreshToken = tok.RefreshToken // the provider kept the old one (Square's code flow)
	}
	if err := s.save(ctx, nt); err != nil {
		if !errors.Is(err, engine.ErrConflict) {
			s.unsaved = nt
		}
		s.cur = nil
		return nil, err
	}
	s.cur = nt
	s.log.Info("oauth token refreshed", "connection", s.conn, "expires", nt.Expiry.UTC().Format(time.RFC3339))
	return nt, nil
}

// Ready returns an error wrapping engine.ErrNeedsReauth when the
// connection cannot be used until a person connects it, without calling
// the provider. Connectors call it as their Gate, before each request is
// counted or metered, so a paused pair costs no API call and no budget.
func (s *Source) Ready(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unsaved != nil || s.fresh(s.cur) {
		return nil
	}
	_, _, err := s.load(ctx)
	if errors.Is(err, engine.ErrNeedsReauth) {
		return err
	}
	return nil // anything else is the token request's to report
}

// fresh reports whether t can be used without refreshing.
func (s *Source) fresh(t *oauth2.Token) bool {
	if t == nil || t.AccessToken == "" {
		return false
	}
	return t.Expiry.IsZero() || s.now().Add(s.provider.RefreshBefore()).Before(t.Expiry)
}

// load reads and opens the stored token.
func (s *Source) load(ctx context.Context) (engine.Connection, *oauth2.Token, error) {
	c, err := s.store.FindConnection(ctx, s.conn)
	switch {
	case errors.Is(err, engine.ErrNotFound):
		return c, nil, notConnected(s.conn)
	case err != nil:
		return c, nil, fmt.Errorf("oauth: load token of %s: %w", s.conn, err)
	case c.State == engine.ConnectionNeedsReauth:
		return c, nil, needsReauth(s.conn, c.Reason)
	}
	tok, err := OpenToken(s.box, s.conn, c.Sealed)
	if err != nil {
		return c, nil, fmt.Errorf("oauth: %s: %w: the stored token cannot be opened (%s); connect it again",
			s.conn, engine.ErrNeedsReauth, err.Error())
	}
	return c, tok, nil
}

func (s *Source) save(ctx context.Context, t *oauth2.Token) error {
	sealed, err := SealToken(s.box, s.conn, t)
	if err != nil {
		return err
	}
	if err := s.store.SaveToken(ctx, s.conn, s.gen, sealed, s.now()); err != nil {
		return fmt.Errorf("oauth: save refreshed token of %s: %w", s.conn, err)
	}
	return nil
}

// refused marks the connection and returns the error every caller gets.
func (s *Source) refused(ctx context.Context, gen int64, cause error) error {
	reason := cause.Error()
	if err := s.store.MarkNeedsReauth(context.WithoutCancel(ctx), s.conn, gen, reason, s.now()); err != nil {
		s.log.Error("oauth: mark connection as needing re-authorisation", "connection", s.conn, "err", err)
	}
	s.log.Warn("oauth connection needs re-authorisation; its runs are paused until it is connected again",
		"connection", s.conn, "reason", reason)
	s.cur = nil
	// The cause is Terminal; its text is kept but not its chain, see
	// TokenContext.
	return needsReauth(s.conn, reason)
}

func needsReauth(conn, reason string) error {
	return fmt.Errorf("oauth: %s: %w (token refresh refused: %s); connect it again", conn, engine.ErrNeedsReauth, reason)
}

func notConnected(conn string) error {
	return fmt.Errorf("oauth: %s: %w: %w; connect it first (accord connect %s)", conn, ErrNotConnected,
		engine.ErrNeedsReauth, conn)
}
