package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/accordhq/accord/engine"
)

// ApproveHeldPlan releases a run's held writes: they become pending, due
// now, and the run is marked succeeded (it no longer waits for anyone). It
// returns how many writes it released, and fails with engine.ErrNotFound
// for an unknown run and engine.ErrConflict when the run holds no writes.
func (db *DB) ApproveHeldPlan(ctx context.Context, runID int64, actor string) (int, error) {
	n := 0
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		now := db.now()
		run, err := heldRun(tx, runID)
		if err != nil {
			return err
		}
		res := tx.Model(&writeRow{}).Where("run_id = ? AND status = ?", runID, string(engine.WriteHeld)).
			Updates(map[string]any{"status": string(engine.WritePending), "next_attempt_at": now, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		n = int(res.RowsAffected)
		if n == 0 {
			return fmt.Errorf("run holds no writes: %w", engine.ErrConflict)
		}
		if err := settleHeldRun(tx, run, engine.RunSucceeded); err != nil {
			return err
		}
		return audit(tx, now, run.Pair, actor, ActionApprovePlan, fmt.Sprintf("run:%d", runID),
			map[string]any{"writes": n, "held_reason": run.HeldReason})
	})
	if err != nil {
		return 0, wrapf(err, "approve held plan of run %d", runID)
	}
	return n, nil
}

// RejectHeldPlan discards a run's held writes: their pending links are
// deleted and their source records are queued for the next run, and the run
// is marked cancelled. It returns how many writes it discarded, and fails
// like ApproveHeldPlan.
func (db *DB) RejectHeldPlan(ctx context.Context, runID int64, actor string) (int, error) {
	n := 0
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		now := db.now()
		run, err := heldRun(tx, runID)
		if err != nil {
			return err
		}
		var ws []writeRow
		if err := tx.Where("run_id = ? AND status = ?", runID, string(engine.WriteHeld)).Find(&ws).Error; err != nil {
			return err
		}
		if len(ws) == 0 {
			return fmt.Errorf("run holds no writes: %w", engine.ErrConflict)
		}
		if err := discardWrites(tx, ws, true, now); err != nil {
			return err
		}
		n = len(ws)
		if err := settleHeldRun(tx, run, engine.RunCancelled); err != nil {
			return err
		}
		return audit(tx, now, run.Pair, actor, ActionRejectPlan, fmt.Sprintf("run:%d", runID),
			map[string]any{"writes": n, "held_reason": run.HeldReason})
	})
	if err != nil {
		return 0, wrapf(err, "reject held plan of run %d", runID)
	}
	return n, nil
}

func heldRun(tx *gorm.DB, runID int64) (runRow, error) {
	var run runRow
	err := tx.Where("id = ?", runID).Take(&run).Error
	return run, err
}

// settleHeldRun records the decision on a run that waited for it. A run in
// another state (a dry run reviewed later, say) keeps its status.
func settleHeldRun(tx *gorm.DB, run runRow, status engine.RunStatus) error {
	if run.Status != string(engine.RunHeld) {
		return nil
	}
	return tx.Model(&runRow{}).Where("id = ?", run.ID).Update("status", string(status)).Error
}

// discardWrites ends writes that will never be made and deletes their
// pending links, so their source records are free again; dirty queues them
// for the next run.
func discardWrites(tx *gorm.DB, ws []writeRow, dirty bool, at time.Time) error {
	for _, w := range ws {
		err := tx.Model(&writeRow{}).Where("id = ?", w.ID).
			Updates(map[string]any{"status": string(engine.WriteDiscarded), "updated_at": at}).Error
		if err != nil {
			return err
		}
		err = tx.Where("id = ? AND state = ?", w.LinkID, string(engine.LinkPending)).Delete(&linkRow{}).Error
		if err != nil {
			return err
		}
		if dirty {
			src := engine.WriteKind(w.Kind).Target().Other()
			if err := markDirty(tx, w.Pair, src, []string{w.SourceID}); err != nil {
				return err
			}
		}
	}
	return nil
}

// RetryDeadWrite gives a dead write a fresh start: pending, due now, with
// its attempts reset. It fails with engine.ErrConflict unless the write is
// dead.
func (db *DB) RetryDeadWrite(ctx context.Context, id int64, actor string) error {
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		now := db.now()
		var w writeRow
		if err := tx.Where("id = ?", id).Take(&w).Error; err != nil {
			return err
		}
		if w.Status != string(engine.WriteDead) {
			return fmt.Errorf("write is %s, not dead: %w", w.Status, engine.ErrConflict)
		}
		err := tx.Model(&writeRow{}).Where("id = ?", id).Updates(map[string]any{
			"status": string(engine.WritePending), "next_attempt_at": now, "attempts": 0, "updated_at": now,
		}).Error
		if err != nil {
			return err
		}
		return audit(tx, now, w.Pair, actor, ActionRetryWrite, fmt.Sprintf("write:%d", id),
			map[string]any{"kind": w.Kind, "source_id": w.SourceID, "last_error": w.LastError, "attempts": w.Attempts})
	})
	return wrapf(err, "retry dead write %d", id)
}

// DiscardWrite abandons a write that has not started (planned, held,
// pending) or has died: it is discarded and its pending link deleted. The
// source record is not queued again (it would only be planned again); an
// edit to it will be. An inflight write may already have happened and must
// be settled, so discarding it, or a finished one, fails with
// engine.ErrConflict.
func (db *DB) DiscardWrite(ctx context.Context, id int64, actor string) error {
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		now := db.now()
		var w writeRow
		if err := tx.Where("id = ?", id).Take(&w).Error; err != nil {
			return err
		}
		switch engine.WriteStatus(w.Status) {
		case engine.WritePlanned, engine.WriteHeld, engine.WritePending, engine.WriteDead:
		default:
			return fmt.Errorf("write is %s: %w", w.Status, engine.ErrConflict)
		}
		if err := discardWrites(tx, []writeRow{w}, false, now); err != nil {
			return err
		}
		return audit(tx, now, w.Pair, actor, ActionDiscardWrite, fmt.Sprintf("write:%d", id),
			map[string]any{"kind": w.Kind, "source_id": w.SourceID, "status": w.Status, "last_error": w.LastError})
	})
	return wrapf(err, "discard write %d", id)
}
