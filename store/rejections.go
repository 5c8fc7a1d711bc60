package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/accordhq/accord/engine"
)

// rejectionRow remembers, for ever, that two records are not one customer.
type rejectionRow struct {
	ID        int64 `gorm:"primaryKey"`
	Pair      string
	ASide     string `gorm:"column:a_side"`
	AID       string `gorm:"column:a_id"`
	BSide     string `gorm:"column:b_side"`
	BID       string `gorm:"column:b_id"`
	DecidedBy string
	At        time.Time
	Reason    string
}

func (rejectionRow) TableName() string { return "rejections" }

func (r rejectionRow) toEngine() engine.Rejection {
	return engine.Rejection{
		Pair: r.Pair,
		A:    engine.Ref{Side: engine.Side(r.ASide), ID: r.AID},
		B:    engine.Ref{Side: engine.Side(r.BSide), ID: r.BID},
		By:   r.DecidedBy, At: r.At.UTC(), Reason: r.Reason,
	}
}

// addRejection stores a rejection once. Refs are ordered (local before
// upstream, then by id) so the same pair is one row whichever way round it
// was rejected.
func addRejection(tx *gorm.DB, pair string, a, b engine.Ref, by, reason string, at time.Time) error {
	if b.Side < a.Side || (a.Side == b.Side && b.ID < a.ID) {
		a, b = b, a
	}
	row := rejectionRow{Pair: pair, ASide: string(a.Side), AID: a.ID, BSide: string(b.Side), BID: b.ID,
		DecidedBy: by, At: ts(at), Reason: reason}
	return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error
}

// Rejections returns the rejections that involve one of ids on side.
func (db *DB) Rejections(ctx context.Context, pair string, side engine.Side, ids []string) ([]engine.Rejection, error) {
	var out []engine.Rejection
	for _, part := range chunks(distinct(ids), inChunk) {
		var rows []rejectionRow
		err := db.orm(ctx).
			Where("pair = ? AND ((a_side = ? AND a_id IN ?) OR (b_side = ? AND b_id IN ?))",
				pair, string(side), part, string(side), part).
			Order("id").Find(&rows).Error
		if err != nil {
			return nil, wrapf(err, "rejections of %s %s records", pair, side)
		}
		for _, r := range rows {
			out = append(out, r.toEngine())
		}
	}
	return out, nil
}
