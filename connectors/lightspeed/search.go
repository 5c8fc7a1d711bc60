package lightspeed

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/accordhq/accord/engine"
)

// searchPageSize is the documented cap of /search's page_size.
const searchPageSize = 1000

// searchMaxPages bounds one search, against a server that ignores offset
// and would otherwise be paged for ever.
const searchMaxPages = 100

// Search returns the live customers whose field equals value, for field
// "email" or "customer_code". It follows /search's offset paging until a
// short page. Whether X-Series matches exactly or by prefix is unconfirmed,
// so callers should compare the values they get back.
//
// Errors wrap engine.ErrInvalid for another field, or when a result cannot
// be read: a lookup that silently dropped a record could lead to a
// duplicate.
func (c *Client) Search(ctx context.Context, field, value string) ([]engine.Customer, error) {
	if field != "email" && field != "customer_code" {
		return nil, fmt.Errorf("lightspeed: search customers by %q: field must be email or customer_code: %w", field, engine.ErrInvalid)
	}
	var out []engine.Customer
	for page, offset := 0, 0; ; page++ {
		if page == searchMaxPages {
			return nil, fmt.Errorf("lightspeed: search customers by %s: more than %d pages", field, searchMaxPages)
		}
		var data []json.RawMessage
		r := &request{
			method: http.MethodGet,
			path:   "/search",
			query: func() url.Values {
				q := url.Values{}
				q.Set("type", "customers")
				q.Set(field, value)
				q.Set("offset", strconv.Itoa(offset))
				q.Set("page_size", strconv.Itoa(searchPageSize))
				return q
			},
			idempotent: true,
		}
		err := c.do(ctx, r, func(b []byte) error {
			var env struct {
				Data []json.RawMessage `json:"data"`
			}
			err := json.Unmarshal(b, &env)
			data = env.Data
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("lightspeed: search customers by %s at offset %d: %w", field, offset, err)
		}
		for _, raw := range data {
			cu, err := c.decodeCustomer(raw)
			if err != nil {
				return nil, fmt.Errorf("lightspeed: search customers by %s: %w: %w", field, engine.ErrInvalid, err)
			}
			out = append(out, cu)
		}
		if len(data) < searchPageSize {
			return out, nil
		}
		offset += len(data)
	}
}
