package square

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/accordhq/accord/engine"
)

var _ engine.BatchCreator = (*Client)(nil)

// Result is the outcome of one id of GetMany: the customer, or an error
// classified as for Get.
type Result struct {
	Customer engine.Customer
	Err      error
}

// bulkLimit is BulkCreateCustomers' maximum number of entries.
const bulkLimit = 100

// CreateMany implements engine.BatchCreator with BulkCreateCustomers, up
// to 100 customers per call, each entry keyed by its idempotency key. It
// returns one result per creation, in order.
//
// Entries that fail Validate, lack an external ref or a key, or repeat a
// key already in cs get a terminal error and are not sent. A call that
// fails as a whole is retried with the same keys like Create; when it still
// fails, every entry of that call gets the error (engine.ErrUnknownOutcome
// if it may have been applied). Per-entry errors from Square are
// engine.Terminal around an *APIError, except server-side ones, which are
// ErrUnknownOutcome, and RATE_LIMITED, which is an *engine.RetryAfterError;
// an entry missing from the answer is ErrUnknownOutcome. Retrying any of
// them with the same key is safe.
func (c *Client) CreateMany(ctx context.Context, cs []engine.Creation) []engine.CreateResult {
	out := make([]engine.CreateResult, len(cs))
	seen := make(map[string]bool, len(cs))
	var batch []int // indexes into cs
	flush := func() {
		if len(batch) > 0 {
			c.bulkCreate(ctx, cs, batch, out)
			batch = batch[:0]
		}
	}
	for i, cr := range cs {
		err := c.checkCreate(cr.Customer, cr.Key)
		if err == nil && seen[cr.Key] {
			// Sent twice in one request, a key would be one map entry:
			// one customer for two creations.
			err = engine.Terminal(fmt.Errorf("idempotency key %q is given twice: %w", cr.Key, engine.ErrInvalid))
		}
		if err != nil {
			out[i].Err = fmt.Errorf("square: bulk create for external ref %s: %w", cr.Customer.ExternalRef, err)
			continue
		}
		seen[cr.Key] = true
		if batch = append(batch, i); len(batch) == bulkLimit {
			flush()
		}
	}
	flush()
	return out
}

// bulkCreate sends one BulkCreateCustomers call for cs[idx] and fills out.
func (c *Client) bulkCreate(ctx context.Context, cs []engine.Creation, idx []int, out []engine.CreateResult) {
	entries := make(map[string]createBody, len(idx))
	for _, i := range idx {
		entries[cs[i].Key] = c.createBody(cs[i].Customer)
	}
	fail := func(err error) {
		for _, i := range idx {
			out[i].Err = fmt.Errorf("square: bulk create for external ref %s (key %s): %w",
				cs[i].Customer.ExternalRef, cs[i].Key, err)
		}
	}
	// encoding/json writes map keys sorted, so a retry sends the same bytes.
	body, err := json.Marshal(map[string]any{"customers": entries})
	if err != nil {
		fail(fmt.Errorf("encode: %w", err))
		return
	}
	var res struct {
		Responses map[string]struct {
			Customer json.RawMessage `json:"customer"`
			Errors   []Error         `json:"errors"`
		} `json:"responses"`
	}
	r := &request{method: http.MethodPost, path: "/v2/customers/bulk-create", body: body, write: true, replayable: true}
	err = c.do(ctx, r, func(resp *response) error {
		res.Responses = nil
		return json.Unmarshal(resp.body, &res)
	})
	if err != nil {
		fail(err)
		return
	}
	for _, i := range idx {
		key := cs[i].Key
		e, ok := res.Responses[key]
		switch {
		case !ok:
			out[i].Err = fmt.Errorf("no response for key %s: %w", key, engine.ErrUnknownOutcome)
		case len(e.Errors) > 0:
			out[i].Err = c.entryError(&APIError{Errors: e.Errors})
		case len(e.Customer) == 0:
			out[i].Err = fmt.Errorf("empty response for key %s: %w", key, engine.ErrUnknownOutcome)
		default:
			cu, err := c.decodeCustomer(e.Customer)
			if err != nil {
				// Created, but unreadable: the engine settles it from the feed.
				out[i].Err = fmt.Errorf("created customer is unreadable (%s): %w", err.Error(), engine.ErrUnknownOutcome)
				continue
			}
			out[i].Customer = cu
			continue
		}
		out[i].Err = fmt.Errorf("square: bulk create for external ref %s (key %s): %w",
			cs[i].Customer.ExternalRef, key, out[i].Err)
	}
}

// entryError classifies a failed bulk entry like a failed call.
func (c *Client) entryError(e *APIError) error {
	switch classify(e) {
	case kindRateLimited:
		return &engine.RetryAfterError{Err: e, After: c.now().Add(c.backoff(0))}
	case kindTransient:
		return fmt.Errorf("%w: %w", engine.ErrUnknownOutcome, e)
	}
	return engine.Terminal(e)
}
