package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/accordhq/accord/engine"
)

// advisoryKey derives the pair's advisory lock key. The schema is part of it
// because advisory locks are database-wide.
func (db *DB) advisoryKey(pair string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("accord:" + db.lockScope + ":" + pair))
	return int64(h.Sum64())
}

// lockAdvisory takes a session advisory lock on a connection of its own and
// keeps that connection out of the pool until unlock.
func (db *DB) lockAdvisory(ctx context.Context, pair string) (unlock, drop func(context.Context) error, err error) {
	key := db.advisoryKey(pair)
	conn, err := db.sqlDB.Conn(ctx)
	if err != nil {
		return nil, nil, wrapf(err, "lock pair %s: get connection", pair)
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&ok); err != nil {
		_ = conn.Close()
		return nil, nil, wrapf(err, "lock pair %s", pair)
	}
	if !ok {
		holder := advisoryHolder(ctx, conn, key)
		_ = conn.Close()
		return nil, nil, fmt.Errorf("store: lock pair %s: held by %s: %w", pair, holder, engine.ErrLocked)
	}
	drop = func(context.Context) error {
		// Discarding the connection ends the session and with it the lock.
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		return nil
	}
	unlock = func(ctx context.Context) error {
		var released bool
		err := conn.QueryRowContext(ctx, "SELECT pg_advisory_unlock($1)", key).Scan(&released)
		if err != nil || !released {
			// The session may still hold the lock: discard the connection
			// rather than return it to the pool, which ends the session.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		cerr := conn.Close()
		if err != nil {
			return wrapf(err, "unlock pair %s", pair)
		}
		if !released {
			return fmt.Errorf("store: unlock pair %s: the lock was not held", pair)
		}
		if cerr != nil && !errors.Is(cerr, sql.ErrConnDone) {
			return wrapf(cerr, "unlock pair %s: release connection", pair)
		}
		return nil
	}
	return unlock, drop, nil
}

// advisoryHolder describes the session holding key, for the error message.
// A 64-bit key is split by Postgres into classid (high half) and objid (low
// half).
func advisoryHolder(ctx context.Context, conn *sql.Conn, key int64) string {
	u := uint64(key)
	var (
		pid     int64
		app     sql.NullString
		addr    sql.NullString
		started sql.NullTime
	)
	err := conn.QueryRowContext(ctx, `
		SELECT a.pid, a.application_name, host(a.client_addr), a.backend_start
		FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted
		  AND l.classid::bigint = $1 AND l.objid::bigint = $2 AND l.objsubid = 1
		LIMIT 1`, int64(u>>32), int64(u&0xffffffff)).Scan(&pid, &app, &addr, &started)
	if err != nil {
		return "another session"
	}
	s := fmt.Sprintf("postgres backend %d", pid)
	if app.String != "" {
		s += fmt.Sprintf(" (%s", app.String)
		if addr.String != "" {
			s += " from " + addr.String
		}
		s += ")"
	}
	if started.Valid {
		s += " connected since " + started.Time.UTC().Format(time.RFC3339)
	}
	return s
}
