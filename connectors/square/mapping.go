package square

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/accordhq/accord/engine"
)

// wireCustomer is the part of Square's Customer that accord maps.
// encoding/json leaves a string as it is for a JSON null, so plain fields
// are null-tolerant; fields accord does not map (note, preferences, groups,
// segments, tax ids, ...) are not decoded at all, so an oddity there cannot
// quarantine a record.
type wireCustomer struct {
	ID           string       `json:"id"`
	CreatedAt    string       `json:"created_at"`
	UpdatedAt    string       `json:"updated_at"`
	GivenName    string       `json:"given_name"`
	FamilyName   string       `json:"family_name"`
	Nickname     string       `json:"nickname"`
	CompanyName  string       `json:"company_name"`
	EmailAddress string       `json:"email_address"`
	PhoneNumber  string       `json:"phone_number"`
	Birthday     string       `json:"birthday"`
	ReferenceID  string       `json:"reference_id"`
	Address      *wireAddress `json:"address"`
	Version      int64        `json:"version"`
}

// wireAddress is the part of Square's Address that accord maps; it is also
// what Create sends.
type wireAddress struct {
	AddressLine1 string `json:"address_line_1,omitempty"`
	AddressLine2 string `json:"address_line_2,omitempty"`
	Locality     string `json:"locality,omitempty"`
	State        string `json:"administrative_district_level_1,omitempty"`
	PostalCode   string `json:"postal_code,omitempty"`
	Country      string `json:"country,omitempty"`
}

// decodeCustomer maps one element of a response to an engine.Customer. A
// record it cannot read comes back as a *badRecord naming the field.
func (c *Client) decodeCustomer(raw json.RawMessage) (engine.Customer, error) {
	var w wireCustomer
	if err := json.Unmarshal(raw, &w); err != nil {
		return engine.Customer{}, &badRecord{id: peekID(raw), reason: decodeReason(err)}
	}
	id := strings.TrimSpace(w.ID)
	if id == "" {
		return engine.Customer{}, &badRecord{reason: "field id: missing or empty"}
	}
	bad := func(field, problem string) error {
		return &badRecord{id: id, reason: "field " + field + ": " + problem}
	}
	cu := engine.Customer{
		ID:          id,
		Email:       w.EmailAddress,
		FirstName:   w.GivenName,
		LastName:    w.FamilyName,
		Company:     w.CompanyName,
		Phone:       w.PhoneNumber,
		ExternalRef: w.ReferenceID,
		Version:     w.Version,
		Raw:         raw,
	}
	if c.accountCode == "nickname" {
		cu.AccountCode = w.Nickname
	}
	if a := w.Address; a != nil {
		cu.Address = engine.Address{Line1: a.AddressLine1, Line2: a.AddressLine2, City: a.Locality,
			State: a.State, Postcode: a.PostalCode, Country: a.Country}
	}
	if w.CreatedAt != "" {
		if _, err := parseStamp(w.CreatedAt); err != nil {
			return engine.Customer{}, bad("created_at", err.Error())
		}
	}
	// updated_at is what the cursor is made of: a record without one
	// cannot be placed, so it is quarantined rather than guessed.
	if w.UpdatedAt == "" {
		return engine.Customer{}, bad("updated_at", "missing")
	}
	t, err := parseStamp(w.UpdatedAt)
	if err != nil {
		return engine.Customer{}, bad("updated_at", err.Error())
	}
	cu.UpdatedAt = t
	if cu.Birthday, err = parseBirthday(w.Birthday); err != nil {
		return engine.Customer{}, bad("birthday", err.Error())
	}
	return cu, nil
}

// badRecord is a record that cannot be read; it becomes engine.Quarantined.
type badRecord struct{ id, reason string }

func (e *badRecord) Error() string {
	if e.id == "" {
		return "unreadable customer: " + e.reason
	}
	return "unreadable customer " + e.id + ": " + e.reason
}

// quarantine turns a decode error into a quarantined record.
func quarantine(raw json.RawMessage, err error) engine.Quarantined {
	if b, ok := errors.AsType[*badRecord](err); ok {
		return engine.Quarantined{ID: b.id, Reason: b.reason, Raw: raw}
	}
	return engine.Quarantined{ID: peekID(raw), Reason: err.Error(), Raw: raw}
}

// decodeReason says which field broke decoding.
func decodeReason(err error) string {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok && te.Field != "" {
		return fmt.Sprintf("field %s: JSON %s where a %s was expected", te.Field, te.Value, te.Type)
	}
	if _, ok := errors.AsType[*json.SyntaxError](err); ok {
		return "malformed JSON: " + err.Error()
	}
	return "not a customer object: " + err.Error()
}

// peekID reads the id of a record that failed to decode, if it is a
// string, so the quarantined row can still be traced to the customer.
func peekID(raw json.RawMessage) string {
	var v struct {
		ID json.RawMessage `json:"id"`
	}
	var id string
	if json.Unmarshal(raw, &v) != nil || json.Unmarshal(v.ID, &id) != nil {
		return ""
	}
	return id
}

// peekUpdated reads an element's updated_at even when the rest of it is
// bad, so that the cursor accounts for every record seen.
func peekUpdated(raw json.RawMessage) (mark, bool) {
	var v struct {
		ID        string `json:"id"`
		UpdatedAt string `json:"updated_at"`
	}
	if json.Unmarshal(raw, &v) != nil {
		return mark{}, false
	}
	t, err := parseStamp(v.UpdatedAt)
	if err != nil || t.IsZero() {
		return mark{}, false
	}
	return mark{TS: t, ID: v.ID}, true
}

// parseStamp parses an RFC 3339 timestamp (Square writes UTC with
// milliseconds).
func parseStamp(v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("impossible or unknown timestamp %q", v)
	}
	return t.UTC(), nil
}

// parseBirthday accepts YYYY-MM-DD, 0000-MM-DD (Square's form for a
// birthday without a year, kept as it is) and, as older API versions wrote
// it, an RFC 3339 timestamp whose date part it keeps as written (shifting
// zones would move the birthday).
func parseBirthday(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	d := v
	if len(v) > 10 && v[10] == 'T' {
		if _, err := time.Parse(time.RFC3339Nano, v); err == nil {
			d = v[:10]
		}
	}
	if !validDate(d) {
		return "", fmt.Errorf("impossible or unknown date %q (want YYYY-MM-DD or 0000-MM-DD)", v)
	}
	return d, nil
}

// validDate checks YYYY-MM-DD, allowing the year 0000 (no year) with any
// day of a leap year.
func validDate(d string) bool {
	if y, rest, ok := strings.Cut(d, "-"); ok && y == "0000" {
		d = "2000-" + rest
	}
	_, err := time.Parse(time.DateOnly, d)
	return err == nil
}
