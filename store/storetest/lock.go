package storetest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

// clone opens a second handle on db's database, as another process would.
func clone(t *testing.T, db *store.DB, opts store.Options) *store.DB {
	t.Helper()
	c, err := db.Clone(bg(), opts)
	ok(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// deadPID returns the id of a process that has exited and been reaped.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatalf("run a short-lived process: %v", err)
	}
	return cmd.Process.Pid
}

func onlyOn(t *testing.T, db *store.DB, dialect string) {
	t.Helper()
	if db.Dialect() != dialect {
		t.Skipf("%s only", dialect)
	}
}

var lockTests = []test{
	{"Lock/Exclusive", func(t *testing.T, db *store.DB) {
		other := clone(t, db, store.Options{})
		unlock, err := db.LockPair(bg(), pair)
		ok(t, err)
		_, err = other.LockPair(bg(), pair)
		isErr(t, err, engine.ErrLocked)
		if !strings.Contains(err.Error(), "held by") {
			t.Fatalf("error %q does not name the holder", err)
		}
		_, err = db.LockPair(bg(), pair) // not re-entrant either
		isErr(t, err, engine.ErrLocked)
		u2, err := other.LockPair(bg(), "another-pair")
		ok(t, err)
		ok(t, u2(bg()))
		ok(t, unlock(bg()))
		unlock, err = other.LockPair(bg(), pair)
		ok(t, err)
		ok(t, unlock(bg()))
	}},
	{"Lock/SQLiteExpiredLeaseTaken", func(t *testing.T, db *store.DB) {
		onlyOn(t, db, store.DialectSQLite)
		// A holder whose clock is an hour behind wrote a lease that has
		// already expired by everyone else's clock.
		stale := clone(t, db, store.Options{Now: func() time.Time { return time.Now().Add(-time.Hour) }, Host: "elsewhere", PID: 1})
		_, err := stale.LockPair(bg(), pair)
		ok(t, err)
		unlock, err := db.LockPair(bg(), pair)
		ok(t, err)
		ok(t, unlock(bg()))
	}},
	{"Lock/SQLiteDeadProcessLeaseTaken", func(t *testing.T, db *store.DB) {
		onlyOn(t, db, store.DialectSQLite)
		host, _ := os.Hostname()
		dead := deadPID(t)
		crashed := clone(t, db, store.Options{Host: host, PID: dead})
		_, err := crashed.LockPair(bg(), pair)
		ok(t, err)
		unlock, err := db.LockPair(bg(), pair)
		ok(t, err)
		ok(t, unlock(bg()))
		// The same pid on another host cannot be checked: it must expire.
		remote := clone(t, db, store.Options{Host: "elsewhere", PID: dead})
		_, err = remote.LockPair(bg(), pair)
		ok(t, err)
		_, err = db.LockPair(bg(), pair)
		isErr(t, err, engine.ErrLocked)
	}},
	{"Lock/SQLiteHeartbeatKeepsLease", func(t *testing.T, db *store.DB) {
		onlyOn(t, db, store.DialectSQLite)
		holder := clone(t, db, store.Options{LeaseTTL: 600 * time.Millisecond})
		unlock, err := holder.LockPair(bg(), pair)
		ok(t, err)
		time.Sleep(1500 * time.Millisecond) // more than two TTLs
		_, err = db.LockPair(bg(), pair)
		isErr(t, err, engine.ErrLocked)
		ok(t, unlock(bg()))
		unlock, err = db.LockPair(bg(), pair)
		ok(t, err)
		ok(t, unlock(bg()))
	}},
	{"Lock/PostgresReleasedWithItsConnection", func(t *testing.T, db *store.DB) {
		onlyOn(t, db, store.DialectPostgres)
		crashed, err := db.Clone(bg(), store.Options{})
		ok(t, err)
		_, err = crashed.LockPair(bg(), pair)
		ok(t, err)
		_, err = db.LockPair(bg(), pair)
		isErr(t, err, engine.ErrLocked)
		ok(t, crashed.Close()) // closes the lock's connection without unlocking
		// The server notices the closed connection asynchronously.
		ctx, cancel := context.WithTimeout(bg(), 10*time.Second)
		defer cancel()
		for {
			unlock, err := db.LockPair(bg(), pair)
			if err == nil {
				ok(t, unlock(bg()))
				return
			}
			if !errors.Is(err, engine.ErrLocked) || ctx.Err() != nil {
				t.Fatalf("lock after the holder's connection closed: %v", err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}},
}
