package sim

import (
	"encoding/hex"
	"errors"
	"sort"
)

// ErrNotFound is returned (wrapped) by Update and Delete for an unknown id,
// and by Delete for a customer that is already soft-deleted.
var ErrNotFound = errors.New("customer not found")

// record is one customer slot. A seeded customer that was never written stays
// as just its seed index and version, and is generated again on each read;
// this keeps a million-customer server at a few tens of bytes per customer.
type record struct {
	version int64
	seq     int32     // seed index, or -1 when c holds the customer
	c       *Customer // the stored customer once created, loaded or written
}

// orderEntry is one position in the version index. A write appends a new
// entry and leaves the old one stale (its version no longer matches the
// record's); stale entries are skipped and compacted away in bulk.
type orderEntry struct {
	version int64
	slot    int32
}

// firstVersion is where the global counter starts: above 2^31, so a client
// that stores versions in int32 breaks at once instead of in production.
const firstVersion int64 = 3_000_000_000

// All methods below need s.mu held (read or write as their names suggest).

func (s *Server) lookup(id string) (int32, bool) {
	if u, ok := parseUUID(id); ok {
		slot, ok := s.byUUID[u]
		return slot, ok
	}
	slot, ok := s.byID[id]
	return slot, ok
}

func (s *Server) indexID(id string, slot int32) {
	if u, ok := parseUUID(id); ok {
		s.byUUID[u] = slot
		return
	}
	s.byID[id] = slot
}

// nextVersion bumps the global counter. It steps by 1 to 3 because real
// versions are shared with other resource types, so gaps are normal and
// clients must not expect consecutive numbers.
func (s *Server) nextVersion() int64 {
	s.version += 1 + int64(s.rng.IntN(3))
	return s.version
}

// read returns a deep copy of the customer in slot.
func (s *Server) read(slot int32) Customer {
	r := &s.recs[slot]
	if r.c != nil {
		return r.c.clone()
	}
	return s.seeded(r.seq, r.version)
}

func (s *Server) isDeleted(slot int32) bool {
	c := s.recs[slot].c
	return c != nil && c.deleted()
}

// put stores c under c.ID with a fresh version, replacing any customer with
// the same id, and returns the stored copy.
func (s *Server) put(c Customer) Customer {
	c.Version = s.nextVersion()
	stored := c.clone()
	slot, ok := s.lookup(c.ID)
	if ok {
		s.recs[slot] = record{version: c.Version, seq: -1, c: &stored}
		s.stale++
	} else {
		slot = int32(len(s.recs))
		s.recs = append(s.recs, record{version: c.Version, seq: -1, c: &stored})
		s.indexID(c.ID, slot)
	}
	s.order = append(s.order, orderEntry{c.Version, slot})
	s.compact()
	return c
}

// compact drops stale index entries once they outnumber live ones, so the
// cost stays amortised O(1) per write.
func (s *Server) compact() {
	if s.stale < 1024 || s.stale*2 < len(s.order) {
		return
	}
	live := s.order[:0]
	for _, e := range s.order {
		if s.recs[e.slot].version == e.version {
			live = append(live, e)
		}
	}
	clear(s.order[len(live):])
	s.order = live
	s.stale = 0
}

// scan calls fn for each live customer slot with version > after, in
// ascending version order, until fn returns false. The start is found by
// binary search, so a page costs O(log n + page).
func (s *Server) scan(after int64, fn func(slot int32, version int64) bool) {
	i := sort.Search(len(s.order), func(k int) bool { return s.order[k].version > after })
	for ; i < len(s.order); i++ {
		e := s.order[i]
		if s.recs[e.slot].version != e.version {
			continue
		}
		if !fn(e.slot, e.version) {
			return
		}
	}
}

// newUUID returns a random version-4 UUID from the seeded data source, so
// ids are reproducible for a given seed and sequence of calls.
func (s *Server) newUUID() string {
	return formatUUID(uuidV4(s.rng.Uint64(), s.rng.Uint64()))
}

// uuidV4 turns 128 random bits into a version-4, RFC 4122 variant UUID.
func uuidV4(a, b uint64) [16]byte {
	var u [16]byte
	for i := range 8 {
		u[i], u[8+i] = byte(a>>(8*i)), byte(b>>(8*i))
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u
}

func formatUUID(u [16]byte) string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// parseUUID accepts only the canonical lowercase form, so that two ids map
// to the same key exactly when they are the same string.
func parseUUID(s string) ([16]byte, bool) {
	var u [16]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	j := 0
	for i := 0; i < 36; i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			continue
		}
		h, ok := lowerHex(s[i])
		if !ok {
			return u, false
		}
		l, ok := lowerHex(s[i+1])
		if !ok {
			return u, false
		}
		u[j] = h<<4 | l
		j++
		i++
	}
	return u, true
}

func lowerHex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}
