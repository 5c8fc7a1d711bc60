package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/accordhq/accord/engine"
)

// writeRow is a row of the durable outbox. It always has a pending link
// (link_id), written in the same transaction, from which its idempotency key
// is derived.
type writeRow struct {
	ID             int64 `gorm:"primaryKey"`
	Pair           string
	RunID          int64
	Kind           string
	SourceID       string
	LinkID         int64
	Customer       string
	IdempotencyKey string
	Status         string
	Attempts       int
	NextAttemptAt  *time.Time
	LastAttemptAt  *time.Time
	LastError      string
	TargetID       string
	Fields         string // updates: the fields set, comma-separated
	ConflictID     int64
	CreatedAt      time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt      time.Time `gorm:"autoUpdateTime:false"`
}

func (writeRow) TableName() string { return "outbox" }

func (r writeRow) toEngine() engine.Write {
	return engine.Write{
		ID: r.ID, Pair: r.Pair, RunID: r.RunID, Kind: engine.WriteKind(r.Kind), SourceID: r.SourceID,
		LinkID: r.LinkID, Customer: customerFrom(r.Customer), IdempotencyKey: r.IdempotencyKey,
		Status: engine.WriteStatus(r.Status), Attempts: r.Attempts, NextAttemptAt: fromNull(r.NextAttemptAt),
		LastAttemptAt: fromNull(r.LastAttemptAt), LastError: r.LastError, CreatedAt: r.CreatedAt.UTC(),
		UpdatedAt: r.UpdatedAt.UTC(), TargetID: r.TargetID, Fields: splitFields(r.Fields), ConflictID: r.ConflictID,
	}
}

// planWrites stores planned writes: for each, the pending link first (the
// unique link indexes refuse a second creation of the same record), then the
// outbox row keyed by that link.
func planWrites(tx *gorm.DB, pair string, runID int64, at time.Time, ws []engine.Write) error {
	for _, w := range ws {
		l := engine.Link{Pair: pair, State: engine.LinkPending, CreatedBy: "accord",
			Evidence: engine.Evidence{Rule: string(w.Kind), Note: "created by accord"}}
		switch w.Kind {
		case engine.WriteCreateUpstream:
			l.LocalID, l.Method = w.SourceID, engine.MethodPushed
		case engine.WriteCreateLocal:
			l.UpstreamID, l.Method = w.SourceID, engine.MethodPulled
		default:
			return fmt.Errorf("write of %s: kind %q: %w", w.SourceID, w.Kind, engine.ErrInvalid)
		}
		if w.SourceID == "" {
			return fmt.Errorf("%s write: empty source id: %w", w.Kind, engine.ErrInvalid)
		}
		link := linkFromEngine(l, at)
		if err := tx.Create(&link).Error; err != nil {
			return fmt.Errorf("pending link for %s of %s: %w", w.Kind, w.SourceID, err)
		}
		run := w.RunID
		if run == 0 {
			run = runID
		}
		row := writeRow{Pair: pair, RunID: run, Kind: string(w.Kind), SourceID: w.SourceID, LinkID: link.ID,
			Customer: customerDoc(w.Customer), IdempotencyKey: engine.IdempotencyKey(pair, link.ID),
			Status: string(engine.WritePlanned), CreatedAt: ts(at), UpdatedAt: ts(at)}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
	}
	return nil
}

// PlanSummary counts the pair's planned writes, the run's and any that a
// run which crashed before its plan step left behind, and, when there are
// any, the size of each side.
func (db *DB) PlanSummary(ctx context.Context, pair string, runID int64) (engine.PlanSummary, error) {
	var s engine.PlanSummary
	var rows []struct {
		Kind string
		N    int
	}
	err := db.orm(ctx).Model(&writeRow{}).Select("kind, COUNT(*) AS n").
		Where("pair = ? AND status = ?", pair, string(engine.WritePlanned)).
		Group("kind").Find(&rows).Error
	if err != nil {
		return s, wrapf(err, "plan summary of run %d", runID)
	}
	for _, r := range rows {
		switch engine.WriteKind(r.Kind) {
		case engine.WriteCreateUpstream:
			s.CreateUpstream = r.N
		case engine.WriteCreateLocal:
			s.CreateLocal = r.N
		}
	}
	if s.CreateUpstream == 0 && s.CreateLocal == 0 {
		// Nothing to weigh against the sides' sizes: skip counting a
		// million records on every idle or incremental run.
		return s, nil
	}
	if s.LocalSize, err = countRecords(db.orm(ctx), pair, engine.Local); err != nil {
		return s, wrapf(err, "plan summary of run %d: count local records", runID)
	}
	if s.UpstreamSize, err = countRecords(db.orm(ctx), pair, engine.Upstream); err != nil {
		return s, wrapf(err, "plan summary of run %d: count upstream records", runID)
	}
	return s, nil
}

