package square

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/accordhq/accord/engine"
)

// wireSpot is where a canonical field lives in UpdateCustomerRequest.
type wireSpot struct {
	path  []string
	limit int
}

// nicknameSpot holds the account code when Options.AccountCodeField is
// "nickname".
var nicknameSpot = wireSpot{[]string{"nickname"}, 100}

// wireField is where each canonical field a person may resolve a conflict
// into lives in UpdateCustomerRequest, with Square's length limit (0: none
// documented). mobile and external_ref have no place here: Square has one
// phone_number, and reference_id is link metadata.
var wireField = map[string]wireSpot{
	engine.FieldFirstName: {[]string{"given_name"}, 300},
	engine.FieldLastName:  {[]string{"family_name"}, 300},
	engine.FieldCompany:   {[]string{"company_name"}, 500},
	engine.FieldEmail:     {[]string{"email_address"}, 254},
	engine.FieldPhone:     {[]string{"phone_number"}, 0},
	engine.FieldBirthday:  {[]string{"birthday"}, 0},
	engine.FieldLine1:     {[]string{"address", "address_line_1"}, 0},
	engine.FieldLine2:     {[]string{"address", "address_line_2"}, 0},
	engine.FieldCity:      {[]string{"address", "locality"}, 0},
	engine.FieldState:     {[]string{"address", "administrative_district_level_1"}, 0},
	engine.FieldPostcode:  {[]string{"address", "postal_code"}, 0},
	engine.FieldCountry:   {[]string{"address", "country"}, 0},
}

// Update implements engine.Updater: it sets fields (canonical name to
// value) on customer id with UpdateCustomer, sending only those fields, and
// returns the customer as stored. An empty value is sent as null, which
// removes the field. The engine calls it only to apply a person's
// resolution of a conflict.
//
// It sends no version, so Square applies it to the latest version; use
// UpdateVersion to make it conditional. Setting values is idempotent, so it
// is retried like a read after a 5xx or a timeout. Errors: a field Square
// cannot hold (mobile, external_ref, account_code unless mapped to
// nickname) or a value Square would reject is engine.Terminal and
// engine.ErrInvalid without a request; 404 matches engine.ErrNotFound;
// other 4xx are terminal.
func (c *Client) Update(ctx context.Context, id string, fields map[string]string) (engine.Customer, error) {
	return c.update(ctx, id, fields, nil)
}

// UpdateVersion is Update with optimistic concurrency: Square applies it
// only if the customer is still at version, and otherwise answers with a
// version mismatch, which matches engine.ErrConflict (terminal: read the
// customer again and decide again).
//
// A retry after a failure that may have been applied would meet its own
// write as a mismatch; in that case UpdateVersion reads the customer, and
// when it is past version and holds exactly the values set, the update is
// taken as done.
func (c *Client) UpdateVersion(ctx context.Context, id string, fields map[string]string, version int64) (engine.Customer, error) {
	return c.update(ctx, id, fields, &version)
}

func (c *Client) update(ctx context.Context, id string, fields map[string]string, version *int64) (engine.Customer, error) {
	if strings.TrimSpace(id) == "" || len(fields) == 0 {
		return engine.Customer{}, engine.Terminal(fmt.Errorf("square: update customer %q: an id and at least one field are required: %w",
			id, engine.ErrInvalid))
	}
	body, err := c.updateBody(fields)
	if err != nil {
		return engine.Customer{}, engine.Terminal(fmt.Errorf("square: update customer %s: %w", id, err))
	}
	if version != nil {
		body["version"] = *version
	}
	data, err := json.Marshal(body)
	if err != nil {
		return engine.Customer{}, fmt.Errorf("square: update customer %s: encode: %w", id, err)
	}
	var updated engine.Customer
	r := &request{method: http.MethodPut, path: "/v2/customers/" + url.PathEscape(id), body: data, write: true, replayable: true}
	err = c.do(ctx, r, func(resp *response) error {
		var err error
		updated, err = c.decodeOne(resp.body)
		return err
	})
	if err != nil && version != nil && r.maybeApplied && errors.Is(err, engine.ErrConflict) {
		if got, gerr := c.Get(ctx, id); gerr == nil && got.Version > *version && c.holds(got, fields) {
			return got, nil
		}
	}
	if err != nil {
		return engine.Customer{}, fmt.Errorf("square: update customer %s: %w", id, err)
	}
	return updated, nil
}

// updateBody builds the sparse UpdateCustomer body, or an error wrapping
// engine.ErrInvalid that names the field.
func (c *Client) updateBody(fields map[string]string) (map[string]any, error) {
	body := map[string]any{}
	for f, v := range fields {
		w, ok := wireField[f]
		if f == engine.FieldAccountCode && c.accountCode == "nickname" {
			w, ok = nicknameSpot, true
		}
		if !ok {
			return nil, fmt.Errorf("field %q has no place in a Square customer: %w", f, engine.ErrInvalid)
		}
		if err := checkValue(f, v); err != nil {
			return nil, fmt.Errorf("%w: %w", err, engine.ErrInvalid)
		}
		if n := utf8.RuneCountInString(v); w.limit > 0 && n > w.limit {
			return nil, fmt.Errorf("%s: %d characters, Square allows %d: %w", strings.Join(w.path, "."), n, w.limit, engine.ErrInvalid)
		}
		var val any // nil removes the field
		if v != "" {
			val = v
			if f == engine.FieldCountry {
				val = country(v)
			}
		}
		if len(w.path) == 1 {
			body[w.path[0]] = val
			continue
		}
		addr, _ := body["address"].(map[string]any)
		if addr == nil {
			addr = map[string]any{}
			body["address"] = addr
		}
		addr[w.path[1]] = val
	}
	return body, nil
}

// holds reports whether cu has the values of fields, as Update would have
// written them.
func (c *Client) holds(cu engine.Customer, fields map[string]string) bool {
	for f, v := range fields {
		if f == engine.FieldCountry {
			v = country(v)
		}
		if cu.Field(f) != v {
			return false
		}
	}
	return true
}
