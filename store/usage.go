package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/accordhq/accord/engine"
)

// usageRow counts a connection's API calls in one period.
type usageRow struct {
	Connection string `gorm:"primaryKey"`
	Period     string `gorm:"primaryKey"`
	Calls      int64
}

func (usageRow) TableName() string { return "api_usage" }

// usagePeriods names the UTC day and month of at, the periods a budget
// counts in.
func usagePeriods(at time.Time) (day, month string) {
	at = at.UTC()
	return "day:" + at.Format("2006-01-02"), "month:" + at.Format("2006-01")
}

// Usage returns the API calls counted for conn in the UTC day and month of
// at (zero when none).
func (db *DB) Usage(ctx context.Context, conn string, at time.Time) (day, month int64, err error) {
	d, m := usagePeriods(at)
	var rows []usageRow
	err = db.orm(ctx).Where("connection = ? AND period IN ?", conn, []string{d, m}).Find(&rows).Error
	if err != nil {
		return 0, 0, wrapf(err, "usage of %s", conn)
	}
	for _, r := range rows {
		if r.Period == d {
			day = r.Calls
		} else {
			month = r.Calls
		}
	}
	return day, month, nil
}

// AddUsage counts n calls for conn in the UTC day and month of at, in one
// transaction, atomically with other processes counting at the same time.
func (db *DB) AddUsage(ctx context.Context, conn string, at time.Time, n int64) error {
	d, m := usagePeriods(at)
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		for _, p := range []string{d, m} {
			err := tx.Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "connection"}, {Name: "period"}},
				DoUpdates: clause.Assignments(map[string]any{"calls": gorm.Expr("api_usage.calls + ?", n)}),
			}).Create(&usageRow{Connection: conn, Period: p, Calls: n}).Error
			if err != nil {
				return err
			}
		}
		return nil
	})
	return wrapf(err, "count usage of %s", conn)
}

var _ engine.UsageStore = (*DB)(nil)
