package sim

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// searchKey is a customer search parameter, read from a stored customer or
// straight from a seeded profile (so untouched seeded rows are not built).
type searchKey struct {
	param  string
	stored func(*Customer) string
	seeded func(*profile) string
}

var searchKeys = []searchKey{
	{"email", func(c *Customer) string { return deref(c.Email) }, (*profile).email},
	{"customer_code", func(c *Customer) string { return c.CustomerCode }, (*profile).customerCode},
	{"first_name", func(c *Customer) string { return deref(c.FirstName) }, (*profile).firstName},
	{"last_name", func(c *Customer) string { return deref(c.LastName) }, (*profile).lastName},
	{"company_name", func(c *Customer) string { return deref(c.CompanyName) }, (*profile).companyName},
	{"mobile", func(c *Customer) string { return deref(c.Mobile) }, (*profile).mobile},
	{"phone", func(c *Customer) string { return deref(c.Phone) }, (*profile).phone},
}

// sortKeys are the order_by values: the searchable attributes plus a few
// the feed exposes.
var sortKeys = func() map[string]func(*Customer) string {
	m := map[string]func(*Customer) string{
		"id":         func(c *Customer) string { return c.ID },
		"created_at": func(c *Customer) string { return c.CreatedAt },
		"updated_at": func(c *Customer) string { return c.UpdatedAt },
		"version":    func(c *Customer) string { return fmt.Sprintf("%020d", c.Version) },
	}
	for _, k := range searchKeys {
		m[k.param] = func(c *Customer) string { return strings.ToLower(k.stored(c)) }
	}
	return m
}()

type searchBody struct {
	Data []Customer `json:"data"`
}

const (
	searchDefaultPage = 100
	searchMaxPage     = 1000
)

// search is GET /search: offset-paged, every given customer parameter must
// match exactly, ignoring case.
func (s *Server) search(q url.Values) reply {
	switch t := q.Get("type"); t {
	case "customers":
	case "sales", "products": // not simulated: always empty
		return jsonReply(http.StatusOK, searchBody{Data: []Customer{}})
	case "":
		return errReply(http.StatusBadRequest, "type: is required")
	default:
		return errReply(http.StatusBadRequest, fmt.Sprintf("type: %q is not one of sales, products, customers", t))
	}
	offset, _, err := int64Param(q, "offset")
	if err == nil && offset < 0 {
		err = fmt.Errorf("offset: must not be negative")
	}
	if err != nil {
		return errReply(http.StatusBadRequest, err.Error())
	}
	size, err := pageSize(q, searchDefaultPage, searchMaxPage)
	if err != nil {
		return errReply(http.StatusBadRequest, err.Error())
	}
	deleted, err := boolParam(q, "deleted")
	if err != nil {
		return errReply(http.StatusBadRequest, err.Error())
	}
	orderBy, desc := q.Get("order_by"), false
	if _, ok := sortKeys[orderBy]; orderBy != "" && !ok {
		return errReply(http.StatusBadRequest, fmt.Sprintf("order_by: %q is not supported", orderBy))
	}
	switch d := q.Get("order_direction"); d {
	case "", "asc":
	case "desc":
		desc = true
	default:
		return errReply(http.StatusBadRequest, fmt.Sprintf("order_direction: %q is not asc or desc", d))
	}
	var filters []searchKey
	var values []string
	for _, k := range searchKeys {
		if v := q.Get(k.param); v != "" {
			filters, values = append(filters, k), append(values, v)
		}
	}

	s.mu.RLock()
	var slots []int32
	keep := func(slot int32) {
		if (deleted || !s.isDeleted(slot)) && s.matches(slot, filters, values) {
			slots = append(slots, slot)
		}
	}
	if cand, all := s.candidates(filters, values); all {
		for slot := range int32(len(s.recs)) {
			keep(slot)
		}
	} else {
		for _, slot := range cand {
			keep(slot)
		}
	}
	var page []Customer
	if orderBy == "" {
		// Creation order; only the requested page is built.
		if desc {
			slices.Reverse(slots)
		}
		for _, slot := range window(slots, offset, size) {
			page = append(page, s.read(slot))
		}
	} else {
		all := make([]Customer, len(slots))
		for i, slot := range slots {
			all[i] = s.read(slot)
		}
		key := sortKeys[orderBy]
		slices.SortStableFunc(all, func(a, b Customer) int {
			if desc {
				a, b = b, a
			}
			return cmp.Compare(key(&a), key(&b))
		})
		page = window(all, offset, size)
	}
	s.mu.RUnlock()
	if page == nil {
		page = []Customer{}
	}
	return jsonReply(http.StatusOK, searchBody{Data: page})
}

func (s *Server) matches(slot int32, filters []searchKey, values []string) bool {
	if len(filters) == 0 {
		return true
	}
	r := &s.recs[slot]
	var p profile
	if r.c == nil {
		p = genProfile(s.seedKey, r.seq)
	}
	for i, k := range filters {
		var v string
		if r.c != nil {
			v = k.stored(r.c)
		} else {
			v = k.seeded(&p)
		}
		if !strings.EqualFold(v, values[i]) {
			return false
		}
	}
	return true
}

func window[T any](xs []T, offset int64, size int) []T {
	if offset >= int64(len(xs)) {
		return nil
	}
	xs = xs[offset:]
	return xs[:min(len(xs), size)]
}
