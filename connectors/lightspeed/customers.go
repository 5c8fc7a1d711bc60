package lightspeed

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/accordhq/accord/engine"
)

// feed is the envelope of GET /customers. version.min/max are null (2026-07
// spec) or absent (the simulator) on an empty page.
type feed struct {
	Data    []json.RawMessage `json:"data"`
	Version *struct {
		Min *int64 `json:"min"`
		Max *int64 `json:"max"`
	} `json:"version"`
}

// Pull reads the customers whose version is above cursor, soft-deleted ones
// included. cursor is a decimal version ("" or "0" reads from the start).
//
// The page's Cursor is version.max of the response, so it moves past
// quarantined records too; it is "" for an empty page, and Done is set only
// then, because X-Series' one documented end condition is an empty page. An
// idle run is therefore exactly one call. Records may repeat; the engine
// upserts by id.
func (c *Client) Pull(ctx context.Context, cursor string) (engine.Page, error) {
	after, err := parseCursor(cursor)
	if err != nil {
		return engine.Page{}, fmt.Errorf("lightspeed: pull customers after %q: %w", cursor, err)
	}
	var f feed
	r := &request{
		method: http.MethodGet,
		path:   "/customers",
		query: func() url.Values {
			q := url.Values{}
			if after > 0 {
				q.Set("after", strconv.FormatInt(after, 10))
			}
			q.Set("page_size", strconv.Itoa(c.pages.current()))
			q.Set("deleted", "true")
			return q
		},
		idempotent: true,
		slowDown:   c.pages.shrink,
	}
	err = c.do(ctx, r, func(b []byte) error {
		f = feed{}
		return json.Unmarshal(b, &f)
	})
	if err != nil {
		return engine.Page{}, fmt.Errorf("lightspeed: pull customers after %d: %w", after, err)
	}
	c.pages.succeeded()
	if len(f.Data) == 0 {
		return engine.Page{Done: true}, nil
	}

	page := engine.Page{Customers: make([]engine.Customer, 0, len(f.Data))}
	var top int64 // highest version seen, for an envelope without one
	for _, raw := range f.Data {
		cu, err := c.decodeCustomer(raw)
		if err != nil {
			page.Bad = append(page.Bad, quarantine(raw, err))
			top = max(top, peekVersion(raw))
			continue
		}
		page.Customers = append(page.Customers, cu)
		top = max(top, cu.Version)
	}
	if f.Version != nil && f.Version.Max != nil {
		top = *f.Version.Max
	}
	// A cursor that does not move would read this page for ever.
	if top <= after {
		return engine.Page{}, fmt.Errorf("lightspeed: pull customers after %d: a page of %d records with version.max %d does not move the cursor", after, len(f.Data), top)
	}
	page.Cursor = strconv.FormatInt(top, 10)
	return page, nil
}

func parseCursor(cursor string) (int64, error) {
	if cursor == "" {
		return 0, nil
	}
	v, err := strconv.ParseInt(cursor, 10, 64)
	if err != nil || v < 0 {
		return 0, engine.Terminal(fmt.Errorf("cursor must be a non-negative version number: %w", engine.ErrInvalid))
	}
	return v, nil
}

// peekVersion reads an element's version even when the rest of it is bad.
func peekVersion(raw json.RawMessage) int64 {
	var v struct {
		Version int64 `json:"version"`
	}
	_ = json.Unmarshal(raw, &v) // best effort: 0 when unreadable
	return v.Version
}

// Get reads one customer; a soft-deleted one comes back with Deleted set.
// Errors wrap engine.ErrNotFound on 404, and engine.ErrInvalid when the
// record cannot be read.
func (c *Client) Get(ctx context.Context, id string) (engine.Customer, error) {
	if strings.TrimSpace(id) == "" {
		return engine.Customer{}, fmt.Errorf("lightspeed: get customer: empty id: %w", engine.ErrInvalid)
	}
	var cu engine.Customer
	r := &request{method: http.MethodGet, path: "/customers/" + url.PathEscape(id), idempotent: true}
	err := c.do(ctx, r, func(b []byte) error {
		var err error
		cu, err = c.decodeOne(b)
		return err
	})
	if err != nil {
		return engine.Customer{}, fmt.Errorf("lightspeed: get customer %s: %w", id, err)
	}
	return cu, nil
}

// decodeOne reads a {"data": Customer} body. An unreadable envelope is a
// cut-off body (retried for reads); an unreadable customer inside a valid
// envelope is not, and wraps engine.ErrInvalid.
func (c *Client) decodeOne(b []byte) (engine.Customer, error) {
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return engine.Customer{}, err
	}
	if len(env.Data) == 0 || bytes.Equal(env.Data, []byte("null")) {
		return engine.Customer{}, errors.New(`response has no "data"`)
	}
	cu, err := c.decodeCustomer(env.Data)
	if err != nil {
		return engine.Customer{}, &permanent{fmt.Errorf("%w: %w", engine.ErrInvalid, err)}
	}
	return cu, nil
}
