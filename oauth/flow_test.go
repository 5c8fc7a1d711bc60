package oauth_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/oauth"
	"github.com/accordhq/accord/store"
)

// TestConnectRefreshAndReauthorise walks a connection through its life on
// each simulator: connect, use, expire, refresh (saved, encrypted), and a
// refused grant that marks the connection and stops every later call
// before it reaches the provider. No token ever reaches a log line.
func TestConnectRefreshAndReauthorise(t *testing.T) {
	t.Parallel()
	eachCase(t, func(t *testing.T, dialect, provider string) {
		b := setup(t, dialect, provider)
		ctx := context.Background()

		c := b.connect()
		if c.Generation != 1 || c.State != engine.ConnectionActive || c.Provider != provider || c.Account == "" {
			t.Fatalf("connection: generation %d, state %s, provider %s, account %q", c.Generation, c.State, c.Provider, c.Account)
		}
		if provider == "square" && b.ctl.pkce() != 1 {
			t.Fatal("Square: the simulator did not verify a PKCE code_verifier")
		}
		_, access1, refresh1 := b.stored()
		var seen []string // every token issued, to look for in the logs
		seen = append(seen, access1, refresh1)
		if bytes.Contains(c.Sealed, []byte(access1)) || bytes.Contains(c.Sealed, []byte(refresh1)) {
			t.Fatal("the stored bytes contain a token: tokens must be encrypted at rest")
		}
		audit, _, err := b.db.FindAudit(ctx, store.AuditFilter{Action: store.ActionConnect})
		if err != nil || len(audit) != 1 || audit[0].Actor != "ann@example.com" {
			t.Fatalf("connect audit = %+v, %v", audit, err)
		}

		// The API accepts the access token.
		if _, err := b.api.Pull(ctx, ""); err != nil {
			t.Fatalf("pull with the connection's token: %v", err)
		}
		if b.ctl.refreshed() != 0 {
			t.Fatal("a fresh token was refreshed")
		}

		// Past its refresh margin, the next call refreshes first and the
		// refreshed token is saved before it is used.
		b.clock.Add(b.ctl.ttl - time.Minute)
		if _, err := b.api.Pull(ctx, ""); err != nil {
			t.Fatalf("pull after expiry: %v", err)
		}
		c2, access2, refresh2 := b.stored()
		seen = append(seen, access2, refresh2)
		switch {
		case b.ctl.refreshed() != 1:
			t.Fatalf("refreshes = %d, want 1", b.ctl.refreshed())
		case access2 == access1 || c2.RefreshedAt.IsZero() || c2.Generation != 1:
			t.Fatalf("the refreshed token was not saved (generation %d, refreshed at %v)", c2.Generation, c2.RefreshedAt)
		case b.ctl.rotating && refresh2 == refresh1:
			t.Fatal("X-Series: the rotated refresh token was not saved")
		case !b.ctl.rotating && refresh2 != refresh1:
			t.Fatal("Square: the multi-use refresh token changed")
		case bytes.Contains(c2.Sealed, []byte(access2)):
			t.Fatal("the refreshed token is stored in clear")
		}
		if b.ctl.rotating {
			// The rotated-away refresh token is dead at the provider.
			_, err := b.provider.Refresh(ctx, tokenWith(refresh1))
			if !engine.IsTerminal(err) || !strings.Contains(err.Error(), "invalid_grant") {
				t.Fatalf("refresh with the old refresh token = %v, want a Terminal invalid_grant", err)
			}
		}

		// The merchant removes the app: the next refresh is refused.
		b.ctl.revoke()
		b.clock.Add(b.ctl.ttl)
		refused := b.ctl.refused()
		_, err = b.api.Pull(ctx, "")
		if !errors.Is(err, engine.ErrNeedsReauth) || engine.IsTerminal(err) {
			t.Fatalf("pull after revocation = %v, want ErrNeedsReauth (not Terminal, so writes are kept)", err)
		}
		if !errors.Is(err, engine.ErrBudgetExhausted) {
			t.Fatal("ErrNeedsReauth must stop a run the way an exhausted budget does")
		}
		c3, err := b.db.FindConnection(ctx, "main")
		if err != nil || c3.State != engine.ConnectionNeedsReauth || !strings.Contains(c3.Reason, "HTTP 4") {
			t.Fatalf("connection after the refusal: state %s, reason %q, %v", c3.State, c3.Reason, err)
		}
		if err := oauth.CheckConnection(ctx, b.db, "main"); !errors.Is(err, engine.ErrNeedsReauth) {
			t.Fatalf("CheckConnection = %v, want ErrNeedsReauth", err)
		}
		es, _, _ := b.db.FindAudit(ctx, store.AuditFilter{Action: store.ActionNeedsReauth})
		if len(es) != 1 {
			t.Fatalf("needs_reauth audited %d times, want once", len(es))
		}
		// Later calls fail at once: no token request, no API call.
		calls, refusedNow := b.ctl.calls(), b.ctl.refused()
		if refusedNow != refused+1 {
			t.Fatalf("token refusals = %d, want %d", refusedNow, refused+1)
		}
		for range 3 {
			if _, err := b.api.Pull(ctx, ""); !errors.Is(err, engine.ErrNeedsReauth) {
				t.Fatalf("pull while paused = %v", err)
			}
		}
		if b.ctl.refused() != refusedNow || b.ctl.calls() != calls {
			t.Fatal("a paused connection still calls the provider")
		}

		// Connecting again resumes it, as a new generation.
		if c4 := b.connect(); c4.Generation != 2 || c4.State != engine.ConnectionActive {
			t.Fatalf("reconnected: generation %d, state %s", c4.Generation, c4.State)
		}
		_, access4, refresh4 := b.stored()
		seen = append(seen, access4, refresh4)
		if _, err := b.api.Pull(ctx, ""); err != nil {
			t.Fatalf("pull after reconnecting: %v", err)
		}

		logs := b.logs.String()
		if !strings.Contains(logs, "needs re-authorisation") || !strings.Contains(logs, "oauth token refreshed") {
			t.Fatalf("the logs do not tell the story:\n%s", logs)
		}
		for _, tok := range seen {
			if tok != "" && strings.Contains(logs, tok) {
				t.Fatalf("a token is in the logs:\n%s", logs)
			}
		}
	})
}

