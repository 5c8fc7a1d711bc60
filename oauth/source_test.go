package oauth_test

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/oauth"
	"github.com/accordhq/accord/secret"
	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/store/storetest"
)

// rotating is a provider whose refresh tokens rotate: each may be used
// once, like X-Series'.
type rotating struct {
	mu    sync.Mutex
	valid map[string]bool
	n     int
	calls int
	// before, when set, runs once before a refresh (another process's
	// refresh racing this one).
	before func()
}

func (p *rotating) AuthURL(string, string) string { return "" }
func (p *rotating) PKCE() bool                    { return false }
func (p *rotating) RefreshBefore() time.Duration  { return time.Minute }
func (p *rotating) Exchange(context.Context, url.Values, string) (*oauth2.Token, string, error) {
	return p.issue(), "acct", nil
}

func (p *rotating) issue() *oauth2.Token {
	p.n++
	rt := "rt-" + string(rune('a'+p.n))
	p.valid[rt] = true
	return &oauth2.Token{AccessToken: "at-" + string(rune('a'+p.n)), RefreshToken: rt,
		Expiry: time.Now().Add(time.Hour)}
}

func (p *rotating) Refresh(_ context.Context, t *oauth2.Token) (*oauth2.Token, error) {
	if f := p.before; f != nil {
		p.before = nil
		f()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	if !p.valid[t.RefreshToken] {
		return nil, engine.Terminal(errors.New("HTTP 400 invalid_grant"))
	}
	delete(p.valid, t.RefreshToken)
	return p.issue(), nil
}

// flakyStore fails the next SaveToken calls.
type flakyStore struct {
	*store.DB
	fail int
}

func (f *flakyStore) SaveToken(ctx context.Context, name string, gen int64, sealed []byte, at time.Time) error {
	if f.fail > 0 {
		f.fail--
		return errors.New("database is down")
	}
	return f.DB.SaveToken(ctx, name, gen, sealed, at)
}

func seed(t *testing.T, db *store.DB, box *secret.Box, tok *oauth2.Token) {
	t.Helper()
	sealed, err := oauth.SealToken(box, "main", tok)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveConnection(context.Background(), engine.Connection{Name: "main", Provider: "fake",
		Sealed: sealed}, "test"); err != nil {
		t.Fatal(err)
	}
}

// TestRotatedTokenIsSavedBeforeUse: when saving a rotated token fails, it
// is not handed out; it is kept and saved first on the next call, because
// the refresh token it replaced is already dead.
func TestRotatedTokenIsSavedBeforeUse(t *testing.T) {
	t.Parallel()
	db := storetest.OpenSQLite(t)
	box, _ := secret.NewBox(bytes.Repeat([]byte{1}, secret.KeySize))
	p := &rotating{valid: map[string]bool{}}
	first := p.issue()
	first.Expiry = time.Now().Add(-time.Minute)
	seed(t, db, box, first)
	fs := &flakyStore{DB: db, fail: 1}
	src := oauth.NewSource(oauth.SourceOptions{Conn: "main", Store: fs, Box: box, Provider: p})
	if _, err := src.Token(); err == nil {
		t.Fatal("a token was handed out although it could not be saved")
	}
	tok, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	if p.calls != 1 {
		t.Fatalf("refreshes = %d, want 1: the unsaved token must be saved, not refreshed again", p.calls)
	}
	c, _ := db.FindConnection(context.Background(), "main")
	stored, _ := oauth.OpenToken(box, "main", c.Sealed)
	if stored.RefreshToken != tok.RefreshToken || c.State != engine.ConnectionActive {
		t.Fatalf("stored refresh token %q, state %s; want %q, active", stored.RefreshToken, c.State, tok.RefreshToken)
	}
}

// TestAnotherProcessRotatedFirst: two processes share a connection; the
// one that refreshes second holds a dead refresh token, and must adopt the
// other's token instead of marking the connection.
func TestAnotherProcessRotatedFirst(t *testing.T) {
	t.Parallel()
	db := storetest.OpenSQLite(t)
	box, _ := secret.NewBox(bytes.Repeat([]byte{1}, secret.KeySize))
	p := &rotating{valid: map[string]bool{}}
	first := p.issue()
	first.Expiry = time.Now().Add(-time.Minute)
	seed(t, db, box, first)
	a := oauth.NewSource(oauth.SourceOptions{Conn: "main", Store: db, Box: box, Provider: p})
	b := oauth.NewSource(oauth.SourceOptions{Conn: "main", Store: db, Box: box, Provider: p})
	// b has read the old token and is about to refresh it when a does.
	var ta *oauth2.Token
	var aerr error
	p.before = func() { ta, aerr = a.Token() }
	tb, err := b.Token()
	if aerr != nil {
		t.Fatal(aerr)
	}
	if err != nil {
		t.Fatalf("the second process: %v", err)
	}
	if p.calls != 2 {
		t.Fatalf("refreshes = %d, want 2 (one refused)", p.calls)
	}
	p.calls = 1
	if ta.AccessToken != tb.AccessToken || p.calls != 1 {
		t.Fatalf("processes hold %q and %q after %d refreshes; want one refresh, shared", ta.AccessToken,
			tb.AccessToken, p.calls)
	}
	if c, _ := db.FindConnection(context.Background(), "main"); c.State != engine.ConnectionActive {
		t.Fatal("the connection was marked although the grant is good")
	}
}
