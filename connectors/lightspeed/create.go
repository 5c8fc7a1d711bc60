package lightspeed

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/accordhq/accord/engine"
)

// createBody is the POST /customers payload (the spec's CustomerBase).
// Empty values are left out so the store keeps its defaults (null, a
// generated customer_code); the names are always sent because the spec
// lists both keys as required (though nullable).
type createBody struct {
	FirstName         *string `json:"first_name"`
	LastName          *string `json:"last_name"`
	Email             string  `json:"email,omitempty"`
	Phone             string  `json:"phone,omitempty"`
	Mobile            string  `json:"mobile,omitempty"`
	CompanyName       string  `json:"company_name,omitempty"`
	CustomerCode      string  `json:"customer_code,omitempty"`
	DateOfBirth       string  `json:"date_of_birth,omitempty"`
	PhysicalAddress1  string  `json:"physical_address_1,omitempty"`
	PhysicalAddress2  string  `json:"physical_address_2,omitempty"`
	PhysicalCity      string  `json:"physical_city,omitempty"`
	PhysicalState     string  `json:"physical_state,omitempty"`
	PhysicalPostcode  string  `json:"physical_postcode,omitempty"`
	PhysicalCountryID string  `json:"physical_country_id,omitempty"`
	CustomField1      string  `json:"custom_field_1,omitempty"`
	CustomField2      string  `json:"custom_field_2,omitempty"`
	CustomField3      string  `json:"custom_field_3,omitempty"`
	CustomField4      string  `json:"custom_field_4,omitempty"`
}

// bodyFields are the wire names a create may be rejected for; a provider
// message that starts with one of them names the field.
var bodyFields = map[string]bool{
	"first_name": true, "last_name": true, "email": true, "phone": true, "mobile": true,
	"company_name": true, "customer_code": true, "date_of_birth": true,
	"physical_address_1": true, "physical_address_2": true, "physical_city": true,
	"physical_suburb": true, "physical_state": true, "physical_postcode": true,
	"physical_country_id": true, "customer_group_id": true, "gender": true,
}

func (c *Client) createBody(cu engine.Customer) createBody {
	b := createBody{
		FirstName:         orNull(cu.FirstName),
		LastName:          orNull(cu.LastName),
		Email:             cu.Email,
		Phone:             cu.Phone,
		Mobile:            cu.Mobile,
		CompanyName:       cu.Company,
		CustomerCode:      cu.AccountCode,
		DateOfBirth:       cu.Birthday,
		PhysicalAddress1:  cu.Address.Line1,
		PhysicalAddress2:  cu.Address.Line2,
		PhysicalCity:      cu.Address.City,
		PhysicalState:     cu.Address.State,
		PhysicalPostcode:  cu.Address.Postcode,
		PhysicalCountryID: cu.Address.Country,
	}
	switch c.refField {
	case "custom_field_2":
		b.CustomField2 = cu.ExternalRef
	case "custom_field_3":
		b.CustomField3 = cu.ExternalRef
	case "custom_field_4":
		b.CustomField4 = cu.ExternalRef
	default:
		b.CustomField1 = cu.ExternalRef
	}
	return b
}

func orNull(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

// Create creates cu in X-Series with cu.ExternalRef (the local id) in the
// external-ref custom field, and returns the customer as stored.
//
// key is unused: X-Series has no idempotency key for customers. Create
// never sends the POST twice once it may have reached the server; such a
// failure (5xx, timeout, a connection cut after the request was written, a
// 2xx whose body cannot be read) wraps engine.ErrUnknownOutcome, and the
// engine settles it by finding the external ref in the change feed (Pull)
// before deciding to try again.
//
// Other errors: a 429 is retried after Retry-After when that is within
// MaxWait (the request was not applied), else it is an
// *engine.RetryAfterError; 400, 422 and other 4xx are engine.Terminal with
// an *APIError naming the field when the message does; 401 and 403 are
// terminal too (the credentials need fixing). A customer that fails
// Validate, or has no ExternalRef, is terminal without a request.
func (c *Client) Create(ctx context.Context, cu engine.Customer, key string) (engine.Customer, error) {
	_ = key
	if err := c.Validate(cu); err != nil {
		return engine.Customer{}, engine.Terminal(fmt.Errorf("lightspeed: create customer: %w", err))
	}
	if cu.ExternalRef == "" {
		return engine.Customer{}, engine.Terminal(fmt.Errorf(
			"lightspeed: create customer: %s (external ref) is empty, so an unknown outcome could not be settled: %w",
			c.refField, engine.ErrInvalid))
	}
	body, err := json.Marshal(c.createBody(cu))
	if err != nil {
		return engine.Customer{}, fmt.Errorf("lightspeed: create customer %s: encode: %w", cu.ExternalRef, err)
	}
	var created engine.Customer
	r := &request{method: http.MethodPost, path: "/customers", body: body}
	err = c.do(ctx, r, func(b []byte) error {
		var err error
		created, err = c.decodeOne(b)
		return err
	})
	if err != nil {
		return engine.Customer{}, fmt.Errorf("lightspeed: create customer for external ref %s: %w", cu.ExternalRef, err)
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "lightspeed: created customer",
		slog.String("id", created.ID), slog.String("external_ref", cu.ExternalRef))
	return created, nil
}

// Validate reports whether X-Series can take cu: it requires a name, so at
// least one of first_name and last_name must be non-blank. The error wraps
// engine.ErrIncomplete and names first_name/last_name.
func (c *Client) Validate(cu engine.Customer) error {
	if strings.TrimSpace(cu.FirstName) == "" && strings.TrimSpace(cu.LastName) == "" {
		return fmt.Errorf("lightspeed: customer %s: first_name/last_name: X-Series requires a first or last name: %w",
			cu.ID, engine.ErrIncomplete)
	}
	return nil
}
