package store

import (
	"context"
	"encoding/json"

	"gorm.io/gorm"

	"github.com/accordhq/accord/engine"
)

// recordKeyRow is one fuzzy blocking key of a record.
type recordKeyRow struct {
	Pair     string `gorm:"primaryKey"`
	Side     string `gorm:"primaryKey"`
	Key      string `gorm:"primaryKey"`
	RecordID string `gorm:"primaryKey"`
}

func (recordKeyRow) TableName() string { return "record_keys" }

// replaceKeys stores the blocking keys of recs (all of one pair and side),
// replacing what was stored for them. Records whose Blocks are nil were
// keyed by nobody and keep their stored keys. fresh lists ids known to have
// no stored keys (records new to the store), which skips their delete.
func replaceKeys(tx *gorm.DB, pair string, side engine.Side, recs []engine.Record, fresh map[string]bool) error {
	var stale []string
	var rows [][2]string // key, record id
	for _, r := range recs {
		if r.Blocks == nil {
			continue
		}
		if !fresh[r.ID] {
			stale = append(stale, r.ID)
		}
		for _, k := range distinct(r.Blocks) {
			rows = append(rows, [2]string{k, r.ID})
		}
	}
	for _, part := range chunks(distinct(stale), inChunk) {
		err := tx.Where("pair = ? AND side = ? AND record_id IN ?", pair, string(side), part).
			Delete(&recordKeyRow{}).Error
		if err != nil {
			return err
		}
	}
	// The rows travel as one JSON array per statement: a record has a dozen
	// keys, and a page's worth of VALUES lists would cost more to bind and
	// parse than to insert.
	q := "INSERT INTO record_keys (pair, side, key, record_id) SELECT ?, ?, x.k, x.r" +
		" FROM json_to_recordset(CAST(? AS json)) AS x(k text, r text)"
	type keyJSON struct {
		K string `json:"k"`
		R string `json:"r"`
	}
	if tx.Dialector.Name() != DialectPostgres {
		q = "INSERT INTO record_keys (pair, side, key, record_id) SELECT ?, ?, value ->> '$.k', value ->> '$.r' FROM json_each(?)"
	}
	for _, part := range chunks(rows, 20000) {
		doc := make([]keyJSON, len(part))
		for i, kr := range part {
			doc[i] = keyJSON{K: kr[0], R: kr[1]}
		}
		list, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		if err := tx.Exec(q, pair, string(side), string(list)).Error; err != nil {
			return err
		}
	}
	return nil
}

// blocksPerQuery bounds the keys looked up in one statement.
const blocksPerQuery = 5000

// FindBlocks returns, for each of keys, the ids of the records of side that
// carry it, leaving out keys carried by more than maxBlock records. No more
// than maxBlock+1 entries of a key are read from the primary key, so a giant
// key costs no more than a small one. Empty keys are ignored.
func (db *DB) FindBlocks(ctx context.Context, pair string, side engine.Side, keys []string, maxBlock int) (map[string][]string, error) {
	if maxBlock <= 0 {
		return nil, invalidf("find blocks of %s %s: max block %d", pair, side, maxBlock)
	}
	// The keys travel as one JSON array, so the statement's text (and its
	// plan) is the same for every batch. Both forms make each key an index
	// seek whatever the planner's statistics say: Postgres reads at most
	// maxBlock+1 members per key through LATERAL ... LIMIT and giant keys
	// are dropped below; SQLite, whose CROSS JOIN keeps the keys as the
	// outer loop, skips a key whose (maxBlock+1)th member exists.
	q := "SELECT j.value AS key, r.record_id FROM json_array_elements_text(CAST(? AS json)) AS j(value)" +
		" CROSS JOIN LATERAL (SELECT record_id FROM record_keys WHERE pair = ? AND side = ? AND key = j.value LIMIT ?) r"
	args := func(list string) []any { return []any{list, pair, string(side), maxBlock + 1} }
	if db.dialect == DialectSQLite {
		q = "SELECT rk.key, rk.record_id FROM json_each(?) AS j" +
			" CROSS JOIN record_keys rk ON rk.pair = ? AND rk.side = ? AND rk.key = j.value" +
			" WHERE NOT EXISTS (SELECT 1 FROM record_keys x WHERE x.pair = ? AND x.side = ? AND x.key = j.value LIMIT 1 OFFSET ?)"
		args = func(list string) []any { return []any{list, pair, string(side), pair, string(side), maxBlock} }
	}
	out := map[string][]string{}
	for _, part := range chunks(distinct(keys), blocksPerQuery) {
		list, err := json.Marshal(part)
		if err != nil {
			return nil, wrapf(err, "find blocks of %s %s", pair, side)
		}
		var rows []struct {
			Key      string
			RecordID string
		}
		err = db.orm(ctx).Raw(q, args(string(list))...).Scan(&rows).Error
		if err != nil {
			return nil, wrapf(err, "find blocks of %s %s", pair, side)
		}
		for _, r := range rows {
			out[r.Key] = append(out[r.Key], r.RecordID)
		}
	}
	for k, ids := range out {
		if len(ids) > maxBlock {
			delete(out, k)
		}
	}
	return out, nil
}

// SampleRecords returns up to n live records of side, spread evenly over
// the side in id order (all of them, in id order, when it has n or fewer),
// without their raw payloads.
func (db *DB) SampleRecords(ctx context.Context, pair string, side engine.Side, n int) ([]engine.Record, error) {
	if n <= 0 {
		return nil, nil
	}
	total, err := countRecords(db.orm(ctx), pair, side)
	if err != nil {
		return nil, wrapf(err, "sample %s records of %s", side, pair)
	}
	step := max(1, (total+n-1)/n)
	var rows []recordRow
	q := db.orm(ctx).Model(&recordRow{}).Omit("raw").Where("pair = ? AND side = ? AND NOT deleted", pair, string(side))
	if step > 1 {
		sub := db.orm(ctx).Model(&recordRow{}).Select("id, row_number() OVER (ORDER BY id) AS rn").
			Where("pair = ? AND side = ? AND NOT deleted", pair, string(side))
		q = q.Where("id IN (?)", db.orm(ctx).Table("(?) AS s", sub).Select("id").Where("(rn - 1) % ? = 0", step))
	}
	if err := q.Order("id").Limit(n).Find(&rows).Error; err != nil {
		return nil, wrapf(err, "sample %s records of %s", side, pair)
	}
	return recordsToEngine(rows), nil
}
