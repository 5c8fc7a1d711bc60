package square

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/accordhq/accord/engine"
)

// Get implements engine.Connector with RetrieveCustomer. It reads the
// latest state at once, without the propagation delay of Search. Errors
// match engine.ErrNotFound when Square has no such customer (deleted, or
// merged into another), and engine.ErrInvalid when the record cannot be
// read.
func (c *Client) Get(ctx context.Context, id string) (engine.Customer, error) {
	if strings.TrimSpace(id) == "" {
		return engine.Customer{}, fmt.Errorf("square: get customer: empty id: %w", engine.ErrInvalid)
	}
	var cu engine.Customer
	r := &request{method: http.MethodGet, path: "/v2/customers/" + url.PathEscape(id), replayable: true}
	err := c.do(ctx, r, func(resp *response) error {
		var err error
		cu, err = c.decodeOne(resp.body)
		return err
	})
	if err != nil {
		return engine.Customer{}, fmt.Errorf("square: get customer %s: %w", id, err)
	}
	return cu, nil
}

// decodeOne reads a {"customer": Customer} body. An unreadable envelope is
// a cut-off body (retried for reads); an unreadable customer inside a valid
// envelope is not, and wraps engine.ErrInvalid.
func (c *Client) decodeOne(b []byte) (engine.Customer, error) {
	var env struct {
		Customer json.RawMessage `json:"customer"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return engine.Customer{}, err
	}
	if len(env.Customer) == 0 || string(env.Customer) == "null" {
		return engine.Customer{}, errors.New(`response has no "customer"`)
	}
	cu, err := c.decodeCustomer(env.Customer)
	if err != nil {
		return engine.Customer{}, &permanent{fmt.Errorf("%w: %w", engine.ErrInvalid, err)}
	}
	return cu, nil
}

// GetMany reads customers by id with BulkRetrieveCustomers, 100 ids per
// call, and returns one Result per id, in order: the customer, or an error
// matching engine.ErrNotFound when Square has no such customer (deleted or
// merged), or engine.ErrInvalid when it cannot be read. It reads the latest
// state, like Get, at a hundredth of the calls, which suits re-reading many
// linked records (the engine's ghost sweep). A failed call gives its error
// to each of its ids; the returned error is only for an empty id.
func (c *Client) GetMany(ctx context.Context, ids []string) ([]Result, error) {
	for i, id := range ids {
		if strings.TrimSpace(id) == "" {
			return nil, fmt.Errorf("square: bulk retrieve: id %d is empty: %w", i, engine.ErrInvalid)
		}
	}
	out := make([]Result, len(ids))
	for start := 0; start < len(ids); start += bulkLimit {
		chunk := ids[start:min(start+bulkLimit, len(ids))]
		body, err := json.Marshal(map[string][]string{"customer_ids": chunk})
		if err != nil {
			return nil, fmt.Errorf("square: bulk retrieve: encode: %w", err)
		}
		var res struct {
			Responses map[string]struct {
				Customer json.RawMessage `json:"customer"`
				Errors   []Error         `json:"errors"`
			} `json:"responses"`
		}
		r := &request{method: http.MethodPost, path: "/v2/customers/bulk-retrieve", body: body, replayable: true}
		err = c.do(ctx, r, func(resp *response) error {
			res.Responses = nil
			return json.Unmarshal(resp.body, &res)
		})
		for i, id := range chunk {
			e, ok := res.Responses[id]
			var rerr error
			switch {
			case err != nil:
				rerr = err
			case len(e.Errors) > 0:
				rerr = engine.Terminal(&APIError{Errors: e.Errors})
			case !ok || len(e.Customer) == 0:
				rerr = fmt.Errorf("no customer in the answer: %w", engine.ErrNotFound)
			default:
				cu, derr := c.decodeCustomer(e.Customer)
				if derr == nil {
					out[start+i].Customer = cu
					continue
				}
				rerr = fmt.Errorf("%w: %w", engine.ErrInvalid, derr)
			}
			out[start+i].Err = fmt.Errorf("square: bulk retrieve customer %s: %w", id, rerr)
		}
	}
	return out, nil
}
