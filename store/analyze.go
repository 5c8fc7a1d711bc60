package store

import (
	"context"
	"log/slog"
	"sync"
)

// planStats keeps Postgres's planner statistics fresh while a run writes
// in bulk. A first run loads a million records and links into tables the
// planner last saw empty; with those statistics it picks a full scan for
// every key lookup, and matching slows a thousandfold. Autovacuum catches up
// too late for a run in progress, so the store analyses the tables itself
// after every large batch of writes.
type planStats struct {
	mu      sync.Mutex
	written int64 // rows written since the last ANALYZE
	known   int64 // rows written before it, a floor on the tables' size
}

// analyzeEvery is the smallest batch of writes worth an ANALYZE; past it,
// an ANALYZE follows each doubling. Plans go wrong when a table the planner
// believes empty holds thousands of rows, not when it grew by a quarter,
// and each ANALYZE samples the big tables for about a second: at a quarter
// a first run of 100,000 customers a side paid for 17 of them, at a
// doubling 7.
const analyzeEvery = 10000

// noteWrites counts n written rows and analyses the hot tables when enough
// accumulated. It never fails the caller: stale statistics cost speed only.
func (db *DB) noteWrites(ctx context.Context, n int) {
	if db.dialect != DialectPostgres || n <= 0 {
		return
	}
	s := &db.stats
	s.mu.Lock()
	s.written += int64(n)
	due := s.written >= max(analyzeEvery, s.known)
	if due {
		s.known += s.written
		s.written = 0
	}
	s.mu.Unlock()
	if !due {
		return
	}
	err := db.orm(context.WithoutCancel(ctx)).
		Exec("ANALYZE records, record_keys, links, suggestions, duplicate_members, conflicts, outbox, run_outcomes").Error
	if err != nil {
		db.log.LogAttrs(ctx, slog.LevelWarn, "store: analyze after bulk writes", slog.String("err", err.Error()))
	}
}
