package sim

import (
	"cmp"
	"slices"
	"strconv"
)

// pager is one page request of List or Search.
type pager struct {
	query     string // queryHash of the request, for the cursor
	filter    *filter
	sortField string
	desc      bool
	limit     int
	after     *cursorData
	count     bool
}

// hit is a listed customer with its sort key.
type hit struct {
	st  *state
	key string
}

// cmpHit orders hits by (key, id); CREATED_AT keys are fixed-width, so
// string order is time order.
func cmpHit(a, b hit) int {
	return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.st.c.ID, b.st.c.ID))
}

// createdKey formats created_at nanoseconds so that string order is time
// order (timestamps before 1970 do not occur in Square).
func createdKey(st *state) string { return strconv.FormatInt(max(st.created, 0)+1e18, 10) }

// page returns one page of the public customers that p matches, as List
// and Search see them now (after propagation).
func (s *Server) page(p pager) searchResponse {
	now := s.opts.Now()
	s.mu.RLock()
	defer s.mu.RUnlock()
	listed := func(r *rec) *state {
		st := r.visible(now)
		if st == nil || !st.c.Public() || (p.filter != nil && !p.filter.match(st)) {
			return nil
		}
		return st
	}
	var (
		hits  []hit
		more  bool
		total int64
	)
	if p.sortField == sortCreatedAt {
		hits, more, total = s.scanCreated(p, listed)
	} else {
		hits, more, total = s.scanDefault(p, listed)
	}
	var resp searchResponse
	for _, h := range hits {
		resp.Customers = append(resp.Customers, h.st.c.clone())
	}
	if more && len(hits) > 0 {
		last := hits[len(hits)-1]
		resp.Cursor = encodeCursor(cursorData{Query: p.query, Key: last.key, ID: last.st.c.ID, At: now.Unix()})
	}
	if p.count {
		resp.Count = &total
	}
	return resp
}

// scanCreated walks the (created_at, id) index from the cursor's position:
// a page costs its own length plus the customers it skips, so a full read
// stays linear however many pages it takes.
func (s *Server) scanCreated(p pager, listed func(*rec) *state) ([]hit, bool, int64) {
	n := len(s.order)
	start, step := 0, 1
	if p.desc {
		start, step = n-1, -1
	}
	if a := p.after; a != nil {
		pos := hit{st: &state{c: Customer{ID: a.ID}}, key: a.Key}
		i, found := slices.BinarySearchFunc(s.order, pos, func(r *rec, t hit) int {
			return cmpHit(hit{r.cur, createdKey(r.cur)}, t)
		})
		switch {
		case !p.desc && found:
			start = i + 1
		case !p.desc:
			start = i
		default:
			start = i - 1 // the last entry before the position, found or not
		}
	}
	var hits []hit
	more := false
	var total int64
	if p.count {
		for _, r := range s.order {
			if listed(r) != nil {
				total++
			}
		}
	}
	for i := start; i >= 0 && i < n; i += step {
		st := listed(s.order[i])
		if st == nil {
			continue
		}
		if len(hits) == p.limit {
			more = true
			break
		}
		hits = append(hits, hit{st, createdKey(st)})
	}
	return hits, more, total
}

// scanDefault sorts every listed customer by the DEFAULT key (names, then
// company, email, phone); Square does not say how it pages this order, and
// a keyset over it can skip or repeat a customer renamed between pages.
func (s *Server) scanDefault(p pager, listed func(*rec) *state) ([]hit, bool, int64) {
	var all []hit
	for _, r := range s.order {
		if st := listed(r); st != nil {
			all = append(all, hit{st, st.c.sortKey()})
		}
	}
	slices.SortFunc(all, cmpHit)
	if p.desc {
		slices.Reverse(all)
	}
	start := 0
	if a := p.after; a != nil {
		pos := hit{st: &state{c: Customer{ID: a.ID}}, key: a.Key}
		start = len(all)
		for i, h := range all {
			c := cmpHit(h, pos)
			if (!p.desc && c > 0) || (p.desc && c < 0) {
				start = i
				break
			}
		}
	}
	end := min(start+p.limit, len(all))
	return all[start:end], end < len(all), int64(len(all))
}