// ReleasePlan moves the pair's planned writes to pending (due now), or to
// held when hold is true, and returns how many it moved. Writes a crashed
// run left planned are adopted by this run (only one run of a pair runs at
// a time, so any other planned write is such an orphan): their records are
// no longer dirty, and without this they would never be written.
func (db *DB) ReleasePlan(ctx context.Context, pair string, runID int64, hold bool) (int, error) {
	now := db.now()
	upd := map[string]any{"status": string(engine.WritePending), "next_attempt_at": now, "updated_at": now, "run_id": runID}
	if hold {
		upd = map[string]any{"status": string(engine.WriteHeld), "updated_at": now, "run_id": runID}
	}
	res := db.orm(ctx).Model(&writeRow{}).
		Where("pair = ? AND status = ?", pair, string(engine.WritePlanned)).Updates(upd)
	if res.Error != nil {
		return 0, wrapf(res.Error, "release plan of run %d", runID)
	}
	return int(res.RowsAffected), nil
}

// DueWrites returns up to limit writes with id greater than after that are
// pending and due at now, or inflight (awaiting settlement), ordered by id.
func (db *DB) DueWrites(ctx context.Context, pair string, now time.Time, after int64, limit int) ([]engine.Write, error) {
	var rows []writeRow
	q := db.orm(ctx).
		Where("pair = ? AND id > ? AND ((status = ? AND (next_attempt_at IS NULL OR next_attempt_at <= ?)) OR status = ?)",
			pair, after, string(engine.WritePending), ts(now), string(engine.WriteInflight)).
		Order("id")
	if limit > 0 {
		q = q.Limit(limit)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, wrapf(err, "due writes of %s", pair)
	}
	out := make([]engine.Write, len(rows))
	for i, r := range rows {
		out[i] = r.toEngine()
	}
	return out, nil
}

// StartWrite marks a pending (or still inflight) write inflight and counts
// the attempt. It is committed on its own, before the call is made, so a
// crash during the call leaves the write inflight to be settled. It fails
// with engine.ErrConflict when the write is in any other state.
func (db *DB) StartWrite(ctx context.Context, id int64, at time.Time) (engine.Write, error) {
	var w writeRow
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&writeRow{}).
			Where("id = ? AND status IN ?", id, []string{string(engine.WritePending), string(engine.WriteInflight)}).
			Updates(map[string]any{"status": string(engine.WriteInflight), "attempts": gorm.Expr("attempts + 1"),
				"last_attempt_at": ts(at), "updated_at": ts(at)})
		if res.Error != nil {
			return res.Error
		}
		if err := tx.Where("id = ?", id).Take(&w).Error; err != nil {
			return err
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("write is %s: %w", w.Status, engine.ErrConflict)
		}
		return nil
	})
	if err != nil {
		return engine.Write{}, wrapf(err, "start write %d", id)
	}
	return w.toEngine(), nil
}

// CompleteWrite records a confirmed write in one transaction: the write is
// done, the written record is stored as seen and clean, and the outcome is
// added. For a creation the pending link becomes active with the new id,
// baseline and verification time; for an update the baseline of the fields
// it set is merged into the link's. It fails with engine.ErrNotFound for an unknown write
// and engine.ErrConflict when the write was already completed or discarded.
func (db *DB) CompleteWrite(ctx context.Context, c engine.Completion) error {
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		now := db.now()
		var w writeRow
		if err := tx.Where("id = ?", c.WriteID).Take(&w).Error; err != nil {
			return err
		}
		switch engine.WriteStatus(w.Status) {
		case engine.WriteDone, engine.WriteDiscarded:
			return fmt.Errorf("write is %s: %w", w.Status, engine.ErrConflict)
		}
		linkID := c.LinkID
		if linkID == 0 {
			linkID = w.LinkID
		}
		err := tx.Model(&writeRow{}).Where("id = ?", w.ID).
			Updates(map[string]any{"status": string(engine.WriteDone), "last_error": "", "updated_at": now}).Error
		if err != nil {
			return err
		}
		kind := engine.WriteKind(w.Kind)
		target := kind.Target()
		if kind.IsUpdate() {
			if err := mergeBaseline(tx, linkID, c.Base, now); err != nil {
				return err
			}
		} else if err := activateLink(tx, linkID, target, c.OtherID, c.Base, now); err != nil {
			return err
		}
		if c.Record.ID != "" {
			rec := c.Record
			rec.Pair, rec.Side = w.Pair, target
			if rec.SeenAt.IsZero() {
				rec.SeenAt = now
			}
			if err := storeSeen(tx, []engine.Record{rec}, w.RunID); err != nil {
				return err
			}
		}
		if c.Outcome.Kind != "" {
			return insertOutcomes(tx, []engine.Outcome{c.Outcome}, now)
		}
		return nil
	})
	return wrapf(err, "complete write %d", c.WriteID)
}

