package sim

import (
	"encoding/json"
	"strings"
	"time"
)

// searchBody is SearchCustomersRequest. Pointers tell an absent member from
// a zero one.
type searchBody struct {
	Cursor *string `json:"cursor"`
	Limit  *int64  `json:"limit"`
	Count  *bool   `json:"count"`
	Query  *struct {
		Filter *filterBody `json:"filter"`
		Sort   *struct {
			Field *string `json:"field"`
			Order *string `json:"order"`
		} `json:"sort"`
	} `json:"query"`
}

type filterBody struct {
	CreationSource *struct {
		Values []string `json:"values"`
		Rule   *string  `json:"rule"`
	} `json:"creation_source"`
	CreatedAt       *rangeBody      `json:"created_at"`
	UpdatedAt       *rangeBody      `json:"updated_at"`
	EmailAddress    *textBody       `json:"email_address"`
	PhoneNumber     *textBody       `json:"phone_number"`
	ReferenceID     *textBody       `json:"reference_id"`
	GroupIDs        *setBody        `json:"group_ids"`
	SegmentIDs      *setBody        `json:"segment_ids"`
	CustomAttribute json.RawMessage `json:"custom_attribute"`
}

type rangeBody struct {
	StartAt *string `json:"start_at"`
	EndAt   *string `json:"end_at"`
}

type textBody struct {
	Exact *string `json:"exact"`
	Fuzzy *string `json:"fuzzy"`
}

type setBody struct {
	Any  []string `json:"any"`
	All  []string `json:"all"`
	None []string `json:"none"`
}

// searchResponse is SearchCustomersResponse (and ListCustomersResponse):
// with nothing found it is {}.
type searchResponse struct {
	Customers []Customer `json:"customers,omitempty"`
	Cursor    string     `json:"cursor,omitempty"`
	Count     *int64     `json:"count,omitempty"`
}

// search serves POST /v2/customers/search.
func (s *Server) search(body []byte) reply {
	var b searchBody
	if err := decodeBody(body, &b); err != nil {
		return err.reply()
	}
	canon, ok := canonicalJSON(body, "cursor")
	if !ok {
		return badRequest(codeBadRequest, "", "The request body must be a JSON object.")
	}
	p := pager{query: queryHash(canon), sortField: sortDefault, count: b.Count != nil && *b.Count}
	var err *requestError
	if p.limit, err = limitOf(b.Limit, "limit"); err != nil {
		return err.reply()
	}
	if q := b.Query; q != nil {
		if q.Sort != nil {
			if p.sortField, p.desc, err = sortOf(q.Sort.Field, q.Sort.Order, "query.sort.field", "query.sort.order"); err != nil {
				return err.reply()
			}
		}
		if q.Filter != nil {
			if p.filter, err = compileFilter(q.Filter); err != nil {
				return err.reply()
			}
		}
	}
	if b.Cursor != nil && *b.Cursor != "" {
		if p.after, err = s.decodeCursor(*b.Cursor, p.query, "cursor"); err != nil {
			s.count(func(st *Stats) { st.CursorErrors++ })
			return err.reply()
		}
	}
	return jsonReply(200, s.page(p))
}

// limitOf checks a page size: 1..100, default 100.
func limitOf(v *int64, field string) (int, *requestError) {
	switch {
	case v == nil:
		return maxLimit, nil
	case *v < 1:
		return 0, reqErr("VALUE_TOO_LOW", field, "Value must be at least 1.")
	case *v > maxLimit:
		return 0, reqErr("VALUE_TOO_HIGH", field, "Value must be at most 100.")
	}
	return int(*v), nil
}

const (
	maxLimit      = 100
	sortDefault   = "DEFAULT"
	sortCreatedAt = "CREATED_AT"
)

