package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// pairSettingsRow holds the dashboard's overrides of a pair's configured
// policy; a NULL column keeps the configured value.
type pairSettingsRow struct {
	Pair        string `gorm:"primaryKey"`
	Schedule    *string
	MaxCreates  *int
	MaxPercent  *float64
	CallsPerDay *int
	UpdatedBy   string
	UpdatedAt   time.Time `gorm:"autoUpdateTime:false"`
}

func (pairSettingsRow) TableName() string { return "pair_settings" }

// PairSettings are the overrides of a pair's policy made in the dashboard.
// A nil field keeps the value from the configuration file.
type PairSettings struct {
	Pair        string
	Schedule    *string
	MaxCreates  *int
	MaxPercent  *float64
	CallsPerDay *int
	UpdatedBy   string
	UpdatedAt   time.Time
}

// FindPairSettings returns a pair's overrides, or an error wrapping
// engine.ErrNotFound when none were ever saved.
func (db *DB) FindPairSettings(ctx context.Context, pair string) (PairSettings, error) {
	var r pairSettingsRow
	if err := db.orm(ctx).Where("pair = ?", pair).Take(&r).Error; err != nil {
		return PairSettings{}, wrapf(err, "find settings of %s", pair)
	}
	return PairSettings{Pair: r.Pair, Schedule: r.Schedule, MaxCreates: r.MaxCreates, MaxPercent: r.MaxPercent,
		CallsPerDay: r.CallsPerDay, UpdatedBy: r.UpdatedBy, UpdatedAt: r.UpdatedAt.UTC()}, nil
}

// SavePairSettings replaces a pair's overrides and audits the change. It
// fails with engine.ErrInvalid for a negative limit or a percentage over
// 100; the caller checks the schedule's syntax.
func (db *DB) SavePairSettings(ctx context.Context, s PairSettings, actor string) error {
	switch {
	case s.Pair == "":
		return invalidf("save settings: pair is required")
	case s.MaxCreates != nil && *s.MaxCreates < 0:
		return invalidf("save settings of %s: guard.max_creates %d is negative", s.Pair, *s.MaxCreates)
	case s.MaxPercent != nil && (*s.MaxPercent < 0 || *s.MaxPercent > 100):
		return invalidf("save settings of %s: guard.max_percent %g is outside 0..100", s.Pair, *s.MaxPercent)
	case s.CallsPerDay != nil && *s.CallsPerDay < 0:
		return invalidf("save settings of %s: budget.calls_per_day %d is negative", s.Pair, *s.CallsPerDay)
	}
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		now := db.now()
		row := pairSettingsRow{Pair: s.Pair, Schedule: s.Schedule, MaxCreates: s.MaxCreates, MaxPercent: s.MaxPercent,
			CallsPerDay: s.CallsPerDay, UpdatedBy: actor, UpdatedAt: now}
		err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "pair"}}, UpdateAll: true}).Create(&row).Error
		if err != nil {
			return err
		}
		return audit(tx, now, s.Pair, actor, ActionSaveSettings, fmt.Sprintf("pair:%s", s.Pair), map[string]any{
			"schedule": s.Schedule, "max_creates": s.MaxCreates, "max_percent": s.MaxPercent,
			"calls_per_day": s.CallsPerDay,
		})
	})
	return wrapf(err, "save settings of %s", s.Pair)
}
