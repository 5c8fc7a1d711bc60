package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/accordhq/accord/engine"
)

// conflictRow is one mapped field whose values differ on a linked pair. A
// partial unique index allows one open conflict per (link, field).
type conflictRow struct {
	ID            int64 `gorm:"primaryKey"`
	Pair          string
	LinkID        int64
	LocalID       string
	UpstreamID    string
	Field         string
	LocalValue    string
	UpstreamValue string
	Status        string
	Resolution    string
	RunID         int64
	CreatedAt     time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt     time.Time `gorm:"autoUpdateTime:false"`
	ResolvedAt    *time.Time
	ResolvedBy    string
}

func (conflictRow) TableName() string { return "conflicts" }

func (r conflictRow) toEngine() engine.Conflict {
	return engine.Conflict{
		ID: r.ID, Pair: r.Pair, LinkID: r.LinkID, LocalID: r.LocalID, UpstreamID: r.UpstreamID, Field: r.Field,
		LocalValue: r.LocalValue, UpstreamValue: r.UpstreamValue, Status: engine.ConflictStatus(r.Status),
		Resolution: r.Resolution, RunID: r.RunID, CreatedAt: r.CreatedAt.UTC(), ResolvedAt: fromNull(r.ResolvedAt),
		ResolvedBy: r.ResolvedBy,
	}
}

// openConflicts opens each conflict, or refreshes the values of the open one
// for the same link and field. A conflict of a link made in the same batch
// has no link id yet; it is found through the link's local (or upstream)
// id, so Links must be inserted first.
func openConflicts(tx *gorm.DB, pair string, runID int64, at time.Time, cs []engine.Conflict) error {
	for _, c := range cs {
		if c.LinkID == 0 {
			id, err := linkIDOf(tx, pair, c)
			if err != nil {
				return err
			}
			c.LinkID = id
		}
		run := c.RunID
		if run == 0 {
			run = runID
		}
		res := tx.Model(&conflictRow{}).
			Where("link_id = ? AND field = ? AND status = ?", c.LinkID, c.Field, string(engine.ConflictOpen)).
			Updates(map[string]any{"local_value": c.LocalValue, "upstream_value": c.UpstreamValue,
				"local_id": c.LocalID, "upstream_id": c.UpstreamID, "run_id": run, "updated_at": ts(at)})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected > 0 {
			continue
		}
		row := conflictRow{Pair: pair, LinkID: c.LinkID, LocalID: c.LocalID, UpstreamID: c.UpstreamID,
			Field: c.Field, LocalValue: c.LocalValue, UpstreamValue: c.UpstreamValue,
			Status: string(engine.ConflictOpen), RunID: run, CreatedAt: ts(at), UpdatedAt: ts(at)}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
	}
	return nil
}

// linkIDOf finds the link a conflict without a link id belongs to.
func linkIDOf(tx *gorm.DB, pair string, c engine.Conflict) (int64, error) {
	q := tx.Model(&linkRow{}).Where("pair = ?", pair)
	switch {
	case c.LocalID != "":
		q = q.Where("local_id = ?", c.LocalID)
	case c.UpstreamID != "":
		q = q.Where("upstream_id = ?", c.UpstreamID)
	default:
		return 0, fmt.Errorf("conflict on %s names no link: %w", c.Field, engine.ErrInvalid)
	}
	var ids []int64
	if err := q.Limit(1).Pluck("id", &ids).Error; err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, fmt.Errorf("link of local %q / upstream %q for a conflict on %s: %w",
			c.LocalID, c.UpstreamID, c.Field, engine.ErrNotFound)
	}
	return ids[0], nil
}