func sortOf(field, order *string, fieldName, orderName string) (string, bool, *requestError) {
	f, o := sortDefault, "ASC"
	if field != nil && *field != "" {
		f = *field
	}
	if order != nil && *order != "" {
		o = *order
	}
	if f != sortDefault && f != sortCreatedAt {
		return "", false, reqErr("INVALID_ENUM_VALUE", fieldName, "Sort field must be DEFAULT or CREATED_AT.")
	}
	if o != "ASC" && o != "DESC" {
		return "", false, reqErr("INVALID_ENUM_VALUE", orderName, "Sort order must be ASC or DESC.")
	}
	return f, o == "DESC", nil
}

func compileFilter(b *filterBody) (*filter, *requestError) {
	f := &filter{}
	var err *requestError
	if f.created, err = compileRange(b.CreatedAt, "query.filter.created_at"); err != nil {
		return nil, err
	}
	if f.updated, err = compileRange(b.UpdatedAt, "query.filter.updated_at"); err != nil {
		return nil, err
	}
	for _, t := range []struct {
		body         *textBody
		dst          *textMatch
		field        string
		exact, fuzzy func(string) textMatch
	}{
		{b.EmailAddress, &f.email, "query.filter.email_address", exactFold, fuzzyTokens},
		{b.PhoneNumber, &f.phone, "query.filter.phone_number", exactPhone, fuzzyPhone},
		{b.ReferenceID, &f.ref, "query.filter.reference_id", exactFold, fuzzyTokens},
	} {
		if t.body == nil {
			continue
		}
		switch ex, fz := t.body.Exact, t.body.Fuzzy; {
		case ex != nil && fz != nil:
			return nil, reqErr("CONFLICTING_PARAMETERS", t.field, "Use exact or fuzzy, not both.")
		case ex != nil:
			if t.field == "query.filter.phone_number" && !strings.HasPrefix(strings.TrimSpace(*ex), "+") {
				return nil, reqErr("INVALID_PHONE_NUMBER", t.field+".exact",
					"An exact phone number filter must be in E.164 form, such as +12125554240.")
			}
			*t.dst = t.exact(*ex)
		case fz != nil:
			*t.dst = t.fuzzy(*fz)
		}
	}
	if cs := b.CreationSource; cs != nil {
		f.sources = map[string]bool{}
		for _, v := range cs.Values {
			f.sources[v] = true
		}
		switch rule := cmpOr(deref(cs.Rule), "INCLUDE"); rule {
		case "INCLUDE":
		case "EXCLUDE":
			f.excludeSources = true
		default:
			return nil, reqErr("INVALID_ENUM_VALUE", "query.filter.creation_source.rule", "Rule must be INCLUDE or EXCLUDE.")
		}
	}
	if g := b.GroupIDs; g != nil {
		f.groups = &setFilter{g.Any, g.All, g.None}
	}
	if g := b.SegmentIDs; g != nil {
		if len(g.Any)+len(g.All)+len(g.None) > 3 {
			return nil, reqErr(codeBadRequest, "query.filter.segment_ids", "At most 3 segment ids may be given.")
		}
		f.segments = &setFilter{g.Any, g.All, g.None}
	}
	if len(b.CustomAttribute) > 0 && string(b.CustomAttribute) != "null" {
		return nil, reqErr(codeBadRequest, "query.filter.custom_attribute",
			"Custom attribute filters are not supported by the simulator.")
	}
	return f, nil
}

func compileRange(b *rangeBody, field string) (timeRange, *requestError) {
	var r timeRange
	if b == nil {
		return r, nil
	}
	for _, e := range []struct {
		v    *string
		has  *bool
		dst  *int64
		name string
	}{{b.StartAt, &r.hasStart, &r.start, ".start_at"}, {b.EndAt, &r.hasEnd, &r.end, ".end_at"}} {
		if e.v == nil || *e.v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, *e.v)
		if err != nil {
			return r, reqErr("INVALID_TIME", field+e.name, "Expected an RFC 3339 timestamp.")
		}
		*e.has, *e.dst = true, t.UnixNano()
	}
	if r.hasStart && r.hasEnd && r.start > r.end {
		return r, reqErr("INVALID_TIME_RANGE", field, "start_at must not be after end_at.")
	}
	return r, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
