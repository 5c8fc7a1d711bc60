package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"github.com/accordhq/accord/engine"
)

// fuzzyModelRow is a pair's trained fuzzy model.
type fuzzyModelRow struct {
	Pair            string `gorm:"primaryKey"`
	Model           []byte
	TrainedAt       time.Time `gorm:"autoCreateTime:false;autoUpdateTime:false"`
	LocalRecords    int
	UpstreamRecords int
}

func (fuzzyModelRow) TableName() string { return "fuzzy_models" }

// FuzzyModel returns the pair's saved fuzzy model, or an error wrapping
// engine.ErrNotFound when none was saved.
func (db *DB) FuzzyModel(ctx context.Context, pair string) (engine.FuzzyModel, error) {
	var row fuzzyModelRow
	if err := db.orm(ctx).Where("pair = ?", pair).Take(&row).Error; err != nil {
		return engine.FuzzyModel{}, wrapf(err, "fuzzy model of %s", pair)
	}
	return engine.FuzzyModel{Pair: row.Pair, Model: row.Model, TrainedAt: row.TrainedAt.UTC(),
		Local: row.LocalRecords, Upstream: row.UpstreamRecords}, nil
}

// SaveFuzzyModel stores the pair's fuzzy model, replacing the previous one.
// It fails with engine.ErrInvalid without a pair or a model.
func (db *DB) SaveFuzzyModel(ctx context.Context, m engine.FuzzyModel) error {
	if m.Pair == "" || len(m.Model) == 0 {
		return invalidf("save fuzzy model: pair %q with %d bytes of model", m.Pair, len(m.Model))
	}
	at := m.TrainedAt
	if at.IsZero() {
		at = db.opts.Now()
	}
	row := fuzzyModelRow{Pair: m.Pair, Model: m.Model, TrainedAt: ts(at),
		LocalRecords: m.Local, UpstreamRecords: m.Upstream}
	err := db.orm(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "pair"}},
		DoUpdates: clause.AssignmentColumns([]string{"model", "trained_at", "local_records", "upstream_records"}),
	}).Create(&row).Error
	return wrapf(err, "save fuzzy model of %s", m.Pair)
}
