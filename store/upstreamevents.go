package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/accordhq/accord/engine"
)

// upstreamEventRow records an applied upstream event by the provider's id.
type upstreamEventRow struct {
	Pair      string `gorm:"primaryKey"`
	EventID   string `gorm:"primaryKey"`
	Kind      string
	AppliedAt time.Time
}

func (upstreamEventRow) TableName() string { return "upstream_events" }

var _ engine.UpstreamEventStore = (*DB)(nil)

// claimEvent records the event in tx and reports false when it was applied
// before. An event without an id is applied every time: every operation
// below is idempotent by itself, the record only saves the work and keeps
// the audit log free of repeats.
func claimEvent(tx *gorm.DB, pair, id, kind string, at time.Time) (bool, error) {
	if id == "" {
		return true, nil
	}
	var n int64
	if err := tx.Model(&upstreamEventRow{}).Where("pair = ? AND event_id = ?", pair, id).Count(&n).Error; err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	return true, tx.Create(&upstreamEventRow{Pair: pair, EventID: id, Kind: kind, AppliedAt: at}).Error
}

// MergeUpstream follows a provider's merge of m.From into m.To. The one
// link of a merged customer (active, or already in review as deleted) is
// re-pointed to m.To and becomes active. Nothing is guessed: when m.To is
// already linked to another local record, or several merged customers are
// linked, those links go to review as upstream_deleted. The merged ids'
// records are marked deleted, so matching never offers them again. Every
// change is audited in the same transaction.
func (db *DB) MergeUpstream(ctx context.Context, m engine.UpstreamMerge) (engine.EventResult, error) {
	from := slices.DeleteFunc(distinct(m.From), func(id string) bool { return id == "" || id == m.To })
	if m.Pair == "" || m.To == "" || len(from) == 0 {
		return engine.EventResult{}, invalidf("merge upstream of %q: pair, survivor and merged ids are required", m.Pair)
	}
	actor := cmpOr(m.Actor, "accord")
	var out engine.EventResult
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		now := db.now()
		fresh, err := claimEvent(tx, m.Pair, m.EventID, "merge", now)
		if err != nil || !fresh {
			out.Replayed = !fresh
			return err
		}
		var merged []linkRow
		err = tx.Where("pair = ? AND upstream_id IN ? AND state IN ?", m.Pair, from,
			[]string{string(engine.LinkActive), string(engine.LinkUpstreamDeleted)}).Order("id").Find(&merged).Error
		if err != nil {
			return err
		}
		if err := markUpstreamDeleted(tx, m.Pair, from); err != nil {
			return err
		}
		if len(merged) == 0 {
			return nil
		}
		var survivor linkRow
		res := tx.Where("pair = ? AND upstream_id = ?", m.Pair, m.To).Limit(1).Find(&survivor)
		if res.Error != nil {
			return res.Error
		}
		detail := map[string]any{"event_id": m.EventID, "from": from, "to": m.To}
		if res.RowsAffected == 0 && len(merged) == 1 {
			l := merged[0]
			err := tx.Model(&linkRow{}).Where("id = ?", l.ID).Updates(map[string]any{
				"upstream_id": m.To, "state": string(engine.LinkActive), "updated_at": now}).Error
			if err != nil {
				return err
			}
			// The survivor's record, when already stored, is matched again
			// against its new link by the next run.
			if err := markDirty(tx, m.Pair, engine.Upstream, []string{m.To}); err != nil {
				return err
			}
			detail["local_id"], detail["from_upstream_id"] = fromNullStr(l.LocalID), fromNullStr(l.UpstreamID)
			detail["previous_state"] = l.State
			if err := audit(tx, now, m.Pair, actor, ActionRepointLink, fmt.Sprintf("link:%d", l.ID), detail); err != nil {
				return err
			}
			l.UpstreamID, l.State, l.UpdatedAt = &m.To, string(engine.LinkActive), now
			out.Repointed = append(out.Repointed, l.toEngine())
			return nil
		}
		why := fmt.Sprintf("%d linked customers were merged into one", len(merged))
		if res.RowsAffected > 0 {
			why = fmt.Sprintf("the survivor is already linked to local %s", fromNullStr(survivor.LocalID))
		}
		detail["reason"] = why
		for _, l := range merged {
			if err := toReview(tx, l, now); err != nil {
				return err
			}
			detail["local_id"], detail["from_upstream_id"] = fromNullStr(l.LocalID), fromNullStr(l.UpstreamID)
			if err := audit(tx, now, m.Pair, actor, ActionMergeToReview, fmt.Sprintf("link:%d", l.ID), detail); err != nil {
				return err
			}
			l.State = string(engine.LinkUpstreamDeleted)
			out.Review = append(out.Review, l.toEngine())
		}
		return nil
	})
	if err != nil {
		return engine.EventResult{}, wrapf(err, "merge upstream %s into %s in %s", strings.Join(from, ","), m.To, m.Pair)
	}
	return out, nil
}

// DeleteUpstream marks the active link of a deleted upstream customer
// upstream_deleted and the customer's record deleted. The local record and
// the link's other fields are untouched: a person decides in review.
func (db *DB) DeleteUpstream(ctx context.Context, d engine.UpstreamDelete) (engine.EventResult, error) {
	if d.Pair == "" || d.UpstreamID == "" {
		return engine.EventResult{}, invalidf("delete upstream of %q: pair and upstream id are required", d.Pair)
	}
	var out engine.EventResult
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		now := db.now()
		fresh, err := claimEvent(tx, d.Pair, d.EventID, "delete", now)
		if err != nil || !fresh {
			out.Replayed = !fresh
			return err
		}
		if err := markUpstreamDeleted(tx, d.Pair, []string{d.UpstreamID}); err != nil {
			return err
		}
		var l linkRow
		res := tx.Where("pair = ? AND upstream_id = ? AND state = ?", d.Pair, d.UpstreamID,
			string(engine.LinkActive)).Limit(1).Find(&l)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		if err := toReview(tx, l, now); err != nil {
			return err
		}
		err = audit(tx, now, d.Pair, cmpOr(d.Actor, "accord"), ActionUpstreamDelete, fmt.Sprintf("link:%d", l.ID),
			map[string]any{"event_id": d.EventID, "local_id": fromNullStr(l.LocalID), "upstream_id": d.UpstreamID})
		if err != nil {
			return err
		}
		l.State = string(engine.LinkUpstreamDeleted)
		out.Review = append(out.Review, l.toEngine())
		return nil
	})
	if err != nil {
		return engine.EventResult{}, wrapf(err, "delete upstream %s in %s", d.UpstreamID, d.Pair)
	}
	return out, nil
}

// toReview marks a link upstream_deleted, a review item.
func toReview(tx *gorm.DB, l linkRow, at time.Time) error {
	return tx.Model(&linkRow{}).Where("id = ?", l.ID).
		Updates(map[string]any{"state": string(engine.LinkUpstreamDeleted), "updated_at": at}).Error
}

// markUpstreamDeleted marks stored upstream records deleted, as the change
// feed would have if the provider showed deletes: they stop counting as
// live and matching stops offering them.
func markUpstreamDeleted(tx *gorm.DB, pair string, ids []string) error {
	return tx.Model(&recordRow{}).Where("pair = ? AND side = ? AND id IN ? AND NOT deleted",
		pair, string(engine.Upstream), ids).Update("deleted", true).Error
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
