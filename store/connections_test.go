package store_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/store/storetest"
)

// onBoth runs fn on a fresh SQLite store and, when ACCORD_TEST_DATABASE_URL
// is set, on a fresh Postgres schema.
func onBoth(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, storetest.OpenSQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, storetest.OpenPostgres(t))
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestConnectionLifecycle(t *testing.T) {
	t.Parallel()
	onBoth(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.FindConnection(ctx, "main"); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("FindConnection before connecting = %v, want ErrNotFound", err)
		}
		c, err := db.SaveConnection(ctx, engine.Connection{Name: "main", Provider: "square", Sealed: []byte("sealed-1"),
			Account: "M123"}, "ann@example.com")
		must(t, err)
		if c.Generation != 1 || c.State != engine.ConnectionActive {
			t.Fatalf("first grant = %+v, want generation 1, active", c)
		}
		at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		must(t, db.SaveToken(ctx, "main", 1, []byte("sealed-2"), at))
		got, err := db.FindConnection(ctx, "main")
		must(t, err)
		if !bytes.Equal(got.Sealed, []byte("sealed-2")) || !got.RefreshedAt.Equal(at) {
			t.Fatalf("after SaveToken: %+v", got)
		}

		// A refused grant is marked once and audited; a stale generation
		// cannot mark a newer grant.
		must(t, db.MarkNeedsReauth(ctx, "main", 1, "invalid_grant: revoked", at))
		must(t, db.MarkNeedsReauth(ctx, "main", 1, "invalid_grant: revoked", at))
		got, _ = db.FindConnection(ctx, "main")
		if got.State != engine.ConnectionNeedsReauth || got.Reason != "invalid_grant: revoked" {
			t.Fatalf("after MarkNeedsReauth: %+v", got)
		}
		entries, _, err := db.FindAudit(ctx, store.AuditFilter{Action: store.ActionNeedsReauth})
		must(t, err)
		if len(entries) != 1 {
			t.Fatalf("needs_reauth audited %d times, want once", len(entries))
		}

		// Reconnecting makes a new generation and clears the state; the old
		// generation can neither save nor mark any more.
		c, err = db.SaveConnection(ctx, engine.Connection{Name: "main", Provider: "square", Sealed: []byte("sealed-3")}, "cli")
		must(t, err)
		if c.Generation != 2 || c.State != engine.ConnectionActive || c.Reason != "" {
			t.Fatalf("second grant = %+v", c)
		}
		if err := db.SaveToken(ctx, "main", 1, []byte("stale"), at); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("SaveToken of an old generation = %v, want ErrConflict", err)
		}
		must(t, db.MarkNeedsReauth(ctx, "main", 1, "late", at))
		got, _ = db.FindConnection(ctx, "main")
		if got.State != engine.ConnectionActive || !bytes.Equal(got.Sealed, []byte("sealed-3")) {
			t.Fatalf("an old generation changed the new grant: %+v", got)
		}
		if err := db.SaveToken(ctx, "other", 1, []byte("x"), at); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("SaveToken of an unknown connection = %v, want ErrNotFound", err)
		}
	})
}

func TestOAuthStateWorksOnce(t *testing.T) {
	t.Parallel()
	onBoth(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		must(t, db.SaveOAuthState(ctx, engine.OAuthState{Hash: "h1", Kind: "state", Pair: "main", Provider: "square",
			Sealed: []byte("verifier"), ExpiresAt: now.Add(10 * time.Minute)}))
		must(t, db.SaveOAuthState(ctx, engine.OAuthState{Hash: "h2", Kind: "state", Pair: "main", Provider: "square",
			ExpiresAt: now.Add(time.Minute)}))
		if _, err := db.TakeOAuthState(ctx, "ticket", "h1", now); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("taking a state as a ticket = %v, want ErrNotFound", err)
		}
		st, err := db.TakeOAuthState(ctx, "state", "h1", now)
		must(t, err)
		if st.Pair != "main" || !bytes.Equal(st.Sealed, []byte("verifier")) {
			t.Fatalf("state = %+v", st)
		}
		if _, err := db.TakeOAuthState(ctx, "state", "h1", now); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("second take = %v, want ErrNotFound", err)
		}
		if _, err := db.TakeOAuthState(ctx, "state", "h2", now.Add(2*time.Minute)); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("take of an expired state = %v, want ErrNotFound", err)
		}
	})
}