// TestStateMustMatch refuses callbacks whose state is not the stored one
// and the browser's: forged, replayed, or from another browser.
func TestStateMustMatch(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite", "square")
	ctx := context.Background()
	authURL, state, err := b.flow.Start(ctx, "main", "ann@example.com")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(authURL)
	if u.Query().Get("state") != state || len(state) < 8 || u.Query().Get("code_challenge") == "" {
		t.Fatalf("authorization URL %s lacks the state or the PKCE challenge", authURL)
	}
	q := b.authorize(authURL)
	forged := url.Values{"code": q["code"], "state": {"forged-state-value"}}
	for name, try := range map[string]struct {
		q      url.Values
		cookie string
	}{
		"no cookie":       {q, ""},
		"another browser": {q, "some-other-state-value"},
		"forged state":    {forged, "forged-state-value"},
	} {
		if _, err := b.flow.Finish(ctx, try.q, try.cookie); !errors.Is(err, oauth.ErrBadState) {
			t.Errorf("%s: Finish = %v, want ErrBadState", name, err)
		}
	}
	if _, err := b.flow.Finish(ctx, q, state); err != nil {
		t.Fatalf("the genuine callback: %v", err)
	}
	if _, err := b.flow.Finish(ctx, q, state); !errors.Is(err, oauth.ErrBadState) {
		t.Fatalf("a replayed callback = %v, want ErrBadState", err)
	}
	// A denial consumes the state and says so.
	_, state2, _ := b.flow.Start(ctx, "main", "ann@example.com")
	denied := url.Values{"state": {state2}, "error": {"access_denied"}, "error_description": {"user_denied"}}
	if _, err := b.flow.Finish(ctx, denied, state2); !errors.Is(err, oauth.ErrDenied) {
		t.Fatalf("a denial = %v, want ErrDenied", err)
	}
}

// TestTicketsWorkOnce covers the command line's start links.
func TestTicketsWorkOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite", "lightspeed")
	ctx := context.Background()
	ticket, err := b.flow.NewTicket(ctx, "main", "cli")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.flow.UseTicket(ctx, "other", ticket); !errors.Is(err, oauth.ErrBadTicket) {
		t.Fatalf("ticket for another pair = %v", err)
	}
	ticket, _ = b.flow.NewTicket(ctx, "main", "cli")
	if actor, err := b.flow.UseTicket(ctx, "main", ticket); err != nil || actor != "cli" {
		t.Fatalf("UseTicket = %q, %v", actor, err)
	}
	if _, err := b.flow.UseTicket(ctx, "main", ticket); !errors.Is(err, oauth.ErrBadTicket) {
		t.Fatalf("second use = %v, want ErrBadTicket", err)
	}
	if _, err := b.flow.NewTicket(ctx, "nope", "cli"); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("ticket for an unknown pair = %v", err)
	}
	if !b.flow.Handles("main") || b.flow.Handles("nope") {
		t.Fatalf("Handles(main) = %v, Handles(nope) = %v", b.flow.Handles("main"), b.flow.Handles("nope"))
	}
}

// TestThrottledRefreshStaysConnected: a 429 or 5xx from the token endpoint
// is retried later and never marks the connection.
func TestThrottledRefreshStaysConnected(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite", "lightspeed")
	b.connect()
	b.clock.Add(b.ctl.ttl)
	ctx := context.Background()
	srv := b.srv.Config.Handler.(interface{ FailTokenRequests(...int) })
	srv.FailTokenRequests(http.StatusTooManyRequests, http.StatusBadGateway)
	for range 2 {
		_, err := b.api.Pull(ctx, "")
		if err == nil || errors.Is(err, engine.ErrNeedsReauth) || engine.IsTerminal(err) {
			t.Fatalf("pull while the token endpoint throttles = %v, want a retryable error", err)
		}
	}
	if c, _, _ := b.stored(); c.State != engine.ConnectionActive {
		t.Fatalf("a throttled refresh marked the connection %s", c.State)
	}
	if _, err := b.api.Pull(ctx, ""); err != nil {
		t.Fatalf("pull once the endpoint answers: %v", err)
	}
}
