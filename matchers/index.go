package matchers

import (
	"hash/maphash"
	"slices"
)

// IndexOpts bounds the work of an Index.
type IndexOpts struct {
	// MaxBlock is the largest number of records a blocking key may join.
	// A key shared by more (a family's phone shared by a chain store's
	// till, "info@" mailboxes, a surname common in one town) proves little
	// and would make every lookup slow, so it is dropped from candidate
	// generation; the other keys still find the records. Default 500.
	MaxBlock int
	// MaxCandidates bounds the candidates of one lookup. Beyond it, the
	// records sharing the most keys with the subject are kept. Default
	// 2000.
	MaxCandidates int
}

func (o IndexOpts) withDefaults() IndexOpts {
	if o.MaxBlock <= 0 {
		o.MaxBlock = 500
	}
	if o.MaxCandidates <= 0 {
		o.MaxCandidates = 2000
	}
	return o
}

// Index is an in-memory blocking index: profiles by blocking key, for
// finding the records a new or changed one should be compared with. It is
// incremental (Add and Remove one profile at a time) and is the reference
// for the store's persistent index, which keeps the same BlockingKeys per
// record. An Index is not safe for concurrent writes; Candidates may run
// concurrently with other Candidates calls.
type Index struct {
	opts     IndexOpts
	seed     maphash.Seed
	profiles []*Profile // by slot; nil once removed
	slots    map[string]int32
	// blocks holds the slots per key hash: a million records have some ten
	// million keys, and hashes take a fraction of the strings' memory. A
	// collision only adds a candidate, which scoring then rejects.
	blocks map[uint64][]int32
	giant  map[uint64]string
}

// NewIndex returns an empty index.
func NewIndex(opts IndexOpts) *Index {
	return &Index{opts: opts.withDefaults(), seed: maphash.MakeSeed(), slots: map[string]int32{},
		blocks: map[uint64][]int32{}, giant: map[uint64]string{}}
}

// Len returns the number of profiles in the index.
func (ix *Index) Len() int { return len(ix.slots) }

// Get returns the profile with id, or nil.
func (ix *Index) Get(id string) *Profile {
	if s, ok := ix.slots[id]; ok {
		return ix.profiles[s]
	}
	return nil
}

// Add indexes p under its blocking keys, replacing any profile with the
// same id.
func (ix *Index) Add(p *Profile) {
	ix.Remove(p.ID)
	s := int32(len(ix.profiles))
	ix.profiles = append(ix.profiles, p)
	ix.slots[p.ID] = s
	for _, k := range BlockingKeys(p) {
		h := maphash.String(ix.seed, k)
		if _, ok := ix.giant[h]; ok {
			continue
		}
		b := append(ix.blocks[h], s)
		if len(b) > ix.opts.MaxBlock {
			ix.giant[h] = k
			delete(ix.blocks, h)
			continue
		}
		ix.blocks[h] = b
	}
}

// Remove takes the profile with id out of the index; an unknown id is
// ignored. Its block entries are dropped lazily by lookups.
func (ix *Index) Remove(id string) {
	if s, ok := ix.slots[id]; ok {
		ix.profiles[s] = nil
		delete(ix.slots, id)
	}
}

// GiantKeys returns the keys dropped for joining more than MaxBlock
// records, sorted, for reports: many giant keys mean a placeholder value
// or a badly mapped column.
func (ix *Index) GiantKeys() []string {
	ks := make([]string, 0, len(ix.giant))
	for _, k := range ix.giant {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// Candidates returns the indexed profiles that share a blocking key with
// p, other than p's own id, at most MaxCandidates of them (those sharing
// the most keys first), in index order otherwise.
func (ix *Index) Candidates(p *Profile) []*Profile {
	hits := map[int32]int{}
	for _, k := range BlockingKeys(p) {
		for _, s := range ix.blocks[maphash.String(ix.seed, k)] {
			if q := ix.profiles[s]; q != nil && q.ID != p.ID && ix.slots[q.ID] == s {
				hits[s]++
			}
		}
	}
	slots := make([]int32, 0, len(hits))
	for s := range hits {
		slots = append(slots, s)
	}
	slices.Sort(slots)
	if len(slots) > ix.opts.MaxCandidates {
		slices.SortStableFunc(slots, func(a, b int32) int { return hits[b] - hits[a] })
		slots = slots[:ix.opts.MaxCandidates]
		slices.Sort(slots)
	}
	out := make([]*Profile, len(slots))
	for i, s := range slots {
		out[i] = ix.profiles[s]
	}
	return out
}
