package store

import (
	"context"

	"github.com/accordhq/accord/engine"
)

// EachRunAfter calls fn with every run whose id is above afterID, in id
// order, with its pair, status, start, API calls and counts filled in. It
// streams: a history of a million runs is not held in memory. The metrics
// read it to sum runs and outcomes from the store, so that every replica
// reports the same, and only the runs they have not summed yet.
func (db *DB) EachRunAfter(ctx context.Context, afterID int64, fn func(engine.Run) error) error {
	rows, err := db.orm(ctx).Model(&runRow{}).Select("id, pair, status, started_at, api_calls, counts").
		Where("id > ?", afterID).Order("id").Rows()
	if err != nil {
		return wrapf(err, "read runs after %d", afterID)
	}
	defer rows.Close()
	for rows.Next() {
		var r runRow
		if err := rows.Scan(&r.ID, &r.Pair, &r.Status, &r.StartedAt, &r.APICalls, &r.Counts); err != nil {
			return wrapf(err, "read runs after %d: scan", afterID)
		}
		if err := fn(engine.Run{ID: r.ID, Pair: r.Pair, Status: engine.RunStatus(r.Status),
			StartedAt: r.StartedAt.UTC(), APICalls: r.APICalls, Counts: countsFrom(r.Counts)}); err != nil {
			return err
		}
	}
	return wrapf(rows.Err(), "read runs after %d", afterID)
}

// openWrites are the outbox states a write can still leave: its depth.
// Done and discarded writes, a million after a first reconcile, are left
// out, so the count reads the (pair, status) index's small part only.
var openWrites = []string{string(engine.WritePlanned), string(engine.WriteHeld), string(engine.WritePending),
	string(engine.WriteInflight), string(engine.WriteDead)}

// OutboxDepth counts the outbox's unfinished writes (planned, held,
// pending, inflight and dead) by pair and status.
func (db *DB) OutboxDepth(ctx context.Context) (map[string]map[engine.WriteStatus]int, error) {
	return db.countOpenWrites(ctx, "")
}

// CountOpenWrites counts the pair's unfinished writes by status, like
// OutboxDepth, for checks that run every minute.
func (db *DB) CountOpenWrites(ctx context.Context, pair string) (map[engine.WriteStatus]int, error) {
	byPair, err := db.countOpenWrites(ctx, pair)
	if err != nil {
		return nil, err
	}
	if m := byPair[pair]; m != nil {
		return m, nil
	}
	return map[engine.WriteStatus]int{}, nil
}

func (db *DB) countOpenWrites(ctx context.Context, pair string) (map[string]map[engine.WriteStatus]int, error) {
	var rows []struct {
		Pair   string
		Status string
		N      int
	}
	q := db.orm(ctx).Model(&writeRow{}).Select("pair, status, COUNT(*) AS n").Where("status IN ?", openWrites)
	q = where(q, "pair = ?", pair)
	if err := q.Group("pair, status").Find(&rows).Error; err != nil {
		return nil, wrapf(err, "outbox depth")
	}
	out := map[string]map[engine.WriteStatus]int{}
	for _, r := range rows {
		if out[r.Pair] == nil {
			out[r.Pair] = map[engine.WriteStatus]int{}
		}
		out[r.Pair][engine.WriteStatus(r.Status)] = r.N
	}
	return out, nil
}

// LastFinishedRun returns the pair's most recent run that ended (any status
// but running and cancelled: a cancelled run says nothing of the pair's
// health), or an error wrapping engine.ErrNotFound.
func (db *DB) LastFinishedRun(ctx context.Context, pair string) (engine.Run, error) {
	var row runRow
	err := db.orm(ctx).Where("pair = ? AND status NOT IN ?", pair,
		[]string{string(engine.RunRunning), string(engine.RunCancelled)}).Order("id DESC").Take(&row).Error
	if err != nil {
		return engine.Run{}, wrapf(err, "last finished run of %s", pair)
	}
	return row.toEngine(), nil
}
