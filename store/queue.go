package store

import (
	"context"
	"database/sql"
	"strings"

	"gorm.io/gorm"

	"github.com/accordhq/accord/engine"
)

// SearchKeys is what a person typed in a search box, prepared by the
// caller: ID is matched exactly against either side's record id; Email and
// Name are normalised the way records' keys are (matchers.Email,
// matchers.Name) and matched as prefixes of the records' keys. Empty fields
// do not match.
type SearchKeys struct {
	ID    string
	Email string
	Name  string
}

func (k SearchKeys) empty() bool { return k.ID == "" && k.Email == "" && k.Name == "" }

// maxRune sorts after every character, so [p, p+maxRune) is the range of
// keys starting with p in a byte-wise collation (SQLite's BINARY, Postgres's
// C); a prefix range, unlike LIKE, uses the key indexes in any collation.
const maxRune = "\U0010FFFF"

// matchingRecords selects the ids of one side's records whose email or
// name key starts with the search keys'.
func matchingRecords(db *gorm.DB, pair string, side engine.Side, k SearchKeys) *gorm.DB {
	q := db.Session(&gorm.Session{NewDB: true}).Model(&recordRow{}).Select("id").
		Where("pair = ? AND side = ?", pair, string(side))
	var or *gorm.DB
	add := func(col, prefix string) {
		if prefix == "" {
			return
		}
		c := db.Session(&gorm.Session{NewDB: true}).Where(col+" >= ? AND "+col+" < ?", prefix, prefix+maxRune)
		if or == nil {
			or = c
		} else {
			or = or.Or(c)
		}
	}
	add("email_key", k.Email)
	add("name_key", k.Name)
	if or == nil {
		return q.Where("1 = 0")
	}
	return q.Where(or)
}

// QueueFilter selects suggestions for the review queue. Zero fields do not
// filter, except Status, which defaults to open.
type QueueFilter struct {
	Pair     string
	Status   engine.ReviewStatus
	Reason   engine.Reason
	MinScore float64
	Search   SearchKeys
	// Oldest orders by id; the default is best score first, then newest.
	Oldest bool
	// After continues a page: the queue resumes after the suggestion with
	// this score and id, in the queue's order. AfterID 0 starts at the top.
	AfterScore float64
	AfterID    int64
	Limit      int
}

// QueueItem is a suggestion with both records as last seen. HasLocal or
// HasUpstream is false when accord has no stored record for that side
// (which should not happen, but the page must still render).
type QueueItem struct {
	Suggestion  engine.Suggestion
	Local       engine.Record
	Upstream    engine.Record
	HasLocal    bool
	HasUpstream bool
}

// queueWhere applies f's conditions to a query over suggestions; columns
// are qualified, so the query can join the records.
func (db *DB) queueWhere(ctx context.Context, f QueueFilter) *gorm.DB {
	status := f.Status
	if status == "" {
		status = engine.ReviewOpen
	}
	q := db.orm(ctx).Table("suggestions").Where("suggestions.pair = ? AND suggestions.status = ?", f.Pair, string(status))
	q = where(q, "suggestions.reason = ?", string(f.Reason))
	if f.MinScore > 0 {
		q = q.Where("suggestions.score >= ?", f.MinScore)
	}
	if !f.Search.empty() {
		g := db.orm(ctx)
		cond := g.Session(&gorm.Session{NewDB: true}).
			Where("suggestions.local_id IN (?)", matchingRecords(g, f.Pair, engine.Local, f.Search)).
			Or("suggestions.upstream_id IN (?)", matchingRecords(g, f.Pair, engine.Upstream, f.Search))
		if f.Search.ID != "" {
			cond = cond.Or("suggestions.local_id = ?", f.Search.ID).Or("suggestions.upstream_id = ?", f.Search.ID)
		}
		q = q.Where(cond)
	}
	return q
}

