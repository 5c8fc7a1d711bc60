package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/accordhq/accord/engine"
)

// Election is this process's candidacy for a role that one process at a
// time may hold, such as firing the scheduled runs when several replicas
// share one database. It campaigns in the background from Elect until
// Resign: a standby tries to take the role every Interval, and the leader
// checks every Interval that it still holds it, giving it up at the first
// doubt. Two processes may both believe they lead for at most one Interval
// after a connection is lost; what they lead must therefore stay safe
// without it (runs still take the pair lock).
//
// On Postgres the role is a session advisory lock on a connection of its
// own. When the leader's process exits or crashes, its operating system
// closes the connection and the server releases the lock at once. When its
// host or network disappears instead, the server notices through the TCP
// keepalives this session asks for (10s idle, then 3 probes 5s apart), so
// the lock is free within about 25s, and a standby holds it one Interval
// later. A connection pooler in transaction mode (pgbouncer) breaks session
// locks: point accord at the server or a session-mode pool.
//
// On SQLite the role is a lease row (the pair lease table, under a name no
// pair can have) that the leader renews every Interval. A lease expires
// LeaseTTL after its last renewal, or at once when it belongs to a process
// of this host that no longer exists, so a standby takes over within
// LeaseTTL plus one Interval.
type Election struct {
	db       *DB
	name     string
	interval time.Duration
	onChange func(leader bool)

	mu     sync.Mutex
	held   *heldLock
	verify func(context.Context) error
	last   error // why the last attempt to lead failed, for IsLeader

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// ElectOpts tune an election. The zero value is usable.
type ElectOpts struct {
	// Interval is how often a standby tries to take the role and the
	// leader checks that it still holds it. Default 5s on Postgres and a
	// third of LeaseTTL on SQLite, which is also the lease's renewal.
	Interval time.Duration
	// OnChange is told, on the election's goroutine, each time this
	// process gains or loses the role.
	OnChange func(leader bool)
}

// leaderLock is a held role: verify fails once it is no longer held.
type leaderLock struct {
	verify     func(context.Context) error
	free, drop func(context.Context) error
}

// Elect starts campaigning for the role name and returns at once; the
// first attempt is made before Elect returns, so a process alone wins
// without waiting an Interval. Close abandons a role still held, as a
// crash would.
func (db *DB) Elect(ctx context.Context, name string, opts ElectOpts) *Election {
	if opts.Interval <= 0 {
		opts.Interval = 5 * time.Second
		if db.dialect == DialectSQLite {
			opts.Interval = db.opts.LeaseTTL / 3
		}
	}
	if opts.OnChange == nil {
		opts.OnChange = func(bool) {}
	}
	e := &Election{db: db, name: name, interval: opts.Interval, onChange: opts.OnChange,
		stop: make(chan struct{}), done: make(chan struct{})}
	e.step(ctx)
	go e.campaign()
	return e
}

func (e *Election) campaign() {
	defer close(e.done)
	t := time.NewTicker(e.interval)
	defer t.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-t.C:
		}
		e.step(context.Background())
	}
}

// step makes one attempt to take the role, or one check that it is still
// held. Each is bounded by the interval, so a database that stops answering
// costs the leader its role rather than stalling the campaign.
func (e *Election) step(parent context.Context) {
	ctx, cancel := context.WithTimeout(parent, e.interval)
	defer cancel()
	e.mu.Lock()
	held, verify := e.held, e.verify
	e.mu.Unlock()
	if held != nil {
		err := verify(ctx)
		if err == nil {
			return
		}
		e.db.log.Warn("store: leadership lost", "role", e.name, "err", err)
		_ = held.abandon(context.WithoutCancel(ctx))
		e.mu.Lock()
		e.held, e.verify, e.last = nil, nil, err
		e.mu.Unlock()
		e.onChange(false)
		return
	}
	l, err := e.db.lockLeader(ctx, e.name)
	if err != nil {
		e.mu.Lock()
		e.last = err
		e.mu.Unlock()
		if !errors.Is(err, engine.ErrLocked) {
			e.db.log.Warn("store: campaign for leadership", "role", e.name, "err", err)
		}
		return
	}
	h := e.db.track(l.free, l.drop)
	e.mu.Lock()
	e.held, e.verify, e.last = h, l.verify, nil
	e.mu.Unlock()
	e.onChange(true)
}

// IsLeader returns nil while this process holds the role, and otherwise an
// error wrapping engine.ErrLocked that says who holds it when known. Its
// signature is the one gocron's Elector asks for.
func (e *Election) IsLeader(context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case e.held != nil:
		return nil
	case errors.Is(e.last, engine.ErrLocked):
		return fmt.Errorf("store: not the %s leader: %w", e.name, e.last)
	case e.last != nil:
		return fmt.Errorf("store: not the %s leader (%w): the last attempt failed: %w", e.name, engine.ErrLocked, e.last)
	}
	return fmt.Errorf("store: not the %s leader: %w", e.name, engine.ErrLocked)
}

// Resign stops campaigning and gives up the role if it is held. It is
// idempotent.
func (e *Election) Resign(ctx context.Context) error {
	var err error
	e.once.Do(func() {
		close(e.stop)
		<-e.done
		e.mu.Lock()
		held := e.held
		e.held, e.verify = nil, nil
		e.mu.Unlock()
		if held != nil {
			err = held.release(ctx)
			e.onChange(false)
		}
	})
	if err != nil {
		return fmt.Errorf("store: resign %s: %w", e.name, err)
	}
	return nil
}

// lockLeader takes the role on this dialect, or fails with an error
// wrapping engine.ErrLocked that names the holder.
func (db *DB) lockLeader(ctx context.Context, name string) (leaderLock, error) {
	if db.dialect == DialectPostgres {
		return db.leaderAdvisory(ctx, name)
	}
	return db.leaderLease(ctx, name)
}

// track registers a held lock so that Close abandons it.
func (db *DB) track(free, drop func(context.Context) error) *heldLock {
	l := &heldLock{}
	forget := func() {
		db.mu.Lock()
		delete(db.locks, l)
		db.mu.Unlock()
	}
	l.free = func(ctx context.Context) error { forget(); return free(ctx) }
	l.drop = func(ctx context.Context) error { forget(); return drop(ctx) }
	db.mu.Lock()
	db.locks[l] = struct{}{}
	db.mu.Unlock()
	return l
}
