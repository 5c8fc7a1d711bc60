package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/accordhq/accord/engine"
)

// linkRow is a row of the cross-reference table. The id of the side not yet
// created is NULL, so the partial unique indexes ignore it.
type linkRow struct {
	ID         int64 `gorm:"primaryKey"`
	Pair       string
	LocalID    *string
	UpstreamID *string
	Method     string
	State      string
	Evidence   string
	CreatedBy  string
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt  time.Time `gorm:"autoUpdateTime:false"`
	VerifiedAt *time.Time
	Baseline   string
}

func (linkRow) TableName() string { return "links" }

func linkFromEngine(l engine.Link, at time.Time) linkRow {
	created, updated := l.CreatedAt, l.UpdatedAt
	if created.IsZero() {
		created = at
	}
	if updated.IsZero() {
		updated = created
	}
	by := l.CreatedBy
	if by == "" {
		by = "accord"
	}
	state := l.State
	if state == "" {
		state = engine.LinkActive
	}
	return linkRow{
		ID: l.ID, Pair: l.Pair, LocalID: nullStr(l.LocalID), UpstreamID: nullStr(l.UpstreamID),
		Method: string(l.Method), State: string(state), Evidence: evidenceDoc(l.Evidence), CreatedBy: by,
		CreatedAt: ts(created), UpdatedAt: ts(updated), VerifiedAt: nullTime(l.VerifiedAt),
		Baseline: baselineDoc(l.Baseline),
	}
}

func (r linkRow) toEngine() engine.Link {
	return engine.Link{
		ID: r.ID, Pair: r.Pair, LocalID: fromNullStr(r.LocalID), UpstreamID: fromNullStr(r.UpstreamID),
		Method: engine.LinkMethod(r.Method), State: engine.LinkState(r.State), Evidence: evidenceFrom(r.Evidence),
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		VerifiedAt: fromNull(r.VerifiedAt), Baseline: baselineFrom(r.Baseline),
	}
}

func linksToEngine(rows []linkRow) []engine.Link {
	out := make([]engine.Link, len(rows))
	for i, r := range rows {
		out[i] = r.toEngine()
	}
	return out
}

// sideColumn is the column holding a side's id in links and suggestions.
func sideColumn(s engine.Side) string {
	if s == engine.Local {
		return "local_id"
	}
	return "upstream_id"
}

// LinksFor returns the links whose id on side is one of ids, in any state
// (a pending link tells matching that a creation is in flight).
func (db *DB) LinksFor(ctx context.Context, pair string, side engine.Side, ids []string) ([]engine.Link, error) {
	if !side.Valid() {
		return nil, invalidf("links of %s: side %q", pair, side)
	}
	var out []engine.Link
	for _, part := range chunks(distinct(ids), inChunk) {
		var rows []linkRow
		err := db.orm(ctx).Where("pair = ? AND "+sideColumn(side)+" IN ?", pair, part).Find(&rows).Error
		if err != nil {
			return nil, wrapf(err, "links of %s %s records", pair, side)
		}
		out = append(out, linksToEngine(rows)...)
	}
	return out, nil
}

// findLink reads one link for update by a decision.
func findLink(tx *gorm.DB, id int64) (linkRow, error) {
	var row linkRow
	if err := tx.Where("id = ?", id).Take(&row).Error; err != nil {
		return row, err
	}
	return row, nil
}

// LinkFilter selects links. Zero fields do not filter.
type LinkFilter struct {
	Pair       string
	ID         int64
	LocalID    string
	UpstreamID string
	Method     engine.LinkMethod
	State      engine.LinkState
	Limit      int // 0: no limit
	Offset     int
}

// FindLinks returns the links that match f, oldest first, and how many match
// in all.
func (db *DB) FindLinks(ctx context.Context, f LinkFilter) ([]engine.Link, int, error) {
	q := db.orm(ctx).Model(&linkRow{})
	q = where(q, "pair = ?", f.Pair)
	q = where(q, "id = ?", f.ID)
	q = where(q, "local_id = ?", f.LocalID)
	q = where(q, "upstream_id = ?", f.UpstreamID)
	q = where(q, "method = ?", string(f.Method))
	q = where(q, "state = ?", string(f.State))
	var rows []linkRow
	total, err := page(q, "id", f.Limit, f.Offset, &rows)
	if err != nil {
		return nil, 0, wrapf(err, "find links")
	}
	return linksToEngine(rows), total, nil
}

// Unlink deletes a link because a person says its records are not one
// customer. A rejection of the pair is stored so automation never links them
// again, the link's open conflicts are closed, and both records are queued
// for the next run. A pending link (a creation in flight) cannot be
// unlinked: that fails with engine.ErrConflict; discard its write instead.
func (db *DB) Unlink(ctx context.Context, linkID int64, actor string) error {
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		now := db.now()
		l, err := findLink(tx, linkID)
		if err != nil {
			return err
		}
		if l.State == string(engine.LinkPending) {
			return fmt.Errorf("link is pending a creation: %w", engine.ErrConflict)
		}
		local, up := fromNullStr(l.LocalID), fromNullStr(l.UpstreamID)
		if err := tx.Where("id = ?", l.ID).Delete(&linkRow{}).Error; err != nil {
			return err
		}
		err = addRejection(tx, l.Pair, engine.Ref{Side: engine.Local, ID: local},
			engine.Ref{Side: engine.Upstream, ID: up}, actor, "unlinked", now)
		if err != nil {
			return err
		}
		err = tx.Model(&conflictRow{}).Where("link_id = ? AND status = ?", l.ID, string(engine.ConflictOpen)).
			Updates(map[string]any{"status": string(engine.ConflictResolved), "resolution": "unlinked",
				"resolved_by": actor, "resolved_at": now, "updated_at": now}).Error
		if err != nil {
			return err
		}
		if err := markDirty(tx, l.Pair, engine.Local, []string{local}); err != nil {
			return err
		}
		if err := markDirty(tx, l.Pair, engine.Upstream, []string{up}); err != nil {
			return err
		}
		return audit(tx, now, l.Pair, actor, ActionUnlink, fmt.Sprintf("link:%d", l.ID), map[string]any{
			"local_id": local, "upstream_id": up, "method": l.Method, "state": l.State,
		})
	})
	return wrapf(err, "unlink link %d", linkID)
}
