package sim

import (
	"slices"
	"strings"
	"unicode"
)

// timeRange is a TimeRange bound to a timestamp: start inclusive, end
// exclusive, in unix nanoseconds.
type timeRange struct {
	hasStart, hasEnd bool
	start, end       int64
}

func (t timeRange) match(v int64) bool {
	return (!t.hasStart || v >= t.start) && (!t.hasEnd || v < t.end)
}

// textMatch is a compiled CustomerTextFilter.
type textMatch func(stored string) bool

// filter is a compiled CustomerFilter; nil members match everything.
type filter struct {
	created, updated  timeRange
	email, phone, ref textMatch
	sources           map[string]bool
	excludeSources    bool
	groups, segments  *setFilter
}

func (f *filter) match(c *state) bool {
	switch {
	case !f.created.match(c.created), !f.updated.match(c.updated):
		return false
	case f.email != nil && !f.email(c.c.EmailAddress):
		return false
	case f.phone != nil && !f.phone(c.c.PhoneNumber):
		return false
	case f.ref != nil && !f.ref(c.c.ReferenceID):
		return false
	case f.sources != nil && f.sources[c.c.CreationSource] == f.excludeSources:
		return false
	case f.groups != nil && !f.groups.match(c.c.GroupIDs):
		return false
	case f.segments != nil && !f.segments.match(c.c.SegmentIDs):
		return false
	}
	return true
}

// setFilter is a FilterValue: any, all and none of a set of ids.
type setFilter struct{ any, all, none []string }

func (f *setFilter) match(ids []string) bool {
	if len(f.any) > 0 && !slices.ContainsFunc(f.any, func(id string) bool { return slices.Contains(ids, id) }) {
		return false
	}
	for _, id := range f.all {
		if !slices.Contains(ids, id) {
			return false
		}
	}
	for _, id := range f.none {
		if slices.Contains(ids, id) {
			return false
		}
	}
	return true
}

// exactFold matches a whole value case-insensitively (email and
// reference_id exact filters).
func exactFold(q string) textMatch {
	q = strings.TrimSpace(q)
	return func(v string) bool { return strings.EqualFold(strings.TrimSpace(v), q) }
}

// fuzzyTokens matches when every token of the query is part of some token
// of the value, tokens being the runs of letters and digits: "Steven gmail"
// matches steven.johnson@gmail.com and mygmail@stevensbakery.com.
func fuzzyTokens(q string) textMatch {
	want := tokens(q)
	return func(v string) bool {
		have := tokens(v)
		for _, w := range want {
			if !slices.ContainsFunc(have, func(h string) bool { return strings.Contains(h, w) }) {
				return false
			}
		}
		return true
	}
}

func tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// exactPhone matches the E.164 form of a stored number. A stored number
// without a leading "+" has no country code the simulator could assume, so
// it never matches exactly.
func exactPhone(q string) textMatch {
	want := "+" + digits(q)
	return func(v string) bool {
		v = strings.TrimSpace(v)
		return strings.HasPrefix(v, "+") && "+"+digits(v) == want
	}
}

// fuzzyPhone matches when each run of digits of the query occurs in the
// stored number's digits: "415 123" matches +1-212-415-1234.
func fuzzyPhone(q string) textMatch {
	want := strings.FieldsFunc(q, func(r rune) bool { return r < '0' || r > '9' })
	return func(v string) bool {
		d := digits(v)
		for _, w := range want {
			if !strings.Contains(d, w) {
				return false
			}
		}
		return true
	}
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
