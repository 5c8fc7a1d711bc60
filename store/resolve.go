package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/accordhq/accord/engine"
)

// ActionResolveConflict is the audit action of ResolveConflict.
const ActionResolveConflict = "conflict.resolve"

// ResolveConflict settles an open conflict the way a person chose: keep
// names the side whose value stays, and an update of the other side's linked
// record to that value is queued in the outbox, to be applied by the next
// run. It is the only way accord comes to write a linked record (invariant
// 1), and it is audited in the same transaction. The kept value is the one
// last read from that side, not the one shown when the conflict opened.
//
// It fails with engine.ErrNotFound for an unknown conflict, engine.ErrConflict
// when the conflict is no longer open or its link is not active, and
// engine.ErrInvalid for a side that is neither local nor upstream.
func (db *DB) ResolveConflict(ctx context.Context, conflictID int64, keep engine.Side, actor string) error {
	if !keep.Valid() {
		return wrapf(fmt.Errorf("keep %q: %w", keep, engine.ErrInvalid), "resolve conflict %d", conflictID)
	}
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		now := db.now()
		var c conflictRow
		if err := tx.Where("id = ?", conflictID).Take(&c).Error; err != nil {
			return err
		}
		if c.Status != string(engine.ConflictOpen) {
			return fmt.Errorf("conflict is %s, not open: %w", c.Status, engine.ErrConflict)
		}
		link, err := findLink(tx, c.LinkID)
		if err != nil {
			return fmt.Errorf("link %d: %w", c.LinkID, err)
		}
		if link.State != string(engine.LinkActive) {
			return fmt.Errorf("link %d is %s: %w", link.ID, link.State, engine.ErrConflict)
		}
		value := c.LocalValue
		sourceID, targetID, kind := c.LocalID, c.UpstreamID, engine.WriteUpdateUpstream
		if keep == engine.Upstream {
			value, sourceID, targetID, kind = c.UpstreamValue, c.UpstreamID, c.LocalID, engine.WriteUpdateLocal
		}
		var r recordRow
		res := tx.Where("pair = ? AND side = ? AND id = ?", c.Pair, string(keep), sourceID).Limit(1).Find(&r)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected > 0 {
			value = r.toEngine().Field(c.Field)
		}
		var payload engine.Customer
		payload.ID = targetID
		if !payload.SetField(c.Field, value) {
			return fmt.Errorf("field %q: %w", c.Field, engine.ErrInvalid)
		}
		row := writeRow{Pair: c.Pair, Kind: string(kind), SourceID: sourceID, LinkID: link.ID,
			Customer: customerDoc(payload), IdempotencyKey: fmt.Sprintf("accord-%s-conflict-%d", c.Pair, c.ID),
			Status: string(engine.WritePending), NextAttemptAt: nullTime(now), TargetID: targetID,
			Fields: c.Field, ConflictID: c.ID, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		resolution := "keep_" + string(keep)
		err = tx.Model(&conflictRow{}).Where("id = ?", c.ID).Updates(map[string]any{
			"status": string(engine.ConflictResolved), "resolution": resolution, "resolved_by": actor,
			"resolved_at": now, "updated_at": now,
		}).Error
		if err != nil {
			return err
		}
		return audit(tx, now, c.Pair, actor, ActionResolveConflict, fmt.Sprintf("conflict:%d", c.ID), map[string]any{
			"link_id": c.LinkID, "field": c.Field, "keep": string(keep), "value": value,
			"target": string(kind.Target()), "target_id": targetID, "write_id": row.ID,
		})
	})
	return wrapf(err, "resolve conflict %d", conflictID)
}

// mergeBaseline sets the baseline of the fields in base on a link, keeping
// the other fields' baselines.
func mergeBaseline(tx *gorm.DB, linkID int64, base map[string]engine.Baseline, at time.Time) error {
	l, err := findLink(tx, linkID)
	if err != nil {
		return fmt.Errorf("link %d: %w", linkID, err)
	}
	merged := baselineFrom(l.Baseline)
	for f, b := range base {
		merged[f] = b
	}
	return tx.Model(&linkRow{}).Where("id = ?", linkID).
		Updates(map[string]any{"baseline": baselineDoc(merged), "verified_at": ts(at), "updated_at": ts(at)}).Error
}

func splitFields(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
