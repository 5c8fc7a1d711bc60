package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/accordhq/accord/engine"
)

// OpenWork counts what waits for a person on a pair.
type OpenWork struct {
	Suggestions     int
	Conflicts       int // open conflicts (fields)
	ConflictLinks   int // links with at least one open conflict
	DuplicateSets   int
	UpstreamDeletes int // links whose upstream record was deleted
	HeldPlans       int // runs whose plan waits for approval
	HeldWrites      int
	DeadLetters     int
	PendingWrites   int // pending or inflight
}

// OpenWork counts a pair's open review items and outbox rows, each with an
// indexed count.
func (db *DB) OpenWork(ctx context.Context, pair string) (OpenWork, error) {
	var w OpenWork
	g := db.orm(ctx)
	counts := []struct {
		q   *gorm.DB
		dst *int
	}{
		{g.Model(&suggestionRow{}).Where("pair = ? AND status = ?", pair, string(engine.ReviewOpen)), &w.Suggestions},
		{g.Model(&conflictRow{}).Where("pair = ? AND status = ?", pair, string(engine.ConflictOpen)), &w.Conflicts},
		{g.Model(&conflictRow{}).Where("pair = ? AND status = ?", pair, string(engine.ConflictOpen)).Distinct("link_id"), &w.ConflictLinks},
		{g.Model(&duplicateSetRow{}).Where("pair = ? AND status = ?", pair, string(engine.ReviewOpen)), &w.DuplicateSets},
		{g.Model(&linkRow{}).Where("pair = ? AND state = ?", pair, string(engine.LinkUpstreamDeleted)), &w.UpstreamDeletes},
		{g.Model(&runRow{}).Where("pair = ? AND id IN (?)", pair,
			g.Session(&gorm.Session{NewDB: true}).Model(&writeRow{}).Select("run_id").
				Where("pair = ? AND status = ?", pair, string(engine.WriteHeld))), &w.HeldPlans},
	}
	for _, c := range counts {
		var n int64
		if err := c.q.Count(&n).Error; err != nil {
			return w, wrapf(err, "open work of %s", pair)
		}
		*c.dst = int(n)
	}
	wc, err := db.WriteCounts(ctx, pair)
	if err != nil {
		return w, err
	}
	w.HeldWrites, w.DeadLetters = wc[engine.WriteHeld], wc[engine.WriteDead]
	w.PendingWrites = wc[engine.WritePending] + wc[engine.WriteInflight]
	return w, nil
}

// APICallsSince sums the upstream API calls of a pair's runs started at or
// after since: the part of a daily budget already spent.
func (db *DB) APICallsSince(ctx context.Context, pair string, since time.Time) (int64, error) {
	var n *int64
	err := db.orm(ctx).Model(&runRow{}).Select("SUM(api_calls)").
		Where("pair = ? AND started_at >= ?", pair, ts(since)).Scan(&n).Error
	if err != nil {
		return 0, wrapf(err, "API calls of %s since %s", pair, since.Format(time.RFC3339))
	}
	if n == nil {
		return 0, nil
	}
	return *n, nil
}

// FindRecordsByID reads records of both sides of a pair by id, keyed by
// side and id, without their raw payloads; ids with no stored record are
// absent from the map.
func (db *DB) FindRecordsByID(ctx context.Context, pair string, local, upstream []string) (map[engine.Ref]engine.Record, error) {
	out, err := db.recordsOfBothSides(ctx, pair, local, upstream)
	if err != nil {
		return nil, wrapf(err, "find records of %s", pair)
	}
	return out, nil
}

// LinkSearch selects links for the links page, newest first. Zero fields do
// not filter.
type LinkSearch struct {
	Pair   string
	State  engine.LinkState
	Method engine.LinkMethod
	Search SearchKeys
	// BeforeID continues a page: links with a smaller id.
	BeforeID int64
	Limit    int
}

func (db *DB) linkSearchWhere(ctx context.Context, f LinkSearch) *gorm.DB {
	g := db.orm(ctx)
	q := g.Model(&linkRow{}).Where("pair = ?", f.Pair)
	q = where(q, "state = ?", string(f.State))
	q = where(q, "method = ?", string(f.Method))
	if !f.Search.empty() {
		cond := g.Session(&gorm.Session{NewDB: true}).
			Where("local_id IN (?)", matchingRecords(g, f.Pair, engine.Local, f.Search)).
			Or("upstream_id IN (?)", matchingRecords(g, f.Pair, engine.Upstream, f.Search))
		if f.Search.ID != "" {
			cond = cond.Or("local_id = ?", f.Search.ID).Or("upstream_id = ?", f.Search.ID)
		}
		q = q.Where(cond)
	}
	return q
}

// SearchLinks returns one page of links, newest first: by a record's id
// on either side, or by the prefix of either record's email or name.
func (db *DB) SearchLinks(ctx context.Context, f LinkSearch) ([]engine.Link, error) {
	q := db.linkSearchWhere(ctx, f)
	if f.BeforeID > 0 {
		q = q.Where("id < ?", f.BeforeID)
	}
	q = q.Order("id DESC")
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var rows []linkRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, wrapf(err, "search links of %s", f.Pair)
	}
	return linksToEngine(rows), nil
}

// CountLinks counts the links f selects, stopping at limit (capped is true
// when there are more).
func (db *DB) CountLinks(ctx context.Context, f LinkSearch, limit int) (n int, capped bool, err error) {
	sub := db.linkSearchWhere(ctx, f).Select("1").Limit(limit + 1)
	var total int64
	if err := db.orm(ctx).Table("(?) AS capped", sub).Count(&total).Error; err != nil {
		return 0, false, wrapf(err, "count links of %s", f.Pair)
	}
	if int(total) > limit {
		return limit, true, nil
	}
	return int(total), false, nil
}

// ConflictLinks returns up to limit ids of a pair's links with an open
// conflict, after afterLinkID in id order, so the conflicts page can show
// each link's fields together.
func (db *DB) ConflictLinks(ctx context.Context, pair string, afterLinkID int64, limit int) ([]int64, error) {
	q := db.orm(ctx).Model(&conflictRow{}).Distinct("link_id").
		Where("pair = ? AND status = ? AND link_id > ?", pair, string(engine.ConflictOpen), afterLinkID).
		Order("link_id")
	if limit > 0 {
		q = q.Limit(limit)
	}
	var ids []int64
	if err := q.Pluck("link_id", &ids).Error; err != nil {
		return nil, wrapf(err, "links with conflicts of %s", pair)
	}
	return ids, nil
}

// OpenConflictsOf returns the open conflicts of the given links, by link
// and then field id order.
func (db *DB) OpenConflictsOf(ctx context.Context, linkIDs []int64) ([]engine.Conflict, error) {
	var out []engine.Conflict
	for _, part := range chunks(linkIDs, inChunk) {
		var rows []conflictRow
		err := db.orm(ctx).Where("link_id IN ? AND status = ?", part, string(engine.ConflictOpen)).
			Order("link_id, id").Find(&rows).Error
		if err != nil {
			return nil, wrapf(err, "open conflicts of %d links", len(linkIDs))
		}
		for _, r := range rows {
			out = append(out, r.toEngine())
		}
	}
	return out, nil
}
