package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/accordhq/accord/engine"
)

var _ engine.BatchOutboxStore = (*DB)(nil)

// StartWrites marks the pending or inflight writes among ids inflight and
// counts an attempt for each, in one transaction committed before any call
// is made, with at as their last attempt. It returns the writes it
// started, ordered by id; writes in any other state are left alone.
func (db *DB) StartWrites(ctx context.Context, ids []int64, at time.Time) ([]engine.Write, error) {
	var rows []writeRow
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		for _, part := range chunks(ids, inChunk) {
			err := tx.Model(&writeRow{}).
				Where("id IN ? AND status IN ?", part, []string{string(engine.WritePending), string(engine.WriteInflight)}).
				Updates(map[string]any{"status": string(engine.WriteInflight), "attempts": gorm.Expr("attempts + 1"),
					"last_attempt_at": ts(at), "updated_at": ts(at)}).Error
			if err != nil {
				return err
			}
			// Only the rows just updated can be inflight now: any other
			// state was left as it was.
			var got []writeRow
			if err := tx.Where("id IN ? AND status = ?", part, string(engine.WriteInflight)).Order("id").Find(&got).Error; err != nil {
				return err
			}
			rows = append(rows, got...)
		}
		return nil
	})
	if err != nil {
		return nil, wrapf(err, "start %d writes", len(ids))
	}
	out := make([]engine.Write, len(rows))
	for i, r := range rows {
		out[i] = r.toEngine()
	}
	return out, nil
}

// RestoreWrites puts writes that StartWrites marked, but whose call was
// never made, back in the state they were read in: status, attempts and
// last attempt. Only writes still inflight are touched.
func (db *DB) RestoreWrites(ctx context.Context, ws []engine.Write) error {
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		now := db.now()
		for _, w := range ws {
			err := tx.Model(&writeRow{}).Where("id = ? AND status = ?", w.ID, string(engine.WriteInflight)).
				Updates(map[string]any{"status": string(w.Status), "attempts": w.Attempts,
					"last_attempt_at": nullTime(w.LastAttemptAt), "updated_at": ts(now)}).Error
			if err != nil {
				return fmt.Errorf("write %d: %w", w.ID, err)
			}
		}
		return nil
	})
	return wrapf(err, "restore %d writes", len(ws))
}

// CompleteWrites records confirmed writes in one transaction, each as
// CompleteWrite does: all of them, or none. Creations are written with a
// few multi-row statements (the writes, their links, the created records
// and the outcomes); updates, rare, one by one. It fails with
// engine.ErrNotFound when a write or a pending link is missing and with
// engine.ErrConflict when a write was already completed or discarded.
func (db *DB) CompleteWrites(ctx context.Context, cs []engine.Completion) error {
	if len(cs) == 0 {
		return nil
	}
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		now := db.now()
		ids := make([]int64, len(cs))
		for i, c := range cs {
			ids[i] = c.WriteID
		}
		byID := make(map[int64]writeRow, len(cs))
		for _, part := range chunks(ids, inChunk) {
			var rows []writeRow
			err := tx.Select("id", "pair", "run_id", "kind", "status", "link_id").Where("id IN ?", part).Find(&rows).Error
			if err != nil {
				return err
			}
			for _, w := range rows {
				byID[w.ID] = w
			}
		}
		acts := map[engine.Side][]activation{}
		seen := map[seenKey][]engine.Record{}
		var outs []engine.Outcome
		for _, c := range cs {
			w, ok := byID[c.WriteID]
			switch {
			case !ok:
				return fmt.Errorf("write %d: %w", c.WriteID, engine.ErrNotFound)
			case w.Status == string(engine.WriteDone) || w.Status == string(engine.WriteDiscarded):
				return fmt.Errorf("write %d is %s: %w", w.ID, w.Status, engine.ErrConflict)
			}
			linkID := c.LinkID
			if linkID == 0 {
				linkID = w.LinkID
			}
			kind := engine.WriteKind(w.Kind)
			target := kind.Target()
			if kind.IsUpdate() {
				if err := mergeBaseline(tx, linkID, c.Base, now); err != nil {
					return err
				}
			} else {
				if c.OtherID == "" {
					return fmt.Errorf("link %d: empty %s id: %w", linkID, target, engine.ErrInvalid)
				}
				acts[target] = append(acts[target], activation{LinkID: linkID, OtherID: c.OtherID, Base: baselineDoc(c.Base)})
			}
			if c.Record.ID != "" {
				rec := c.Record
				rec.Pair, rec.Side = w.Pair, target
				if rec.SeenAt.IsZero() {
					rec.SeenAt = now
				}
				k := seenKey{pair: w.Pair, side: target, runID: w.RunID}
				seen[k] = append(seen[k], rec)
			}
			if c.Outcome.Kind != "" {
				outs = append(outs, c.Outcome)
			}
		}
		for _, part := range chunks(ids, inChunk) {
			err := tx.Model(&writeRow{}).Where("id IN ?", part).
				Updates(map[string]any{"status": string(engine.WriteDone), "last_error": "", "updated_at": now}).Error
			if err != nil {
				return err
			}
		}
		for side, as := range acts {
			if err := activateLinks(tx, side, as, now); err != nil {
				return err
			}
		}
		for k, recs := range seen {
			if err := storeSeenBatch(tx, k, recs); err != nil {
				return err
			}
		}
		return insertOutcomes(tx, outs, now)
	})
	return wrapf(err, "complete %d writes", len(cs))
}