// closeConflicts resolves open conflicts whose values came to agree. Most
// batches compare thousands of fields and close none, so it first reads
// which of the batch's links have open conflicts at all, in one query, and
// updates only those.
func closeConflicts(tx *gorm.DB, at time.Time, keys []engine.ConflictKey) error {
	if len(keys) == 0 {
		return nil
	}
	want := make(map[engine.ConflictKey]bool, len(keys))
	var links []int64
	for _, k := range keys {
		if !want[engine.ConflictKey{LinkID: k.LinkID}] {
			want[engine.ConflictKey{LinkID: k.LinkID}] = true
			links = append(links, k.LinkID)
		}
		want[k] = true
	}
	var open []conflictRow
	for _, part := range chunks(links, inChunk) {
		var rows []conflictRow
		err := tx.Select("id, link_id, field").Where("status = ? AND link_id IN ?", string(engine.ConflictOpen), part).
			Find(&rows).Error
		if err != nil {
			return err
		}
		open = append(open, rows...)
	}
	var ids []int64
	for _, c := range open {
		if want[engine.ConflictKey{LinkID: c.LinkID, Field: c.Field}] {
			ids = append(ids, c.ID)
		}
	}
	for _, part := range chunks(ids, inChunk) {
		err := tx.Model(&conflictRow{}).Where("id IN ?", part).
			Updates(map[string]any{"status": string(engine.ConflictResolved), "resolution": "agreed",
				"resolved_by": "accord", "resolved_at": ts(at), "updated_at": ts(at)}).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// ConflictFilter selects conflicts. Zero fields do not filter.
type ConflictFilter struct {
	Pair   string
	ID     int64
	LinkID int64
	Field  string
	Status engine.ConflictStatus
	Limit  int
	Offset int
}

// FindConflicts returns the conflicts that match f, oldest first, and how
// many match in all.
func (db *DB) FindConflicts(ctx context.Context, f ConflictFilter) ([]engine.Conflict, int, error) {
	q := db.orm(ctx).Model(&conflictRow{})
	q = where(q, "pair = ?", f.Pair)
	q = where(q, "id = ?", f.ID)
	q = where(q, "link_id = ?", f.LinkID)
	q = where(q, "field = ?", f.Field)
	q = where(q, "status = ?", string(f.Status))
	var rows []conflictRow
	total, err := page(q, "id", f.Limit, f.Offset, &rows)
	if err != nil {
		return nil, 0, wrapf(err, "find conflicts")
	}
	out := make([]engine.Conflict, len(rows))
	for i, r := range rows {
		out[i] = r.toEngine()
	}
	return out, total, nil
}

// KeepBoth records that a person keeps both values of a conflict: it is
// closed as kept, and the link's baseline for the field is set to the
// current values' hashes, so it stays hidden until either side changes. The
// current values are the stored records' (the conflict's own when a record
// is missing). It fails with engine.ErrConflict when the conflict is not
// open.
func (db *DB) KeepBoth(ctx context.Context, conflictID int64, actor string) error {
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		now := db.now()
		var c conflictRow
		if err := tx.Where("id = ?", conflictID).Take(&c).Error; err != nil {
			return err
		}
		if c.Status != string(engine.ConflictOpen) {
			return fmt.Errorf("conflict is %s, not open: %w", c.Status, engine.ErrConflict)
		}
		link, err := findLink(tx, c.LinkID)
		if err != nil {
			return fmt.Errorf("link %d: %w", c.LinkID, err)
		}
		localV, upV := c.LocalValue, c.UpstreamValue
		for _, s := range []struct {
			side engine.Side
			id   string
			v    *string
		}{{engine.Local, c.LocalID, &localV}, {engine.Upstream, c.UpstreamID, &upV}} {
			var r recordRow
			res := tx.Where("pair = ? AND side = ? AND id = ?", c.Pair, string(s.side), s.id).Limit(1).Find(&r)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected > 0 {
				*s.v = r.toEngine().Field(c.Field)
			}
		}
		base := baselineFrom(link.Baseline)
		base[c.Field] = engine.Baseline{Local: engine.ValueHash(localV), Upstream: engine.ValueHash(upV)}
		err = tx.Model(&linkRow{}).Where("id = ?", link.ID).
			Updates(map[string]any{"baseline": baselineDoc(base), "updated_at": now}).Error
		if err != nil {
			return err
		}
		err = tx.Model(&conflictRow{}).Where("id = ?", c.ID).Updates(map[string]any{
			"status": string(engine.ConflictKept), "resolution": "kept_both", "resolved_by": actor,
			"resolved_at": now, "updated_at": now,
		}).Error
		if err != nil {
			return err
		}
		return audit(tx, now, c.Pair, actor, ActionKeepBoth, fmt.Sprintf("conflict:%d", c.ID), map[string]any{
			"link_id": c.LinkID, "field": c.Field, "local_value": localV, "upstream_value": upV,
		})
	})
	return wrapf(err, "keep both values of conflict %d", conflictID)
}
