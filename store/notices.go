package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"github.com/accordhq/accord/engine"
)

// noticeRow is the last notified state of one condition of a pair.
type noticeRow struct {
	Pair      string `gorm:"primaryKey"`
	Kind      string `gorm:"primaryKey"`
	Active    bool
	Value     int64
	Detail    string
	UpdatedAt time.Time `gorm:"autoUpdateTime:false"`
}

func (noticeRow) TableName() string { return "notification_states" }

func (r noticeRow) toEngine() engine.NoticeState {
	return engine.NoticeState{Pair: r.Pair, Kind: r.Kind, Active: r.Active, Value: r.Value, Detail: r.Detail,
		UpdatedAt: r.UpdatedAt.UTC()}
}

var _ engine.NoticeStore = (*DB)(nil)

// FindNoticeStates returns the pair's notification states by kind.
func (db *DB) FindNoticeStates(ctx context.Context, pair string) (map[string]engine.NoticeState, error) {
	var rows []noticeRow
	if err := db.orm(ctx).Where("pair = ?", pair).Find(&rows).Error; err != nil {
		return nil, wrapf(err, "find notification states of %s", pair)
	}
	out := make(map[string]engine.NoticeState, len(rows))
	for _, r := range rows {
		out[r.Kind] = r.toEngine()
	}
	return out, nil
}

// SwapNoticeState stores next if the stored state is still prev (nil: none
// stored), and reports whether it did. The swap is one statement, an
// insert that does nothing on conflict or an update conditioned on the old
// values, so that of two processes only one wins.
func (db *DB) SwapNoticeState(ctx context.Context, prev *engine.NoticeState, next engine.NoticeState) (bool, error) {
	if next.Pair == "" || next.Kind == "" {
		return false, invalidf("swap notification state: pair and kind are required")
	}
	at := next.UpdatedAt
	if at.IsZero() {
		at = db.now()
	}
	row := noticeRow{Pair: next.Pair, Kind: next.Kind, Active: next.Active, Value: next.Value,
		Detail: clip(next.Detail, 2000), UpdatedAt: ts(at)}
	if prev == nil {
		res := db.orm(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if res.Error != nil {
			return false, wrapf(res.Error, "insert notification state %s/%s", next.Pair, next.Kind)
		}
		return res.RowsAffected == 1, nil
	}
	res := db.orm(ctx).Model(&noticeRow{}).
		Where("pair = ? AND kind = ? AND active = ? AND value = ?", next.Pair, next.Kind, prev.Active, prev.Value).
		Updates(map[string]any{"active": row.Active, "value": row.Value, "detail": row.Detail,
			"updated_at": row.UpdatedAt})
	if res.Error != nil {
		return false, wrapf(res.Error, "update notification state %s/%s", next.Pair, next.Kind)
	}
	return res.RowsAffected == 1, nil
}
