package sim

import (
	"hash/maphash"
	"slices"
	"strings"
	"sync"
)

// Clients search before they create (by email, or by customer_code), so on a
// million-customer server a full scan per search would dominate a run. Seeded
// values never change, which allows an immutable index per key over the
// seeded customers, built on first use: a sorted list of (hash of the
// lowercased value, slot), 16 bytes a customer. Customers that were written
// since seeding no longer come from their seed and are checked directly.

type hashSlot struct {
	h    uint64
	slot int32
}

type seedIndex struct {
	key     searchKey
	once    sync.Once
	entries []hashSlot
}

var indexSeed = maphash.MakeSeed()

func foldHash(v string) uint64 { return maphash.String(indexSeed, strings.ToLower(v)) }

// indexedKeys are the search parameters with a seed index, best first.
var indexedKeys = []string{"email", "customer_code"}

func newSeedIndexes() map[string]*seedIndex {
	m := map[string]*seedIndex{}
	for _, k := range searchKeys {
		if slices.Contains(indexedKeys, k.param) {
			m[k.param] = &seedIndex{key: k}
		}
	}
	return m
}

// candidates returns, in slot order, the only slots that can match filters,
// or all=true when no filter is indexed. The caller still applies every
// filter to each candidate. s.mu must be held.
func (s *Server) candidates(filters []searchKey, values []string) (slots []int32, all bool) {
	for _, name := range indexedKeys {
		for i, f := range filters {
			if f.param == name {
				return s.indexedCandidates(s.seedIdx[name], values[i]), false
			}
		}
	}
	return nil, true
}

func (s *Server) indexedCandidates(idx *seedIndex, v string) []int32 {
	idx.once.Do(func() { idx.build(s.seedKey, s.opts.Customers) })
	h := foldHash(v)
	var out []int32
	i, _ := slices.BinarySearchFunc(idx.entries, h, func(e hashSlot, h uint64) int {
		switch {
		case e.h < h:
			return -1
		case e.h > h:
			return 1
		}
		return 0
	})
	for ; i < len(idx.entries) && idx.entries[i].h == h; i++ {
		if slot := idx.entries[i].slot; s.recs[slot].c == nil { // still as seeded
			out = append(out, slot)
		}
	}
	for slot := range int32(len(s.recs)) {
		if s.recs[slot].c != nil {
			out = append(out, slot)
		}
	}
	slices.Sort(out)
	return out
}

// build indexes seeded customers 0..n-1, whose slot equals their seed index.
func (idx *seedIndex) build(key uint64, n int) {
	entries := make([]hashSlot, 0, n)
	for i := range int32(n) {
		p := genProfile(key, i)
		if v := idx.key.seeded(&p); v != "" {
			entries = append(entries, hashSlot{foldHash(v), i})
		}
	}
	slices.SortFunc(entries, func(a, b hashSlot) int {
		switch {
		case a.h < b.h:
			return -1
		case a.h > b.h:
			return 1
		}
		return int(a.slot - b.slot)
	})
	idx.entries = entries
}