// activateLink fills a pending link's missing id on side and makes it
// active with its baseline.
func activateLink(tx *gorm.DB, linkID int64, side engine.Side, otherID string, base map[string]engine.Baseline, at time.Time) error {
	if otherID == "" {
		return fmt.Errorf("link %d: empty %s id: %w", linkID, side, engine.ErrInvalid)
	}
	if base == nil {
		base = map[string]engine.Baseline{}
	}
	res := tx.Model(&linkRow{}).Where("id = ?", linkID).Updates(map[string]any{
		sideColumn(side): otherID, "state": string(engine.LinkActive), "baseline": baselineDoc(base),
		"verified_at": ts(at), "updated_at": ts(at),
	})
	if res.Error != nil {
		return fmt.Errorf("activate link %d: %w", linkID, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("link %d: %w", linkID, engine.ErrNotFound)
	}
	return nil
}

// RetryWrite returns a write to pending, due at next.
func (db *DB) RetryWrite(ctx context.Context, id int64, lastErr string, next time.Time) error {
	err := db.setWrite(ctx, id, map[string]any{"status": string(engine.WritePending), "next_attempt_at": ts(next),
		"last_error": lastErr, "updated_at": db.now()})
	return wrapf(err, "retry write %d", id)
}

// FailWrite moves a write to the dead letters.
func (db *DB) FailWrite(ctx context.Context, id int64, lastErr string, at time.Time) error {
	err := db.setWrite(ctx, id, map[string]any{"status": string(engine.WriteDead), "last_error": lastErr,
		"updated_at": ts(at)})
	return wrapf(err, "fail write %d", id)
}

// NoteUnknown records that the outcome of an inflight write is unknown; it
// stays inflight until settled.
func (db *DB) NoteUnknown(ctx context.Context, id int64, lastErr string, at time.Time) error {
	err := db.setWrite(ctx, id, map[string]any{"status": string(engine.WriteInflight), "last_error": lastErr,
		"updated_at": ts(at)})
	return wrapf(err, "note unknown outcome of write %d", id)
}

// setWrite updates a write that is not finished; a done or discarded write
// never changes again.
func (db *DB) setWrite(ctx context.Context, id int64, upd map[string]any) error {
	res := db.orm(ctx).Model(&writeRow{}).
		Where("id = ? AND status NOT IN ?", id, []string{string(engine.WriteDone), string(engine.WriteDiscarded)}).
		Updates(upd)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		var w writeRow
		if err := db.orm(ctx).Where("id = ?", id).Take(&w).Error; err != nil {
			return err
		}
		return fmt.Errorf("write is %s: %w", w.Status, engine.ErrConflict)
	}
	return nil
}

// WriteCounts counts the pair's writes by status.
func (db *DB) WriteCounts(ctx context.Context, pair string) (map[engine.WriteStatus]int, error) {
	var rows []struct {
		Status string
		N      int
	}
	err := db.orm(ctx).Model(&writeRow{}).Select("status, COUNT(*) AS n").Where("pair = ?", pair).
		Group("status").Find(&rows).Error
	if err != nil {
		return nil, wrapf(err, "count writes of %s", pair)
	}
	out := make(map[engine.WriteStatus]int, len(rows))
	for _, r := range rows {
		out[engine.WriteStatus(r.Status)] = r.N
	}
	return out, nil
}

// WriteFilter selects outbox rows. Zero fields do not filter.
type WriteFilter struct {
	Pair   string
	ID     int64
	RunID  int64
	LinkID int64
	Kind   engine.WriteKind
	Status engine.WriteStatus
	Limit  int
	Offset int
}

// FindWrites returns the writes that match f, oldest first, and how many
// match in all.
func (db *DB) FindWrites(ctx context.Context, f WriteFilter) ([]engine.Write, int, error) {
	q := db.orm(ctx).Model(&writeRow{})
	q = where(q, "pair = ?", f.Pair)
	q = where(q, "id = ?", f.ID)
	q = where(q, "run_id = ?", f.RunID)
	q = where(q, "link_id = ?", f.LinkID)
	q = where(q, "kind = ?", string(f.Kind))
	q = where(q, "status = ?", string(f.Status))
	var rows []writeRow
	total, err := page(q, "id", f.Limit, f.Offset, &rows)
	if err != nil {
		return nil, 0, wrapf(err, "find writes")
	}
	out := make([]engine.Write, len(rows))
	for i, r := range rows {
		out[i] = r.toEngine()
	}
	return out, total, nil
}
