package square

import (
	"cmp"
	"encoding/json"
	"fmt"
	"time"

	"github.com/accordhq/accord/engine"
)

// mark is a position in (updated_at, id) order.
type mark struct {
	TS time.Time
	ID string
}

func (m mark) compare(o mark) int { return cmp.Or(m.TS.Compare(o.TS), cmp.Compare(m.ID, o.ID)) }

// cursor is the decoded form of the cursors Pull returns (see doc.go). The
// JSON is opaque to the engine but readable by people.
type cursor struct {
	// TS and ID are the watermark: every change with an earlier updated_at
	// that Search had shown by the time the watermark was set has been read.
	TS time.Time `json:"ts,omitzero"`
	ID string    `json:"id,omitempty"`
	// Pass is the window being read, when one is under way (or about to
	// start, after Rewind).
	Pass *pass `json:"pass,omitempty"`
}

// pass is one read of the window updated_at >= From: a sequence of pages of
// one and the same SearchCustomers request, which Square's cursor is bound
// to.
type pass struct {
	// From is the query's updated_at.start_at; zero means no filter (the
	// first, full read).
	From time.Time `json:"from,omitzero"`
	// Limit is the page size the pass started with; a continuation must
	// send the same body.
	Limit int `json:"limit"`
	// At is Square's clock (the Date header) when the first page was
	// served; zero when unknown or not yet started.
	At time.Time `json:"at,omitzero"`
	// Max is the highest (updated_at, id) read so far in the pass.
	MaxTS time.Time `json:"max_ts,omitzero"`
	MaxID string    `json:"max_id,omitempty"`
	// Next is Square's cursor for the next page; "" before the first page.
	Next string `json:"next,omitempty"`
}

func (p *pass) max() mark { return mark{p.MaxTS, p.MaxID} }

func (p *pass) see(m mark) {
	if m.compare(p.max()) > 0 {
		p.MaxTS, p.MaxID = m.TS, m.ID
	}
}

func (cur cursor) mark() mark { return mark{cur.TS, cur.ID} }

func encodeCursor(cur cursor) string {
	b, err := json.Marshal(cur)
	if err != nil { // times and strings only; cannot fail
		panic(fmt.Sprintf("square: encode cursor: %v", err))
	}
	return string(b)
}

// decodeCursor parses a cursor; "" is the start (a full read).
func decodeCursor(s string) (cursor, error) {
	var cur cursor
	if s == "" {
		return cur, nil
	}
	if err := json.Unmarshal([]byte(s), &cur); err != nil {
		return cursor{}, engine.Terminal(fmt.Errorf("malformed cursor %q: %w: %w", s, engine.ErrInvalid, err))
	}
	if p := cur.Pass; p != nil && (p.Limit < 1 || p.Limit > 100) {
		return cursor{}, engine.Terminal(fmt.Errorf("malformed cursor %q: page limit %d: %w", s, p.Limit, engine.ErrInvalid))
	}
	return cur, nil
}

// Rewind implements engine.Rewinder. It turns a stored watermark into the
// start of a new pass from the watermark minus Overlap, so that changes
// Square showed late, with an updated_at before the watermark, are read
// on this run. A cursor of an unfinished pass (a run that stopped between
// pages) is returned unchanged: Pull resumes that pass, whose own start
// already had the overlap, and restarts it if Square no longer accepts
// its page cursor. Rewind("") is "", and an unreadable cursor is returned
// as it is for Pull to report.
func (c *Client) Rewind(s string) string {
	cur, err := decodeCursor(s)
	if err != nil || s == "" || cur.Pass != nil {
		return s
	}
	cur.Pass = &pass{Limit: c.pageSize}
	if !cur.TS.IsZero() {
		cur.Pass.From = cur.TS.Add(-c.overlap)
	}
	return encodeCursor(cur)
}

// settle computes the watermark after a completed pass p that started from
// watermark w:
//
//   - the highest (updated_at, id) read, because everything below it that
//     Search showed was in the window;
//   - but no later than At, Square's clock at the first page: a customer
//     changed while the pass was paging may have moved past the pages
//     still to read, and its updated_at is at least At, so the next pass
//     must start before At;
//   - and at least At minus the overlap: a change older than that had
//     propagated before the pass began (the overlap exceeds Square's
//     delay), so it was in the result and was read, and an idle directory
//     does not re-read a burst of old changes on every run (one page, one
//     call);
//   - never below w.
//
// Without a Date header (At zero) only the highest mark read is used.
func (c *Client) settle(w mark, p *pass) mark {
	next := p.max()
	if !p.At.IsZero() {
		if next.TS.After(p.At) {
			next = mark{TS: p.At}
		}
		if floor := (mark{TS: p.At.Add(-c.overlap)}); floor.compare(next) > 0 {
			next = floor
		}
	}
	if w.compare(next) > 0 {
		return w
	}
	return next
}
