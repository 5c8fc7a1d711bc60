package store

import (
	"context"
	"time"

	"github.com/accordhq/accord/engine"
)

// StaleLinks returns up to limit active links verified before before,
// the least recently verified first (never verified counts as oldest): the
// ones the ghost sweep re-reads.
func (db *DB) StaleLinks(ctx context.Context, pair string, before time.Time, limit int) ([]engine.Link, error) {
	var rows []linkRow
	err := db.orm(ctx).
		Where("pair = ? AND state = ? AND upstream_id IS NOT NULL AND (verified_at IS NULL OR verified_at < ?)",
			pair, string(engine.LinkActive), ts(before)).
		Order("verified_at IS NOT NULL, verified_at, id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, wrapf(err, "stale links of %s", pair)
	}
	out := make([]engine.Link, len(rows))
	for i, r := range rows {
		out[i] = r.toEngine()
	}
	return out, nil
}

// VerifyLinks records that the links' records were seen together at at.
func (db *DB) VerifyLinks(ctx context.Context, pair string, ids []int64, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	err := db.orm(ctx).Model(&linkRow{}).Where("pair = ? AND id IN ?", pair, ids).
		Update("verified_at", ts(at)).Error
	return wrapf(err, "verify %d links of %s", len(ids), pair)
}
