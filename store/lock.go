package store

import (
	"context"
	"sync"
)

// heldLock is a pair lock this handle holds. release is idempotent, so the
// caller's unlock and Close may both call it.
type heldLock struct {
	once sync.Once
	err  error
	free func(ctx context.Context) error // unlock
	drop func(ctx context.Context) error // abandon, as a crash would
}

func (l *heldLock) release(ctx context.Context) error {
	l.once.Do(func() { l.err = l.free(ctx) })
	return l.err
}

func (l *heldLock) abandon(ctx context.Context) error {
	l.once.Do(func() { l.err = l.drop(ctx) })
	return l.err
}

// LockPair takes the pair's lock or fails with an error wrapping
// engine.ErrLocked that names the holder. The returned function releases
// it; Close releases any lock still held.
//
// On Postgres the lock is a session advisory lock held on a dedicated
// connection, so it dies with the connection if the process does. On SQLite
// it is a lease row renewed by a heartbeat; an expired lease, or one left by
// a process of this host that no longer exists, can be taken.
//
// Close abandons the locks still held: on Postgres it closes their
// connections, which is what a crash does, and the server lets them go.
func (db *DB) LockPair(ctx context.Context, pair string) (func(context.Context) error, error) {
	var (
		free, drop func(context.Context) error
		err        error
	)
	if db.dialect == DialectPostgres {
		free, drop, err = db.lockAdvisory(ctx, pair)
	} else {
		free, err = db.lockLease(ctx, pair)
		drop = free
	}
	if err != nil {
		return nil, err
	}
	return db.track(free, drop).release, nil
}
