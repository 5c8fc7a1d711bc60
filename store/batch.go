package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/accordhq/accord/engine"
)

// ApplyBatch stores what matching decided for one batch of dirty records,
// in one transaction: either all of it is stored or none of it, so a crash
// leaves the records dirty to be matched again.
//
// A link, pending link or settlement that would link a record twice on one
// side fails the batch with engine.ErrConflict.
func (db *DB) ApplyBatch(ctx context.Context, b engine.Batch) error {
	at := b.At
	if at.IsZero() {
		at = db.now()
	}
	at = ts(at)
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		steps := []struct {
			what string
			fn   func() error
		}{
			{"clean records", func() error { return cleanRecords(tx, b.Pair, b.Side, b.Clean) }},
			{"insert links", func() error { return insertLinks(tx, b.Pair, b.Links, at) }},
			{"settle pending links", func() error { return settle(tx, b.Pair, b.RunID, b.Settle, at) }},
			{"change link states", func() error { return setLinkStates(tx, b.LinkStates, at) }},
			{"insert suggestions", func() error { return insertSuggestions(tx, b.Pair, b.RunID, at, b.Suggestions) }},
			{"merge duplicate sets", func() error { return mergeDuplicateSets(tx, b.Pair, b.Side, b.RunID, at, b.Duplicates) }},
			{"open conflicts", func() error { return openConflicts(tx, b.Pair, b.RunID, at, b.Conflicts) }},
			{"close conflicts", func() error { return closeConflicts(tx, at, b.CloseConflicts) }},
			{"plan writes", func() error { return planWrites(tx, b.Pair, b.RunID, at, b.Writes) }},
			{"add outcomes", func() error { return insertOutcomes(tx, b.Outcomes, at) }},
		}
		for _, s := range steps {
			if err := s.fn(); err != nil {
				return fmt.Errorf("%s: %w", s.what, err)
			}
		}
		return nil
	})
	if err == nil {
		db.noteWrites(ctx, len(b.Links)+len(b.Suggestions)+len(b.Duplicates)+len(b.Conflicts)+len(b.Writes)+len(b.Outcomes))
	}
	return wrapf(err, "apply batch of %s %s (run %d)", b.Pair, b.Side, b.RunID)
}

// cleanRecords clears the dirty mark of records matching has handled.
func cleanRecords(tx *gorm.DB, pair string, side engine.Side, ids []string) error {
	for _, part := range chunks(distinct(ids), inChunk) {
		err := tx.Model(&recordRow{}).Where("pair = ? AND side = ? AND dirty AND id IN ?", pair, string(side), part).
			Update("dirty", false).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// insertLinks adds new links and supersedes the open suggestions of their
// records.
func insertLinks(tx *gorm.DB, pair string, links []engine.Link, at time.Time) error {
	if len(links) == 0 {
		return nil
	}
	rows := make([]linkRow, len(links))
	var locals, ups []string
	for i, l := range links {
		l.Pair = pair
		rows[i] = linkFromEngine(l, at)
		locals = append(locals, l.LocalID)
		ups = append(ups, l.UpstreamID)
	}
	if err := tx.CreateInBatches(&rows, rowsPerInsert(tx, 11)).Error; err != nil {
		return err
	}
	return supersedeSuggestions(tx, pair, locals, ups, 0, at)
}

// settle completes pending links whose creation the change feed confirmed:
// the missing id is filled in, the link becomes active (its method stays
// pushed or pulled), the link's write is done, and the target record is
// stored as seen and clean.
func settle(tx *gorm.DB, pair string, runID int64, ss []engine.Settlement, at time.Time) error {
	for _, s := range ss {
		l, err := findLink(tx, s.LinkID)
		if err != nil {
			return fmt.Errorf("link %d: %w", s.LinkID, err)
		}
		if l.State != string(engine.LinkPending) {
			return fmt.Errorf("link %d is %s, not pending: %w", l.ID, l.State, engine.ErrConflict)
		}
		target := engine.Upstream
		if l.LocalID == nil {
			target = engine.Local
		}
		if err := activateLink(tx, l.ID, target, s.OtherID, s.Base, at); err != nil {
			return err
		}
		err = tx.Model(&writeRow{}).
			Where("link_id = ? AND status NOT IN ?", l.ID, []string{string(engine.WriteDone), string(engine.WriteDiscarded)}).
			Updates(map[string]any{"status": string(engine.WriteDone), "last_error": "", "updated_at": at}).Error
		if err != nil {
			return err
		}
		if s.Record.ID != "" {
			rec := s.Record
			rec.Pair, rec.Side = pair, target
			if rec.SeenAt.IsZero() {
				rec.SeenAt = at
			}
			if err := storeSeen(tx, []engine.Record{rec}, runID); err != nil {
				return err
			}
		}
	}
	return nil
}

// setLinkStates moves links to new states (an upstream delete).
func setLinkStates(tx *gorm.DB, changes []engine.LinkStateChange, at time.Time) error {
	for _, c := range changes {
		res := tx.Model(&linkRow{}).Where("id = ?", c.LinkID).
			Updates(map[string]any{"state": string(c.State), "updated_at": at})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("link %d: %w", c.LinkID, engine.ErrNotFound)
		}
	}
	return nil
}

// Blocked returns, for those of ids that may not be created on the other
// side, why: engine.ReasonMerged for a member of a resolved duplicate set
// that is not its survivor (a permanent block, so it wins), else
// engine.ReasonAwaitingReview while an open suggestion or open duplicate set
// holds the record.
func (db *DB) Blocked(ctx context.Context, pair string, side engine.Side, ids []string) (map[string]engine.Reason, error) {
	if !side.Valid() {
		return nil, invalidf("blocked records of %s: side %q", pair, side)
	}
	out := map[string]engine.Reason{}
	col := sideColumn(side)
	for _, part := range chunks(distinct(ids), inChunk) {
		var inReview []string
		err := db.orm(ctx).Model(&suggestionRow{}).Distinct(col).
			Where("pair = ? AND status = ? AND "+col+" IN ?", pair, string(engine.ReviewOpen), part).
			Pluck(col, &inReview).Error
		if err != nil {
			return nil, wrapf(err, "blocked %s records of %s: suggestions", side, pair)
		}
		for _, id := range inReview {
			out[id] = engine.ReasonAwaitingReview
		}
		var members []struct {
			RecordID   string
			Status     string
			SurvivorID string
		}
		err = db.orm(ctx).Table("duplicate_members AS m").
			Select("m.record_id, s.status, s.survivor_id").
			Joins("JOIN duplicate_sets s ON s.id = m.set_id").
			Where("m.pair = ? AND m.side = ? AND m.record_id IN ? AND s.status IN ?", pair, string(side), part,
				[]string{string(engine.ReviewOpen), string(engine.ReviewResolved)}).
			Find(&members).Error
		if err != nil {
			return nil, wrapf(err, "blocked %s records of %s: duplicate sets", side, pair)
		}
		for _, m := range members {
			switch {
			case m.Status == string(engine.ReviewResolved) && m.RecordID != m.SurvivorID:
				out[m.RecordID] = engine.ReasonMerged
			case m.Status == string(engine.ReviewOpen) && out[m.RecordID] == "":
				out[m.RecordID] = engine.ReasonAwaitingReview
			}
		}
	}
	return out, nil
}
