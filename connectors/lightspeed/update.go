package lightspeed

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/accordhq/accord/engine"
)

// wireField is the X-Series name of each canonical field a person may
// resolve a conflict into.
var wireField = map[string]string{
	engine.FieldEmail: "email", engine.FieldFirstName: "first_name", engine.FieldLastName: "last_name",
	engine.FieldCompany: "company_name", engine.FieldPhone: "phone", engine.FieldMobile: "mobile",
	engine.FieldAccountCode: "customer_code", engine.FieldLine1: "physical_address_1",
	engine.FieldLine2: "physical_address_2", engine.FieldCity: "physical_city", engine.FieldState: "physical_state",
	engine.FieldPostcode: "physical_postcode", engine.FieldCountry: "physical_country_id",
	engine.FieldBirthday: "date_of_birth",
}

// Update sets fields (canonical name to value) on customer id with
// PUT /customers/{id}, sending only those fields, and returns the customer
// as stored. An empty value is sent as null, clearing the field. The engine
// calls it only to apply a person's resolution of a conflict.
//
// Setting values is idempotent, so the request is retried like a read after
// a 5xx or a timeout. Errors: an unknown field is engine.ErrInvalid without
// a request; 404 matches engine.ErrNotFound; other 4xx are terminal.
func (c *Client) Update(ctx context.Context, id string, fields map[string]string) (engine.Customer, error) {
	body := make(map[string]any, len(fields))
	for f, v := range fields {
		name, ok := wireField[f]
		if !ok {
			return engine.Customer{}, engine.Terminal(fmt.Errorf("lightspeed: update customer %s: field %q cannot be set: %w",
				id, f, engine.ErrInvalid))
		}
		if v == "" {
			body[name] = nil
		} else {
			body[name] = v
		}
	}
	data, err := json.Marshal(body)
	if err != nil {
		return engine.Customer{}, fmt.Errorf("lightspeed: update customer %s: encode: %w", id, err)
	}
	var updated engine.Customer
	r := &request{method: http.MethodPut, path: "/customers/" + url.PathEscape(id), body: data, idempotent: true}
	err = c.do(ctx, r, func(b []byte) error {
		var err error
		updated, err = c.decodeOne(b)
		return err
	})
	if err != nil {
		return engine.Customer{}, fmt.Errorf("lightspeed: update customer %s: %w", id, err)
	}
	return updated, nil
}

var _ engine.Updater = (*Client)(nil)
