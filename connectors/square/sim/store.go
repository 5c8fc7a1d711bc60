package sim

import (
	"cmp"
	"slices"
	"time"
)

// state is one version of a customer with its timestamps parsed, so that
// filters and ordering never parse strings.
type state struct {
	c       Customer
	created int64 // unix nanoseconds of created_at
	updated int64 // unix nanoseconds of updated_at
}

func newState(c Customer) *state {
	created, _ := parseStamp(c.CreatedAt) // stored customers always have valid stamps
	updated, _ := parseStamp(c.UpdatedAt)
	return &state{c: c, created: created.UnixNano(), updated: updated.UnixNano()}
}

// rec is one customer: its latest state, and the state that List and Search
// show until the latest has propagated.
type rec struct {
	cur *state
	// prev is what List and Search see before visibleAt: the last state
	// that had propagated, or nil for a customer that has not yet appeared.
	prev      *state
	visibleAt time.Time
}

// visible returns the state List and Search see at now, or nil.
func (r *rec) visible(now time.Time) *state {
	if !now.Before(r.visibleAt) {
		return r.cur
	}
	return r.prev
}

// less orders records by (created_at, id): the CREATED_AT sort, and the
// tie-break that makes keyset paging exact when timestamps are equal.
func less(a, b *state) int {
	return cmp.Or(cmp.Compare(a.created, b.created), cmp.Compare(a.c.ID, b.c.ID))
}

// put stores c as the latest state of its customer at now, under s.mu. It
// reports whether the customer is new.
func (s *Server) put(c Customer, now time.Time) bool {
	st := newState(c)
	r, ok := s.byID[c.ID]
	if !ok {
		r = &rec{cur: st, visibleAt: now.Add(s.delay)}
		s.byID[c.ID] = r
		s.insertOrder(r)
		return true
	}
	moved := st.created != r.cur.created
	if moved {
		s.removeOrder(r)
	}
	switch {
	case s.delay <= 0:
		r.prev = nil
	case !now.Before(r.visibleAt):
		// The state being replaced had propagated; it stays visible until
		// the new one has. Otherwise the older visible state stays.
		r.prev = r.cur
	}
	r.cur, r.visibleAt = st, now.Add(s.delay)
	if moved {
		s.insertOrder(r)
	}
	return false
}

// drop removes a customer everywhere at once, under s.mu. Square does not
// show deleted customers in List or Search (they come through webhooks).
func (s *Server) drop(r *rec) {
	delete(s.byID, r.cur.c.ID)
	s.removeOrder(r)
}

func (s *Server) insertOrder(r *rec) {
	if n := len(s.order); n == 0 || less(s.order[n-1].cur, r.cur) < 0 {
		s.order = append(s.order, r) // the usual case: a customer created now
		return
	}
	i, _ := slices.BinarySearchFunc(s.order, r, func(e, t *rec) int { return less(e.cur, t.cur) })
	s.order = slices.Insert(s.order, i, r)
}

func (s *Server) removeOrder(r *rec) {
	i, ok := slices.BinarySearchFunc(s.order, r, func(e, t *rec) int { return less(e.cur, t.cur) })
	if ok && s.order[i] == r {
		s.order = slices.Delete(s.order, i, i+1)
	}
}

// idAlphabet is Crockford's base 32, the alphabet of Square's customer ids
// ("JDKYHBWT1D4F8MFH63DBMEN8Y4").
const idAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// newID returns a fresh 26-character id from the seeded source, under s.mu.
func (s *Server) newID() string {
	for {
		var b [26]byte
		for i := range b {
			b[i] = idAlphabet[s.rng.IntN(len(idAlphabet))]
		}
		if _, taken := s.byID[string(b[:])]; !taken {
			return string(b[:])
		}
	}
}

// Change is a committed change to a customer, reported to Options.OnChange.
// Type is the webhook event type: customer.created, customer.updated or
// customer.deleted.
type Change struct {
	Type     string
	Customer Customer // the state after the change; for a delete, the last one
	At       time.Time
	// Merge is set on every event of a merge (see Server.Merge): the
	// customer.created of the new profile and the customer.deleted of each
	// merged one, as Square's event_context.merge.
	Merge *Merge
}

// Merge is Square's event_context.merge: the profiles merged and the new
// profile they became.
type Merge struct {
	FromCustomerIDs []string `json:"from_customer_ids"`
	ToCustomerID    string   `json:"to_customer_id"`
}

// emit reports changes to Options.OnChange. It must be called without
// holding s.mu, so that the hook may call the Server.
func (s *Server) emit(changes ...Change) {
	if s.opts.OnChange == nil {
		return
	}
	for _, c := range changes {
		s.opts.OnChange(c)
	}
}
