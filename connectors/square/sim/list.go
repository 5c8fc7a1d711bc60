package sim

import (
	"net/http"
	"net/url"
	"strconv"
)

// list serves GET /v2/customers: every public customer, in the DEFAULT or
// CREATED_AT order, with the same paging as search. The cursor is bound to
// the other query parameters.
func (s *Server) list(q url.Values) reply {
	rest := url.Values{}
	for k, v := range q {
		if k != "cursor" {
			rest[k] = v
		}
	}
	p := pager{query: queryHash([]byte(rest.Encode()))}
	var err *requestError
	var limit *int64
	if v := q.Get("limit"); v != "" {
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			return badRequest("EXPECTED_INTEGER", "limit", "Expected an integer.")
		}
		limit = &n
	}
	if p.limit, err = limitOf(limit, "limit"); err != nil {
		return err.reply()
	}
	field, order := q.Get("sort_field"), q.Get("sort_order")
	if p.sortField, p.desc, err = sortOf(&field, &order, "sort_field", "sort_order"); err != nil {
		return err.reply()
	}
	if v := q.Get("count"); v != "" {
		b, perr := strconv.ParseBool(v)
		if perr != nil {
			return badRequest("EXPECTED_BOOLEAN", "count", "Expected true or false.")
		}
		p.count = b
	}
	if c := q.Get("cursor"); c != "" {
		if p.after, err = s.decodeCursor(c, p.query, "cursor"); err != nil {
			s.count(func(st *Stats) { st.CursorErrors++ })
			return err.reply()
		}
	}
	return jsonReply(http.StatusOK, s.page(p))
}
