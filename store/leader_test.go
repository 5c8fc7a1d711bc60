package store_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/store/storetest"
)

// replica opens another handle on db's database, as a second process
// would; its clock may differ.
func replica(t *testing.T, db *store.DB, opts store.Options) *store.DB {
	t.Helper()
	r, err := db.Clone(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// elect campaigns with a short interval and resigns when the test ends.
func elect(t *testing.T, db *store.DB, changes *atomic.Int32) *store.Election {
	t.Helper()
	e := db.Elect(context.Background(), "scheduler", store.ElectOpts{Interval: 50 * time.Millisecond,
		OnChange: func(bool) {
			if changes != nil {
				changes.Add(1)
			}
		}})
	t.Cleanup(func() { _ = e.Resign(context.Background()) })
	return e
}

// leads polls until e leads, failing after a generous deadline.
func leads(t *testing.T, e *store.Election, what string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for e.IsLeader(context.Background()) != nil {
		if time.Now().After(deadline) {
			t.Fatalf("%s: still not the leader: %v", what, e.IsLeader(context.Background()))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestElectionOneLeaderAndTakeover(t *testing.T) {
	t.Parallel()
	onBoth(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := elect(t, db, nil)
		if err := a.IsLeader(ctx); err != nil {
			t.Fatalf("a process alone does not lead at once: %v", err)
		}
		other := replica(t, db, store.Options{})
		b := elect(t, other, nil)
		// b has tried at least once when Elect returned, and keeps trying.
		for range 5 {
			err := b.IsLeader(ctx)
			if !errors.Is(err, engine.ErrLocked) || !strings.Contains(err.Error(), "held by") {
				t.Fatalf("standby: IsLeader = %v, want ErrLocked naming the holder", err)
			}
			time.Sleep(60 * time.Millisecond)
		}
		// The same role and a pair lock of the same name do not collide.
		unlock, err := other.LockPair(ctx, "scheduler")
		if err != nil {
			t.Fatalf("a pair named like the role: %v", err)
		}
		_ = unlock(ctx)

		if err := a.Resign(ctx); err != nil {
			t.Fatal(err)
		}
		if a.IsLeader(ctx) == nil {
			t.Fatal("a resigned leader still leads")
		}
		leads(t, b, "standby after the leader resigned")
	})
}

// A leader whose database handle dies (its process crashed) loses the
// role, and the standby takes it over without any clean-up by the dead.
func TestElectionCrashedLeaderIsReplaced(t *testing.T) {
	t.Parallel()
	onBoth(t, func(t *testing.T, db *store.DB) {
		crashing := replica(t, db, store.Options{})
		a := elect(t, crashing, nil)
		leads(t, a, "first process")
		b := elect(t, db, nil)
		if b.IsLeader(context.Background()) == nil {
			t.Fatal("two leaders at once")
		}
		_ = crashing.Close() // what a crash does to the connections
		leads(t, b, "standby after the leader crashed")
	})
}

// On SQLite a lease that stopped being renewed in time (a clock far behind
// stands for a leader that stalled past its TTL) is taken over, and the old
// leader learns at its next renewal that it no longer leads.
func TestElectionSQLiteExpiredLeaseTakenOver(t *testing.T) {
	t.Parallel()
	db := storetest.OpenSQLite(t)
	behind := replica(t, db, store.Options{Now: func() time.Time { return time.Now().Add(-time.Hour) },
		Host: "elsewhere", PID: 1})
	var changes atomic.Int32
	stale := elect(t, behind, &changes)
	if err := stale.IsLeader(context.Background()); err != nil {
		t.Fatal(err)
	}
	fresh := elect(t, db, nil)
	leads(t, fresh, "a process facing an expired lease")
	deadline := time.Now().Add(20 * time.Second)
	for stale.IsLeader(context.Background()) == nil {
		if time.Now().After(deadline) {
			t.Fatal("the stale leader never noticed it was replaced")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := changes.Load(); n != 2 {
		t.Errorf("the stale leader was told of %d changes, want 2 (gained, lost)", n)
	}
}
