package store

import (
	"context"

	"github.com/accordhq/accord/engine"
)

// DecidedTogether returns, for those of ids that are members of a duplicate
// set a person decided (resolved with a survivor, or dismissed), the other
// members of those sets. Automation never proposes them together again.
func (db *DB) DecidedTogether(ctx context.Context, pair string, side engine.Side, ids []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, part := range chunks(distinct(ids), inChunk) {
		var rows []struct {
			RecordID string
			OtherID  string
		}
		err := db.orm(ctx).Table("duplicate_members AS m").
			Select("m.record_id, o.record_id AS other_id").
			Joins("JOIN duplicate_sets s ON s.id = m.set_id").
			Joins("JOIN duplicate_members o ON o.set_id = m.set_id AND o.record_id <> m.record_id").
			Where("m.pair = ? AND m.side = ? AND m.record_id IN ? AND s.status IN ?", pair, string(side), part,
				[]string{string(engine.ReviewResolved), string(engine.ReviewDismissed)}).
			Order("m.record_id, o.record_id").Find(&rows).Error
		if err != nil {
			return nil, wrapf(err, "decided duplicates of %s %s records", pair, side)
		}
		for _, r := range rows {
			out[r.RecordID] = append(out[r.RecordID], r.OtherID)
		}
	}
	return out, nil
}
