package store

import (
	"context"
	"time"

	"github.com/accordhq/accord/engine"
)

// QuarantineEntry is a provider record accord could not read, as stored.
type QuarantineEntry struct {
	ID       int64
	Pair     string
	Side     engine.Side
	RecordID string // "" when the id itself could not be read
	Reason   string
	Raw      []byte
	RunID    int64
	At       time.Time
}

// FindQuarantine returns the pair's quarantined records, newest first.
func (db *DB) FindQuarantine(ctx context.Context, pair string) ([]QuarantineEntry, error) {
	var rows []quarantineRow
	if err := db.orm(ctx).Where("pair = ?", pair).Order("id DESC").Find(&rows).Error; err != nil {
		return nil, wrapf(err, "find quarantined records of %s", pair)
	}
	out := make([]QuarantineEntry, len(rows))
	for i, r := range rows {
		out[i] = QuarantineEntry{ID: r.ID, Pair: r.Pair, Side: engine.Side(r.Side), RecordID: r.RecordID,
			Reason: r.Reason, Raw: r.Raw, RunID: r.RunID, At: r.At.UTC()}
	}
	return out, nil
}
