package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/accordhq/accord/engine"
)

// suggestionRow is a proposed link. (pair, local_id, upstream_id) is unique
// across every status, so a rejected pair can never be proposed again.
type suggestionRow struct {
	ID         int64 `gorm:"primaryKey"`
	Pair       string
	LocalID    string
	UpstreamID string
	Score      float64
	Reason     string
	Evidence   string
	Status     string
	RunID      int64
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`
	DecidedBy  string
	DecidedAt  *time.Time
}

func (suggestionRow) TableName() string { return "suggestions" }

func (r suggestionRow) toEngine() engine.Suggestion {
	return engine.Suggestion{
		ID: r.ID, Pair: r.Pair, LocalID: r.LocalID, UpstreamID: r.UpstreamID, Score: r.Score,
		Reason: engine.Reason(r.Reason), Evidence: evidenceFrom(r.Evidence), Status: engine.ReviewStatus(r.Status),
		RunID: r.RunID, CreatedAt: r.CreatedAt.UTC(), DecidedBy: r.DecidedBy, DecidedAt: fromNull(r.DecidedAt),
	}
}

// insertSuggestions adds suggestions for pairs never suggested before, in
// any status: ON CONFLICT DO NOTHING keeps a rejection from being
// resurrected.
func insertSuggestions(tx *gorm.DB, pair string, runID int64, at time.Time, ss []engine.Suggestion) error {
	rows := make([]suggestionRow, 0, len(ss))
	for _, s := range ss {
		status := s.Status
		if status == "" {
			status = engine.ReviewOpen
		}
		created := s.CreatedAt
		if created.IsZero() {
			created = at
		}
		run := s.RunID
		if run == 0 {
			run = runID
		}
		rows = append(rows, suggestionRow{Pair: pair, LocalID: s.LocalID, UpstreamID: s.UpstreamID,
			Score: s.Score, Reason: string(s.Reason), Evidence: evidenceDoc(s.Evidence), Status: string(status),
			RunID: run, CreatedAt: ts(created)})
	}
	for _, part := range chunks(rows, rowsPerInsert(tx, 11)) {
		err := tx.Clauses(clause.OnConflict{
			Columns: []clause.Column{{Name: "pair"}, {Name: "local_id"}, {Name: "upstream_id"}}, DoNothing: true,
		}).Create(&part).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// supersedeSuggestions closes the open suggestions that involve any of the
// records: once a record is linked, proposals about it are moot. except
// keeps one suggestion (the one being approved) out of it.
func supersedeSuggestions(tx *gorm.DB, pair string, localIDs, upstreamIDs []string, except int64, at time.Time) error {
	for _, sc := range []struct {
		col string
		ids []string
	}{{"local_id", localIDs}, {"upstream_id", upstreamIDs}} {
		for _, part := range chunks(distinct(sc.ids), inChunk) {
			err := tx.Model(&suggestionRow{}).
				Where("pair = ? AND status = ? AND id <> ? AND "+sc.col+" IN ?", pair, string(engine.ReviewOpen), except, part).
				Updates(map[string]any{"status": string(engine.ReviewSuperseded), "decided_by": "accord", "decided_at": ts(at)}).Error
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// SuggestionFilter selects suggestions. Zero fields do not filter.
type SuggestionFilter struct {
	Pair       string
	ID         int64
	Status     engine.ReviewStatus
	Reason     engine.Reason
	LocalID    string
	UpstreamID string
	RunID      int64
	Limit      int
	Offset     int
}

// FindSuggestions returns the suggestions that match f, oldest first, and
// how many match in all.
func (db *DB) FindSuggestions(ctx context.Context, f SuggestionFilter) ([]engine.Suggestion, int, error) {
	q := db.orm(ctx).Model(&suggestionRow{})
	q = where(q, "pair = ?", f.Pair)
	q = where(q, "id = ?", f.ID)
	q = where(q, "status = ?", string(f.Status))
	q = where(q, "reason = ?", string(f.Reason))
	q = where(q, "local_id = ?", f.LocalID)
	q = where(q, "upstream_id = ?", f.UpstreamID)
	q = where(q, "run_id = ?", f.RunID)
	var rows []suggestionRow
	total, err := page(q, "id", f.Limit, f.Offset, &rows)
	if err != nil {
		return nil, 0, wrapf(err, "find suggestions")
	}
	out := make([]engine.Suggestion, len(rows))
	for i, r := range rows {
		out[i] = r.toEngine()
	}
	return out, total, nil
}

// openSuggestion reads a suggestion a person is deciding; it must be open.
func openSuggestion(tx *gorm.DB, id int64) (suggestionRow, error) {
	var s suggestionRow
	if err := tx.Where("id = ?", id).Take(&s).Error; err != nil {
		return s, err
	}
	if s.Status != string(engine.ReviewOpen) {
		return s, fmt.Errorf("suggestion is %s, not open: %w", s.Status, engine.ErrConflict)
	}
	return s, nil
}

// ApproveSuggestion links the suggestion's records with a manual link and
// returns it. Other open suggestions of either record are superseded. It
// fails with engine.ErrConflict when the suggestion is not open or either
// record is already linked, and engine.ErrNotFound when there is no such
// suggestion.
func (db *DB) ApproveSuggestion(ctx context.Context, id int64, actor string) (engine.Link, error) {
	var link engine.Link
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		now := db.now()
		s, err := openSuggestion(tx, id)
		if err != nil {
			return err
		}
		var linked []linkRow
		err = tx.Where("pair = ? AND (local_id = ? OR upstream_id = ?)", s.Pair, s.LocalID, s.UpstreamID).Find(&linked).Error
		if err != nil {
			return err
		}
		if len(linked) > 0 {
			l := linked[0]
			return fmt.Errorf("link %d already holds local %s / upstream %s: %w",
				l.ID, fromNullStr(l.LocalID), fromNullStr(l.UpstreamID), engine.ErrConflict)
		}
		ev := evidenceFrom(s.Evidence)
		if ev.Note == "" {
			ev.Note = fmt.Sprintf("approved suggestion %d", s.ID)
		}
		row := linkFromEngine(engine.Link{Pair: s.Pair, LocalID: s.LocalID, UpstreamID: s.UpstreamID,
			Method: engine.MethodManual, State: engine.LinkActive, Evidence: ev, CreatedBy: actor}, now)
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		link = row.toEngine()
		if err := decideSuggestion(tx, s.ID, engine.ReviewApproved, actor, now); err != nil {
			return err
		}
		if err := supersedeSuggestions(tx, s.Pair, []string{s.LocalID}, []string{s.UpstreamID}, s.ID, now); err != nil {
			return err
		}
		// Both records are re-evaluated so the next run compares the newly
		// linked pair's fields.
		if err := markDirty(tx, s.Pair, engine.Local, []string{s.LocalID}); err != nil {
			return err
		}
		if err := markDirty(tx, s.Pair, engine.Upstream, []string{s.UpstreamID}); err != nil {
			return err
		}
		return audit(tx, now, s.Pair, actor, ActionApproveSuggestion, fmt.Sprintf("suggestion:%d", s.ID),
			map[string]any{"link_id": row.ID, "local_id": s.LocalID, "upstream_id": s.UpstreamID, "score": s.Score})
	})
	if err != nil {
		return engine.Link{}, wrapf(err, "approve suggestion %d", id)
	}
	return link, nil
}

// RejectSuggestion records that the suggestion's records are not one
// customer: the suggestion is rejected, a rejection is stored for ever, and
// both records are queued for the next run. It fails with
// engine.ErrConflict when the suggestion is not open.
func (db *DB) RejectSuggestion(ctx context.Context, id int64, actor string) error {
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		now := db.now()
		s, err := openSuggestion(tx, id)
		if err != nil {
			return err
		}
		if err := decideSuggestion(tx, s.ID, engine.ReviewRejected, actor, now); err != nil {
			return err
		}
		err = addRejection(tx, s.Pair, engine.Ref{Side: engine.Local, ID: s.LocalID},
			engine.Ref{Side: engine.Upstream, ID: s.UpstreamID}, actor, "rejected suggestion", now)
		if err != nil {
			return err
		}
		if err := markDirty(tx, s.Pair, engine.Local, []string{s.LocalID}); err != nil {
			return err
		}
		if err := markDirty(tx, s.Pair, engine.Upstream, []string{s.UpstreamID}); err != nil {
			return err
		}
		return audit(tx, now, s.Pair, actor, ActionRejectSuggestion, fmt.Sprintf("suggestion:%d", s.ID),
			map[string]any{"local_id": s.LocalID, "upstream_id": s.UpstreamID, "score": s.Score})
	})
	return wrapf(err, "reject suggestion %d", id)
}

func decideSuggestion(tx *gorm.DB, id int64, status engine.ReviewStatus, actor string, at time.Time) error {
	res := tx.Model(&suggestionRow{}).Where("id = ? AND status = ?", id, string(engine.ReviewOpen)).
		Updates(map[string]any{"status": string(status), "decided_by": actor, "decided_at": ts(at)})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("suggestion %d was decided concurrently: %w", id, engine.ErrConflict)
	}
	return nil
}
