package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/accordhq/accord/engine"
)

// duplicateSetRow is a group of records on one side that look like one
// customer; its members are duplicateMemberRows.
type duplicateSetRow struct {
	ID         int64 `gorm:"primaryKey"`
	Pair       string
	Side       string
	Reason     string
	Evidence   string
	Status     string
	SurvivorID string
	RunID      int64
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`
	DecidedBy  string
	DecidedAt  *time.Time
}

func (duplicateSetRow) TableName() string { return "duplicate_sets" }

type duplicateMemberRow struct {
	SetID    int64 `gorm:"primaryKey"`
	Pair     string
	Side     string
	RecordID string `gorm:"primaryKey"`
}

func (duplicateMemberRow) TableName() string { return "duplicate_members" }

func (r duplicateSetRow) toEngine(members []string) engine.DuplicateSet {
	return engine.DuplicateSet{
		ID: r.ID, Pair: r.Pair, Side: engine.Side(r.Side), Members: members, Reason: engine.Reason(r.Reason),
		Evidence: evidenceFrom(r.Evidence), Status: engine.ReviewStatus(r.Status), SurvivorID: r.SurvivorID,
		RunID: r.RunID, CreatedAt: r.CreatedAt.UTC(), DecidedBy: r.DecidedBy, DecidedAt: fromNull(r.DecidedAt),
	}
}

// membersOf loads the sorted members of sets, in one query per chunk.
func membersOf(tx *gorm.DB, setIDs []int64) (map[int64][]string, error) {
	out := make(map[int64][]string, len(setIDs))
	for _, part := range chunks(setIDs, inChunk) {
		var ms []duplicateMemberRow
		if err := tx.Where("set_id IN ?", part).Order("set_id, record_id").Find(&ms).Error; err != nil {
			return nil, err
		}
		for _, m := range ms {
			out[m.SetID] = append(out[m.SetID], m.RecordID)
		}
	}
	return out, nil
}

// setsHolding returns the sets of a side in one of statuses that have any of
// ids as a member, with their members.
func setsHolding(tx *gorm.DB, pair string, side engine.Side, ids []string, statuses ...engine.ReviewStatus) ([]duplicateSetRow, map[int64][]string, error) {
	st := make([]string, len(statuses))
	for i, s := range statuses {
		st[i] = string(s)
	}
	var sets []duplicateSetRow
	for _, part := range chunks(distinct(ids), inChunk) {
		var rows []duplicateSetRow
		err := tx.Where("status IN ? AND id IN (?)", st,
			tx.Session(&gorm.Session{NewDB: true}).Model(&duplicateMemberRow{}).Select("set_id").
				Where("pair = ? AND side = ? AND record_id IN ?", pair, string(side), part)).
			Order("id").Find(&rows).Error
		if err != nil {
			return nil, nil, err
		}
		sets = append(sets, rows...)
	}
	slices.SortFunc(sets, func(a, b duplicateSetRow) int { return cmp.Compare(a.ID, b.ID) })
	sets = slices.CompactFunc(sets, func(a, b duplicateSetRow) bool { return a.ID == b.ID })
	ids64 := make([]int64, len(sets))
	for i, s := range sets {
		ids64[i] = s.ID
	}
	members, err := membersOf(tx, ids64)
	return sets, members, err
}

// mergeDuplicates stores one proposed set. It joins (and unites) the open
// sets of its side that share a member; otherwise it opens a new set, unless
// a person already resolved or dismissed a set holding all its members:
// people's decisions are sticky, and only a proposal that brings in a new
// record reopens the question.
func mergeDuplicates(tx *gorm.DB, pair string, runID int64, at time.Time, d engine.DuplicateSet) error {
	side := d.Side
	members := distinct(d.Members)
	if len(members) < 2 {
		return nil
	}
	open, openMembers, err := setsHolding(tx, pair, side, members, engine.ReviewOpen)
	if err != nil {
		return err
	}
	if len(open) == 0 {
		closed, closedMembers, err := setsHolding(tx, pair, side, members, engine.ReviewResolved, engine.ReviewDismissed)
		if err != nil {
			return err
		}
		for _, c := range closed {
			if subset(members, closedMembers[c.ID]) {
				return nil
			}
		}
		status := engine.ReviewOpen
		run := d.RunID
		if run == 0 {
			run = runID
		}
		row := duplicateSetRow{Pair: pair, Side: string(side), Reason: string(d.Reason),
			Evidence: evidenceDoc(d.Evidence), Status: string(status), RunID: run, CreatedAt: ts(at)}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		return addMembers(tx, row, members, nil)
	}

	// Keep the oldest open set; fold the others into it.
	keep := open[0]
	have := openMembers[keep.ID]
	all := slices.Clone(members)
	for _, o := range open[1:] {
		all = append(all, openMembers[o.ID]...)
		if err := tx.Where("set_id = ?", o.ID).Delete(&duplicateMemberRow{}).Error; err != nil {
			return err
		}
		err := tx.Model(&duplicateSetRow{}).Where("id = ?", o.ID).Updates(map[string]any{
			"status": string(engine.ReviewSuperseded), "decided_by": "accord", "decided_at": ts(at),
		}).Error
		if err != nil {
			return err
		}
	}
	return addMembers(tx, keep, distinct(all), have)
}

// addMembers inserts the members of set that it does not have yet.
func addMembers(tx *gorm.DB, set duplicateSetRow, members, have []string) error {
	var rows []duplicateMemberRow
	for _, m := range members {
		if !slices.Contains(have, m) {
			rows = append(rows, duplicateMemberRow{SetID: set.ID, Pair: set.Pair, Side: set.Side, RecordID: m})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return tx.CreateInBatches(&rows, rowsPerInsert(tx, 4)).Error
}

// subset reports whether every element of a is in b.
func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// DuplicateFilter selects duplicate sets. Zero fields do not filter.
type DuplicateFilter struct {
	Pair     string
	ID       int64
	Side     engine.Side
	Status   engine.ReviewStatus
	RecordID string // sets that hold this record
	Limit    int
	Offset   int
}

// FindDuplicateSets returns the sets that match f with their members, oldest
// first, and how many match in all.
func (db *DB) FindDuplicateSets(ctx context.Context, f DuplicateFilter) ([]engine.DuplicateSet, int, error) {
	q := db.orm(ctx).Model(&duplicateSetRow{})
	q = where(q, "pair = ?", f.Pair)
	q = where(q, "id = ?", f.ID)
	q = where(q, "side = ?", string(f.Side))
	q = where(q, "status = ?", string(f.Status))
	if f.RecordID != "" {
		q = q.Where("id IN (?)", db.orm(ctx).Model(&duplicateMemberRow{}).Select("set_id").Where("record_id = ?", f.RecordID))
	}
	var rows []duplicateSetRow
	total, err := page(q, "id", f.Limit, f.Offset, &rows)
	if err != nil {
		return nil, 0, wrapf(err, "find duplicate sets")
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	members, err := membersOf(db.orm(ctx), ids)
	if err != nil {
		return nil, 0, wrapf(err, "find duplicate set members")
	}
	out := make([]engine.DuplicateSet, len(rows))
	for i, r := range rows {
		out[i] = r.toEngine(members[r.ID])
	}
	return out, total, nil
}

// openSet reads a set a person is deciding; it must be open.
func openSet(tx *gorm.DB, id int64) (duplicateSetRow, []string, error) {
	var s duplicateSetRow
	if err := tx.Where("id = ?", id).Take(&s).Error; err != nil {
		return s, nil, err
	}
	if s.Status != string(engine.ReviewOpen) {
		return s, nil, fmt.Errorf("duplicate set is %s, not open: %w", s.Status, engine.ErrConflict)
	}
	m, err := membersOf(tx, []int64{id})
	return s, m[id], err
}

// ChooseSurvivor resolves a duplicate set: survivorID is the customer, the
// other members are never pushed (Blocked reports them as merged). The
// survivor is queued for the next run. It fails with engine.ErrInvalid when
// survivorID is not a member and engine.ErrConflict when the set is not
// open.
func (db *DB) ChooseSurvivor(ctx context.Context, setID int64, survivorID, actor string) error {
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		now := db.now()
		s, members, err := openSet(tx, setID)
		if err != nil {
			return err
		}
		if !slices.Contains(members, survivorID) {
			return fmt.Errorf("survivor %q is not a member of %v: %w", survivorID, members, engine.ErrInvalid)
		}
		err = tx.Model(&duplicateSetRow{}).Where("id = ?", s.ID).Updates(map[string]any{
			"status": string(engine.ReviewResolved), "survivor_id": survivorID, "decided_by": actor, "decided_at": now,
		}).Error
		if err != nil {
			return err
		}
		if err := markDirty(tx, s.Pair, engine.Side(s.Side), []string{survivorID}); err != nil {
			return err
		}
		return audit(tx, now, s.Pair, actor, ActionChooseSurvivor, fmt.Sprintf("duplicate_set:%d", s.ID),
			map[string]any{"side": s.Side, "survivor_id": survivorID, "members": members})
	})
	return wrapf(err, "choose survivor of duplicate set %d", setID)
}

// DismissDuplicateSet records that the set's members are different
// customers. The same members are never proposed together again; they are
// queued for the next run, which may now push them. It fails with
// engine.ErrConflict when the set is not open.
func (db *DB) DismissDuplicateSet(ctx context.Context, setID int64, actor string) error {
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		now := db.now()
		s, members, err := openSet(tx, setID)
		if err != nil {
			return err
		}
		err = tx.Model(&duplicateSetRow{}).Where("id = ?", s.ID).Updates(map[string]any{
			"status": string(engine.ReviewDismissed), "decided_by": actor, "decided_at": now,
		}).Error
		if err != nil {
			return err
		}
		if err := markDirty(tx, s.Pair, engine.Side(s.Side), members); err != nil {
			return err
		}
		return audit(tx, now, s.Pair, actor, ActionDismissDuplicates, fmt.Sprintf("duplicate_set:%d", s.ID),
			map[string]any{"side": s.Side, "members": members})
	})
	return wrapf(err, "dismiss duplicate set %d", setID)
}
