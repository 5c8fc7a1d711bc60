package square

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/accordhq/accord/engine"
)

// createBody is CreateCustomerRequest, and without the key
// BulkCreateCustomerData. Empty values are left out: Square stores nothing
// for them.
type createBody struct {
	IdempotencyKey string       `json:"idempotency_key,omitempty"`
	GivenName      string       `json:"given_name,omitempty"`
	FamilyName     string       `json:"family_name,omitempty"`
	CompanyName    string       `json:"company_name,omitempty"`
	Nickname       string       `json:"nickname,omitempty"`
	EmailAddress   string       `json:"email_address,omitempty"`
	PhoneNumber    string       `json:"phone_number,omitempty"`
	Address        *wireAddress `json:"address,omitempty"`
	Birthday       string       `json:"birthday,omitempty"`
	ReferenceID    string       `json:"reference_id,omitempty"`
}

// createBody maps cu. Mobile has no place in Square (one phone_number) and
// is not sent; see doc.go.
func (c *Client) createBody(cu engine.Customer) createBody {
	b := createBody{
		GivenName:    cu.FirstName,
		FamilyName:   cu.LastName,
		CompanyName:  cu.Company,
		EmailAddress: cu.Email,
		PhoneNumber:  cu.Phone,
		Birthday:     cu.Birthday,
		ReferenceID:  cu.ExternalRef,
	}
	if c.accountCode == "nickname" {
		b.Nickname = cu.AccountCode
	}
	a := wireAddress{AddressLine1: cu.Address.Line1, AddressLine2: cu.Address.Line2, Locality: cu.Address.City,
		State: cu.Address.State, PostalCode: cu.Address.Postcode, Country: country(cu.Address.Country)}
	if a != (wireAddress{}) {
		b.Address = &a
	}
	return b
}

// checkCreate is what Create and CreateMany require before any request.
func (c *Client) checkCreate(cu engine.Customer, key string) error {
	if err := c.Validate(cu); err != nil {
		return engine.Terminal(err)
	}
	if cu.ExternalRef == "" {
		return engine.Terminal(fmt.Errorf("reference_id (external ref) is empty, so the customer could not be traced back: %w",
			engine.ErrInvalid))
	}
	if key == "" {
		return engine.Terminal(fmt.Errorf("no idempotency key, so a retry could create a duplicate: %w", engine.ErrInvalid))
	}
	return nil
}

// Create implements engine.Connector with CreateCustomer. It sends
// idempotency_key = key and reference_id = cu.ExternalRef (the local id)
// and returns the customer as stored.
//
// Because of the key, a retry is safe: Create retries by itself, with the
// same key and byte-identical body, after a 5xx, a timeout or a cut-off
// answer, and Square replays the first response if the first attempt was
// applied. Only when the retries run out after such a failure is the error
// engine.ErrUnknownOutcome; the engine may then simply call Create again
// with the same key.
//
// Other errors: 429 RATE_LIMITED is retried with backoff, then returned as
// an *engine.RetryAfterError; IDEMPOTENCY_KEY_REUSED (the same key with a
// different customer: a bug) and validation errors are engine.Terminal
// around an *APIError naming the field; a customer that fails Validate, has
// no ExternalRef or comes without a key is terminal without a request.
func (c *Client) Create(ctx context.Context, cu engine.Customer, key string) (engine.Customer, error) {
	if err := c.checkCreate(cu, key); err != nil {
		return engine.Customer{}, fmt.Errorf("square: create customer for external ref %s: %w", cu.ExternalRef, err)
	}
	b := c.createBody(cu)
	b.IdempotencyKey = key
	body, err := json.Marshal(b)
	if err != nil {
		return engine.Customer{}, fmt.Errorf("square: create customer for external ref %s: encode: %w", cu.ExternalRef, err)
	}
	var created engine.Customer
	r := &request{method: http.MethodPost, path: "/v2/customers", body: body, write: true, replayable: true}
	err = c.do(ctx, r, func(resp *response) error {
		var err error
		created, err = c.decodeOne(resp.body)
		return err
	})
	if err != nil {
		return engine.Customer{}, fmt.Errorf("square: create customer for external ref %s (key %s): %w", cu.ExternalRef, key, err)
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "square: created customer",
		slog.String("id", created.ID), slog.String("external_ref", cu.ExternalRef))
	return created, nil
}