// ReviewQueue returns one page of the review queue with both records of
// each suggestion, in one indexed query however long the queue is. The
// page is the hottest read of the dashboard, so its rows are scanned by
// hand rather than through gorm's reflection.
func (db *DB) ReviewQueue(ctx context.Context, f QueueFilter) ([]QueueItem, error) {
	q := db.queueWhere(ctx, f).Select(queueColumns).
		Joins("LEFT JOIN records l ON l.pair = suggestions.pair AND l.side = 'local' AND l.id = suggestions.local_id").
		Joins("LEFT JOIN records u ON u.pair = suggestions.pair AND u.side = 'upstream' AND u.id = suggestions.upstream_id")
	if f.Oldest {
		if f.AfterID > 0 {
			q = q.Where("suggestions.id > ?", f.AfterID)
		}
		q = q.Order("suggestions.id")
	} else {
		if f.AfterID > 0 {
			// A row comparison, so the index bounds the scan (see the
			// suggestions_open_score index).
			q = q.Where("(suggestions.score, suggestions.id) < (?, ?)", f.AfterScore, f.AfterID)
		}
		q = q.Order("suggestions.score DESC, suggestions.id DESC")
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	rows, err := q.Rows()
	if err != nil {
		return nil, wrapf(err, "review queue of %s", f.Pair)
	}
	defer rows.Close()
	var out []QueueItem
	for rows.Next() {
		var s suggestionRow
		var l, u nullRecord
		dest := []any{&s.ID, &s.Pair, &s.LocalID, &s.UpstreamID, &s.Score, &s.Reason, &s.Evidence, &s.Status, &s.RunID,
			&s.CreatedAt, &s.DecidedBy, &s.DecidedAt}
		dest = append(append(dest, l.dest()...), u.dest()...)
		if err := rows.Scan(dest...); err != nil {
			return nil, wrapf(err, "review queue of %s: read", f.Pair)
		}
		it := QueueItem{Suggestion: s.toEngine()}
		it.Local, it.HasLocal = l.toEngine(f.Pair, engine.Local)
		it.Upstream, it.HasUpstream = u.toEngine(f.Pair, engine.Upstream)
		out = append(out, it)
	}
	return out, wrapf(rows.Err(), "review queue of %s: read", f.Pair)
}

// queueColumns are the suggestion's columns, then each record's (see
// nullRecord.dest for their order).
var queueColumns = "suggestions.id, suggestions.pair, suggestions.local_id, suggestions.upstream_id, suggestions.score, " +
	"suggestions.reason, suggestions.evidence, suggestions.status, suggestions.run_id, suggestions.created_at, " +
	"suggestions.decided_by, suggestions.decided_at, " + recordColumns("l") + ", " + recordColumns("u")

var recordColumnNames = []string{"id", "email", "first_name", "last_name", "company", "phone", "mobile", "account_code",
	"external_ref", "line1", "line2", "city", "state", "postcode", "country", "birthday", "email_key", "phone_key",
	"mobile_key", "name_key", "postcode_key", "account_code_key", "deleted", "seen_at"}

func recordColumns(alias string) string {
	cols := make([]string, len(recordColumnNames))
	for i, c := range recordColumnNames {
		cols[i] = alias + "." + c
	}
	return strings.Join(cols, ", ")
}

// nullRecord is a record read through a LEFT JOIN: every column may be
// NULL when the record is missing.
type nullRecord struct {
	s       [22]sql.NullString
	deleted sql.NullBool
	seen    sql.NullTime
}

func (n *nullRecord) dest() []any {
	d := make([]any, 0, len(n.s)+2)
	for i := range n.s {
		d = append(d, &n.s[i])
	}
	return append(d, &n.deleted, &n.seen)
}

func (n *nullRecord) toEngine(pair string, side engine.Side) (engine.Record, bool) {
	if !n.s[0].Valid {
		return engine.Record{}, false
	}
	v := func(i int) string { return n.s[i].String }
	return engine.Record{
		Pair: pair, Side: side,
		Customer: engine.Customer{ID: v(0), Email: v(1), FirstName: v(2), LastName: v(3), Company: v(4), Phone: v(5),
			Mobile: v(6), AccountCode: v(7), ExternalRef: v(8),
			Address:  engine.Address{Line1: v(9), Line2: v(10), City: v(11), State: v(12), Postcode: v(13), Country: v(14)},
			Birthday: v(15), Deleted: n.deleted.Bool},
		Keys:   engine.Keys{Email: v(16), Phone: v(17), Mobile: v(18), Name: v(19), Postcode: v(20), AccountCode: v(21)},
		SeenAt: n.seen.Time.UTC(),
	}, true
}

// recordsOfBothSides reads local and upstream records by id in one query.
func (db *DB) recordsOfBothSides(ctx context.Context, pair string, local, upstream []string) (map[engine.Ref]engine.Record, error) {
	out := map[engine.Ref]engine.Record{}
	local, upstream = distinct(local), distinct(upstream)
	for len(local) > 0 || len(upstream) > 0 {
		l, u := local[:min(len(local), inChunk/2)], upstream[:min(len(upstream), inChunk/2)]
		local, upstream = local[len(l):], upstream[len(u):]
		var rows []recordRow
		// The raw provider payload is not shown, and can be large.
		err := db.orm(ctx).Omit("raw").Where("pair = ? AND ((side = ? AND id IN ?) OR (side = ? AND id IN ?))",
			pair, string(engine.Local), l, string(engine.Upstream), u).Find(&rows).Error
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			rec := r.toEngine()
			out[engine.Ref{Side: rec.Side, ID: rec.ID}] = rec
		}
	}
	return out, nil
}

// CountQueue counts the suggestions f selects (ignoring After and Limit),
// stopping at limit: capped is true when there are more. Counting a
// hundred thousand rows on every page view would cost more than the page.
func (db *DB) CountQueue(ctx context.Context, f QueueFilter, limit int) (n int, capped bool, err error) {
	sub := db.queueWhere(ctx, f).Select("1").Limit(limit + 1)
	var total int64
	if err := db.orm(ctx).Table("(?) AS capped", sub).Count(&total).Error; err != nil {
		return 0, false, wrapf(err, "count review queue of %s", f.Pair)
	}
	if int(total) > limit {
		return limit, true, nil
	}
	return int(total), false, nil
}

// BulkApprovable returns the ids of up to limit open suggestions that f
// selects (at least f.MinScore) and that are unambiguous: no other open
// suggestion shares their local or their upstream record. Approving one of
// two rival suggestions in bulk would pick between them blindly, so rivals
// are left for a person.
func (db *DB) BulkApprovable(ctx context.Context, f QueueFilter, limit int) ([]int64, error) {
	f.Status = engine.ReviewOpen
	open := string(engine.ReviewOpen)
	q := db.queueWhere(ctx, f).
		Where("NOT EXISTS (SELECT 1 FROM suggestions o WHERE o.pair = suggestions.pair AND o.local_id = suggestions.local_id AND o.status = ? AND o.id <> suggestions.id)", open).
		Where("NOT EXISTS (SELECT 1 FROM suggestions o WHERE o.pair = suggestions.pair AND o.upstream_id = suggestions.upstream_id AND o.status = ? AND o.id <> suggestions.id)", open).
		Order("score DESC, id DESC")
	if limit > 0 {
		q = q.Limit(limit)
	}
	var ids []int64
	if err := q.Pluck("id", &ids).Error; err != nil {
		return nil, wrapf(err, "bulk-approvable suggestions of %s", f.Pair)
	}
	return ids, nil
}
