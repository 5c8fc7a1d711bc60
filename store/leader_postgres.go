package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"hash/fnv"

	"github.com/accordhq/accord/engine"
)

// leaderKey derives the role's advisory lock key. The prefix differs from
// advisoryKey's, so no pair's lock can share a role's key.
func (db *DB) leaderKey(name string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("accord-leader:" + db.lockScope + ":" + name))
	return int64(h.Sum64())
}

// leaderAdvisory takes the role as a session advisory lock on a connection
// kept out of the pool for as long as the role is held. The session's TCP
// keepalives are shortened so that the server notices a vanished leader in
// about 25s instead of the operating system's default two hours; where
// they cannot be set (a Unix socket ignores them) the lock still dies with
// the connection.
func (db *DB) leaderAdvisory(ctx context.Context, name string) (leaderLock, error) {
	key := db.leaderKey(name)
	conn, err := db.sqlDB.Conn(ctx)
	if err != nil {
		return leaderLock{}, wrapf(err, "lead %s: get connection", name)
	}
	discard := func() { _ = conn.Raw(func(any) error { return driver.ErrBadConn }); _ = conn.Close() }
	var ok bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&ok); err != nil {
		discard()
		return leaderLock{}, wrapf(err, "lead %s", name)
	}
	if !ok {
		holder := advisoryHolder(ctx, conn, key)
		_ = conn.Close()
		return leaderLock{}, fmt.Errorf("store: lead %s: held by %s: %w", name, holder, engine.ErrLocked)
	}
	if _, err := conn.ExecContext(ctx, `SELECT set_config('tcp_keepalives_idle', '10', false),
		set_config('tcp_keepalives_interval', '5', false), set_config('tcp_keepalives_count', '3', false)`); err != nil {
		db.log.Warn("store: shorten the leader session's keepalives", "role", name, "err", err)
	}
	u := uint64(key)
	verify := func(ctx context.Context) error {
		var n int
		err := conn.QueryRowContext(ctx, `SELECT count(*) FROM pg_locks
			WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()
			  AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 1`,
			int64(u>>32), int64(u&0xffffffff)).Scan(&n)
		switch {
		case err != nil:
			return wrapf(err, "check leadership of %s", name)
		case n == 0:
			return fmt.Errorf("store: check leadership of %s: the session no longer holds the lock: %w", name, engine.ErrLocked)
		}
		return nil
	}
	// Ending the session is what releases the lock for sure, whether or
	// not the unlock got through, and the connection's keepalive settings
	// must not go back to the pool either.
	free := func(ctx context.Context) error {
		_, err := conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", key)
		discard()
		return wrapf(err, "resign %s", name)
	}
	drop := func(context.Context) error { discard(); return nil }
	return leaderLock{verify: verify, free: free, drop: drop}, nil
}
