package store

import (
	"cmp"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/accordhq/accord/engine"
)

// memSet is a duplicate set as a batch of proposals leaves it, before it is
// written.
type memSet struct {
	row     duplicateSetRow
	order   int64 // existing sets by id, then new ones in creation order
	isNew   bool
	had     map[string]bool // members stored before the batch
	members []string        // in order of arrival
	holds   map[string]bool
}

func (s *memSet) add(m string) bool {
	if s.holds[m] {
		return false
	}
	s.holds[m] = true
	s.members = append(s.members, m)
	return true
}

// dupModel holds the sets that a batch's proposals can touch.
type dupModel struct {
	byMember map[string][]*memSet // by side/member; may list sets that no longer hold it
	all      []*memSet
	next     int64
}

// holding returns the sets with one of statuses that hold any of members,
// oldest first.
func (m *dupModel) holding(side engine.Side, members []string, statuses ...engine.ReviewStatus) []*memSet {
	var out []*memSet
	for _, id := range members {
		for _, s := range m.byMember[string(side)+"/"+id] {
			if s.holds[id] && slices.Contains(statuses, engine.ReviewStatus(s.row.Status)) && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	slices.SortFunc(out, func(a, b *memSet) int { return cmp.Compare(a.order, b.order) })
	return out
}

func (m *dupModel) index(s *memSet, ids []string) {
	for _, id := range ids {
		if s.add(id) {
			k := s.row.Side + "/" + id
			m.byMember[k] = append(m.byMember[k], s)
		}
	}
}

// mergeDuplicateSets stores a batch's proposed sets with the rules of
// mergeDuplicates, applied to each proposal in turn, but reading the sets
// they touch once and writing the outcome in a few statements: matching
// proposes the same set once per member, so one query per proposal made
// duplicate sets the costliest part of a first run. A proposal with no
// side is on side.
func mergeDuplicateSets(tx *gorm.DB, pair string, side engine.Side, runID int64, at time.Time, ds []engine.DuplicateSet) error {
	props := make([]engine.DuplicateSet, 0, len(ds))
	ids := map[engine.Side][]string{}
	var sides []engine.Side
	for _, d := range ds {
		if d.Side == "" {
			d.Side = side
		}
		d.Members = distinct(d.Members)
		if len(d.Members) < 2 {
			continue
		}
		if _, ok := ids[d.Side]; !ok {
			sides = append(sides, d.Side)
		}
		ids[d.Side] = append(ids[d.Side], d.Members...)
		props = append(props, d)
	}
	m := &dupModel{byMember: map[string][]*memSet{}}
	for _, sd := range sides {
		rows, stored, err := setsHolding(tx, pair, sd, ids[sd], engine.ReviewOpen, engine.ReviewResolved, engine.ReviewDismissed)
		if err != nil {
			return err
		}
		for _, r := range rows {
			s := &memSet{row: r, order: r.ID, had: map[string]bool{}, holds: map[string]bool{}}
			for _, id := range stored[r.ID] {
				s.had[id] = true
			}
			m.index(s, stored[r.ID])
			m.all = append(m.all, s)
			m.next = max(m.next, r.ID)
		}
	}
	for _, d := range props {
		mergeProposal(m, pair, runID, at, d)
	}
	return writeSets(tx, m, at)
}

// mergeProposal applies one proposal to the model, as mergeDuplicates does
// to the tables.
func mergeProposal(m *dupModel, pair string, runID int64, at time.Time, d engine.DuplicateSet) {
	side := d.Side
	open := m.holding(side, d.Members, engine.ReviewOpen)
	if len(open) == 0 {
		for _, c := range m.holding(side, d.Members, engine.ReviewResolved, engine.ReviewDismissed) {
			if subset(d.Members, c.members) {
				return
			}
		}
		run := d.RunID
		if run == 0 {
			run = runID
		}
		m.next++
		s := &memSet{isNew: true, order: m.next, holds: map[string]bool{},
			row: duplicateSetRow{Pair: pair, Side: string(side), Reason: string(d.Reason),
				Evidence: evidenceDoc(d.Evidence), Status: string(engine.ReviewOpen), RunID: run, CreatedAt: ts(at)}}
		m.index(s, d.Members)
		m.all = append(m.all, s)
		return
	}
	keep := open[0]
	all := slices.Clone(d.Members)
	for _, o := range open[1:] {
		all = append(all, o.members...)
		o.members, o.holds = nil, map[string]bool{}
		o.row.Status, o.row.DecidedBy = string(engine.ReviewSuperseded), "accord"
		decided := ts(at)
		o.row.DecidedAt = &decided
	}
	m.index(keep, all)
}

// writeSets stores the model: superseded sets lose their members, new sets
// are inserted (in creation order, so ids keep it), and every set gets the
// members it gained.
func writeSets(tx *gorm.DB, m *dupModel, at time.Time) error {
	var superseded []int64
	var fresh []*memSet
	for _, s := range m.all {
		switch {
		case s.isNew:
			fresh = append(fresh, s)
		case s.row.Status == string(engine.ReviewSuperseded):
			superseded = append(superseded, s.row.ID)
		}
	}
	for _, part := range chunks(superseded, inChunk) {
		if err := tx.Where("set_id IN ?", part).Delete(&duplicateMemberRow{}).Error; err != nil {
			return err
		}
		err := tx.Model(&duplicateSetRow{}).Where("id IN ?", part).Updates(map[string]any{
			"status": string(engine.ReviewSuperseded), "decided_by": "accord", "decided_at": ts(at),
		}).Error
		if err != nil {
			return err
		}
	}
	if len(fresh) > 0 {
		rows := make([]duplicateSetRow, len(fresh))
		for i, s := range fresh {
			rows[i] = s.row
		}
		if err := tx.CreateInBatches(&rows, rowsPerInsert(tx, 10)).Error; err != nil {
			return err
		}
		for i, s := range fresh {
			s.row.ID = rows[i].ID
		}
	}
	var members []duplicateMemberRow
	for _, s := range m.all {
		for _, id := range s.members {
			if !s.had[id] {
				members = append(members, duplicateMemberRow{SetID: s.row.ID, Pair: s.row.Pair, Side: s.row.Side, RecordID: id})
			}
		}
	}
	if len(members) == 0 {
		return nil
	}
	return tx.CreateInBatches(&members, rowsPerInsert(tx, 4)).Error
}