// activation is one pending link made active by a confirmed creation, in
// the JSON form the multi-row UPDATE reads.
type activation struct {
	LinkID  int64  `json:"id"`
	OtherID string `json:"o"`
	Base    string `json:"b"`
}

// activateLinks does what activateLink does for many links of one target
// side, one statement per chunk: the links' values travel as one JSON
// array, like record keys (see replaceKeys). Every link must exist.
func activateLinks(tx *gorm.DB, side engine.Side, as []activation, at time.Time) error {
	col := sideColumn(side)
	q := "UPDATE links SET " + col + " = x.o, state = ?, baseline = CAST(x.b AS jsonb), verified_at = ?, updated_at = ?" +
		" FROM json_to_recordset(CAST(? AS json)) AS x(id bigint, o text, b text) WHERE links.id = x.id"
	if tx.Dialector.Name() != DialectPostgres {
		q = "UPDATE links SET " + col + " = x.o, state = ?, baseline = x.b, verified_at = ?, updated_at = ?" +
			" FROM (SELECT value ->> '$.id' AS id, value ->> '$.o' AS o, value ->> '$.b' AS b FROM json_each(?)) AS x" +
			" WHERE links.id = x.id"
	}
	for _, part := range chunks(as, inChunk) {
		doc, err := json.Marshal(part)
		if err != nil {
			return err
		}
		res := tx.Exec(q, string(engine.LinkActive), ts(at), ts(at), string(doc))
		if res.Error != nil {
			return fmt.Errorf("activate %d links: %w", len(part), res.Error)
		}
		if int(res.RowsAffected) != len(part) {
			return fmt.Errorf("activate %d links: %d found: %w", len(part), res.RowsAffected, engine.ErrNotFound)
		}
	}
	return nil
}

// seenKey groups records stored as seen by the run their write belongs to.
type seenKey struct {
	pair  string
	side  engine.Side
	runID int64
}

// storeSeenBatch is storeSeen for records of one pair and side: their
// blocking keys are replaced in one pass rather than one per record.
func storeSeenBatch(tx *gorm.DB, k seenKey, recs []engine.Record) error {
	rows := make([]recordRow, 0, len(recs))
	for _, r := range recs {
		rows = append(rows, recordFromEngine(r, false, k.runID))
	}
	if _, err := upsertRecords(tx, rows, ""); err != nil {
		return err
	}
	return replaceKeys(tx, k.pair, k.side, recs, nil)
}
