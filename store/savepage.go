package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/accordhq/accord/engine"
)

// cursorRow is a side's position in its change feed.
type cursorRow struct {
	Pair      string `gorm:"primaryKey"`
	Side      string `gorm:"primaryKey"`
	Cursor    string
	RunID     int64
	UpdatedAt time.Time `gorm:"autoCreateTime:false;autoUpdateTime:false"`
}

func (cursorRow) TableName() string { return "cursors" }

// quarantineRow is a provider record that could not be read.
type quarantineRow struct {
	ID       int64 `gorm:"primaryKey"`
	Pair     string
	Side     string
	RecordID string
	Reason   string
	Raw      []byte
	RunID    int64
	At       time.Time
}

func (quarantineRow) TableName() string { return "quarantine" }

// Cursor returns the stored cursor of a side, "" if none.
func (db *DB) Cursor(ctx context.Context, pair string, side engine.Side) (string, error) {
	c, err := readCursor(db.orm(ctx), pair, side)
	if err != nil {
		return "", wrapf(err, "read cursor of %s %s", pair, side)
	}
	return c, nil
}

func readCursor(tx *gorm.DB, pair string, side engine.Side) (string, error) {
	var row cursorRow
	err := tx.Where("pair = ? AND side = ?", pair, string(side)).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil
	}
	return row.Cursor, err
}

// storedHash is what SavePage compares a page against.
type storedHash struct {
	ID      string
	Hash    string
	Version int64
}

// SavePage upserts p.Records, quarantines p.Bad and stores p.Cursor in one
// transaction, and returns how many records were new or changed.
//
// The stored hashes are read first, outside the transaction, so that a page
// of re-read, unchanged records (the overlap window, an idle run) takes no
// write lock at all and an idle page writes nothing. Only the new or changed
// rows are sent, and the upsert guards them again in SQL: a row is replaced
// only when its hash differs and its version is not older than the stored
// one, so a stale re-read never rolls a record back.
func (db *DB) SavePage(ctx context.Context, p engine.SavePage) (int, error) {
	if !p.Side.Valid() {
		return 0, invalidf("save page of %s: side %q", p.Pair, p.Side)
	}
	at := p.At
	if at.IsZero() {
		at = db.opts.Now()
	}

	cur, err := readCursor(db.orm(ctx), p.Pair, p.Side)
	if err != nil {
		return 0, wrapf(err, "save page of %s %s: read cursor", p.Pair, p.Side)
	}
	moveCursor := p.Cursor != "" && p.Cursor != cur

	changed, fresh, err := db.changedRecords(ctx, p)
	if err != nil {
		return 0, wrapf(err, "save page of %s %s: read stored hashes", p.Pair, p.Side)
	}
	if len(changed) == 0 && len(p.Bad) == 0 && !moveCursor {
		return 0, nil
	}

	n := 0
	err = db.inTx(ctx, func(tx *gorm.DB) error {
		rows := make([]recordRow, 0, len(changed))
		for _, r := range changed {
			r.Pair, r.Side, r.SeenAt = p.Pair, p.Side, at
			rows = append(rows, recordFromEngine(r, true, p.RunID))
		}
		var err error
		n, err = upsertRecords(tx, rows, "records.hash <> excluded.hash AND excluded.version >= records.version")
		if err != nil {
			return err
		}
		if err := replaceKeys(tx, p.Pair, p.Side, changed, fresh); err != nil {
			return err
		}
		if len(p.Bad) > 0 {
			q := make([]quarantineRow, 0, len(p.Bad))
			for _, b := range p.Bad {
				q = append(q, quarantineRow{Pair: p.Pair, Side: string(p.Side), RecordID: b.ID,
					Reason: b.Reason, Raw: b.Raw, RunID: p.RunID, At: ts(at)})
			}
			if err := tx.CreateInBatches(&q, rowsPerInsert(tx, 7)).Error; err != nil {
				return err
			}
		}
		if moveCursor {
			row := cursorRow{Pair: p.Pair, Side: string(p.Side), Cursor: p.Cursor, RunID: p.RunID, UpdatedAt: ts(at)}
			err := tx.Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "pair"}, {Name: "side"}},
				DoUpdates: clause.AssignmentColumns([]string{"cursor", "run_id", "updated_at"}),
			}).Create(&row).Error
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, wrapf(err, "save page of %s %s (%d records)", p.Pair, p.Side, len(p.Records))
	}
	db.noteWrites(ctx, n)
	return n, nil
}

// changedRecords returns the records of the page that are new, or whose hash
// differs from the stored one with a version that is not older, and the ids
// of those that are new. When a page repeats an id, the last occurrence
// wins.
func (db *DB) changedRecords(ctx context.Context, p engine.SavePage) ([]engine.Record, map[string]bool, error) {
	if len(p.Records) == 0 {
		return nil, nil, nil
	}
	last := make(map[string]int, len(p.Records))
	ids := make([]string, 0, len(p.Records))
	for i, r := range p.Records {
		if _, ok := last[r.ID]; !ok {
			ids = append(ids, r.ID)
		}
		last[r.ID] = i
	}
	stored := make(map[string]storedHash, len(ids))
	for _, part := range chunks(ids, inChunk) {
		var hs []storedHash
		err := db.orm(ctx).Model(&recordRow{}).Select("id", "hash", "version").
			Where("pair = ? AND side = ? AND id IN ?", p.Pair, string(p.Side), part).Find(&hs).Error
		if err != nil {
			return nil, nil, err
		}
		for _, h := range hs {
			stored[h.ID] = h
		}
	}
	out := make([]engine.Record, 0, len(ids))
	fresh := map[string]bool{}
	for _, id := range ids {
		r := p.Records[last[id]]
		if r.Hash == "" {
			r.Hash = r.Customer.Hash()
		}
		s, ok := stored[id]
		if ok && (s.Hash == r.Hash || r.Version < s.Version) {
			continue
		}
		if !ok {
			fresh[id] = true
		}
		out = append(out, r)
	}
	return out, fresh, nil
}

// CursorState is a stored cursor with when and by which run it last moved.
type CursorState struct {
	Pair      string
	Side      engine.Side
	Cursor    string
	RunID     int64
	UpdatedAt time.Time
}

// FindCursor returns a side's stored cursor, or an error wrapping
// engine.ErrNotFound when the side was never pulled.
func (db *DB) FindCursor(ctx context.Context, pair string, side engine.Side) (CursorState, error) {
	var row cursorRow
	if err := db.orm(ctx).Where("pair = ? AND side = ?", pair, string(side)).Take(&row).Error; err != nil {
		return CursorState{}, wrapf(err, "find cursor of %s %s", pair, side)
	}
	return CursorState{Pair: row.Pair, Side: engine.Side(row.Side), Cursor: row.Cursor, RunID: row.RunID,
		UpdatedAt: row.UpdatedAt.UTC()}, nil
}
