package square

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/accordhq/accord/engine"
)

// searchBody is the SearchCustomers request of a pass. It is rebuilt from
// the pass for every page and must come out byte for byte the same, because
// Square's cursor is bound to the original request body.
type searchBody struct {
	Limit  int         `json:"limit"`
	Query  searchQuery `json:"query"`
	Cursor string      `json:"cursor,omitempty"`
}

type searchQuery struct {
	Filter *searchFilter `json:"filter,omitempty"`
	// Sorting by created_at keeps a customer's place in the result when it
	// is updated while the pass pages; Square cannot sort by updated_at.
	Sort struct {
		Field string `json:"field"`
		Order string `json:"order"`
	} `json:"sort"`
}

type searchFilter struct {
	UpdatedAt struct {
		StartAt string `json:"start_at"`
	} `json:"updated_at"`
}

// startLayout writes start_at in UTC with milliseconds, Square's precision;
// the time is truncated, so the bound only ever moves earlier.
const startLayout = "2006-01-02T15:04:05.000Z07:00"

func (p *pass) body() ([]byte, error) {
	var b searchBody
	b.Limit, b.Cursor = p.Limit, p.Next
	b.Query.Sort.Field, b.Query.Sort.Order = "CREATED_AT", "ASC"
	if !p.From.IsZero() {
		b.Query.Filter = &searchFilter{}
		b.Query.Filter.UpdatedAt.StartAt = p.From.UTC().Truncate(time.Millisecond).Format(startLayout)
	}
	return json.Marshal(b)
}

// searchPage is the SearchCustomers response.
type searchPage struct {
	Customers []json.RawMessage `json:"customers"`
	Cursor    string            `json:"cursor"`
}

// Pull implements engine.Connector: it reads one page of the customers
// whose updated_at is at or after the cursor's window start, following
// Square's cursor page by page (see doc.go for what the cursor holds).
//
// Page.Cursor is never empty on a page with Done false: it holds the pass
// and Square's page cursor, so a run that stops between pages resumes
// there. On the last page of the pass (Square returns no cursor) Done is
// set and Page.Cursor is the new watermark, or "" when a single-page pass
// left it where it was (an idle run: one call, nothing stored).
//
// Records may repeat across pages and runs. A customer that cannot be
// mapped is quarantined with the field at fault and the page goes on.
// Errors: a malformed cursor is terminal and wraps engine.ErrInvalid;
// failed calls are classified as the package documentation's table says.
func (c *Client) Pull(ctx context.Context, s string) (engine.Page, error) {
	cur, err := decodeCursor(s)
	if err != nil {
		return engine.Page{}, fmt.Errorf("square: pull customers: %w", err)
	}
	p := cur.Pass
	if p == nil { // not rewound: read from the watermark itself
		p = &pass{From: cur.TS, Limit: c.pageSize}
	}
	resumed := p.Next != ""
	res, date, err := c.search(ctx, p)
	if err != nil && resumed {
		if apiErr, ok := errors.AsType[*APIError](err); ok && apiErr.HasCode("INVALID_CURSOR") {
			// Square's page cursors expire. The pass starts over from its
			// window start: what was read is read again, nothing is skipped.
			c.log.LogAttrs(ctx, slog.LevelWarn, "square: page cursor no longer valid; restarting the pass",
				slog.Time("from", p.From), slog.String("error", err.Error()))
			p = &pass{From: p.From, Limit: p.Limit}
			res, date, err = c.search(ctx, p)
		}
	}
	if err != nil {
		return engine.Page{}, fmt.Errorf("square: search customers updated since %s: %w", fromText(p.From), err)
	}
	if p.Next == "" {
		p.At = date
	}
	page := engine.Page{Customers: make([]engine.Customer, 0, len(res.Customers))}
	for _, raw := range res.Customers {
		cu, err := c.decodeCustomer(raw)
		if err != nil {
			page.Bad = append(page.Bad, quarantine(raw, err))
			if m, ok := peekUpdated(raw); ok {
				p.see(m)
			}
			continue
		}
		page.Customers = append(page.Customers, cu)
		p.see(mark{cu.UpdatedAt, cu.ID})
	}
	if res.Cursor != "" {
		if res.Cursor == p.Next {
			return engine.Page{}, fmt.Errorf("square: search customers updated since %s: Square returned the cursor it was sent, which would repeat this page for ever", fromText(p.From))
		}
		p.Next = res.Cursor
		page.Cursor = encodeCursor(cursor{TS: cur.TS, ID: cur.ID, Pass: p})
		return page, nil
	}
	page.Done = true
	next := c.settle(cur.mark(), p)
	if resumed || next.compare(cur.mark()) != 0 {
		page.Cursor = encodeCursor(cursor{TS: next.TS, ID: next.ID})
	}
	return page, nil
}

// search sends one page request of p and returns the page and Square's
// clock from the Date header (zero when absent).
func (c *Client) search(ctx context.Context, p *pass) (searchPage, time.Time, error) {
	body, err := p.body()
	if err != nil {
		return searchPage{}, time.Time{}, fmt.Errorf("encode search: %w", err)
	}
	var res searchPage
	var date time.Time
	r := &request{method: http.MethodPost, path: "/v2/customers/search", body: body, replayable: true}
	err = c.do(ctx, r, func(resp *response) error {
		res = searchPage{}
		if err := json.Unmarshal(resp.body, &res); err != nil {
			return err
		}
		date, _ = http.ParseTime(resp.header.Get("Date"))
		return nil
	})
	return res, date, err
}

func fromText(t time.Time) string {
	if t.IsZero() {
		return "the beginning"
	}
	return t.UTC().Format(time.RFC3339Nano)
}
