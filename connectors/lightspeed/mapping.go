package lightspeed

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/accordhq/accord/engine"
)

// wireCustomer is the part of the X-Series 2.0 Customer that accord maps.
// encoding/json leaves a string or a number as it is for a JSON null, so
// plain fields are null-tolerant without a pointer (and an allocation) each;
// fields accord does not map (balances, loyalty, notes, ...) are not decoded
// at all, so an oddity there cannot quarantine a record.
type wireCustomer struct {
	ID                string `json:"id"`
	CustomerCode      string `json:"customer_code"`
	FirstName         string `json:"first_name"`
	LastName          string `json:"last_name"`
	Email             string `json:"email"`
	Phone             string `json:"phone"`
	Mobile            string `json:"mobile"`
	CompanyName       string `json:"company_name"`
	DateOfBirth       string `json:"date_of_birth"`
	PhysicalAddress1  string `json:"physical_address_1"`
	PhysicalAddress2  string `json:"physical_address_2"`
	PhysicalSuburb    string `json:"physical_suburb"`
	PhysicalCity      string `json:"physical_city"`
	PhysicalState     string `json:"physical_state"`
	PhysicalPostcode  string `json:"physical_postcode"`
	PhysicalCountryID string `json:"physical_country_id"`
	CustomField1      string `json:"custom_field_1"`
	CustomField2      string `json:"custom_field_2"`
	CustomField3      string `json:"custom_field_3"`
	CustomField4      string `json:"custom_field_4"`
	CreatedAt         string `json:"created_at"`
	UpdatedAt         string `json:"updated_at"`
	DeletedAt         string `json:"deleted_at"`
	Version           int64  `json:"version"`
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
		Email:       w.Email,
		FirstName:   w.FirstName,
		LastName:    w.LastName,
		Company:     w.CompanyName,
		Phone:       w.Phone,
		Mobile:      w.Mobile,
		AccountCode: w.CustomerCode,
		ExternalRef: w.customField(c.refField),
		Address: engine.Address{
			Line1: w.PhysicalAddress1,
			Line2: w.PhysicalAddress2,
			// Stores outside the US often fill only the suburb.
			City:     firstOf(w.PhysicalCity, w.PhysicalSuburb),
			State:    w.PhysicalState,
			Postcode: w.PhysicalPostcode,
			Country:  w.PhysicalCountryID,
		},
		Version: w.Version,
		Raw:     raw,
	}
	if _, err := parseStamp(w.CreatedAt); err != nil {
		return engine.Customer{}, bad("created_at", err.Error())
	}
	t, err := parseStamp(w.UpdatedAt)
	if err != nil {
		return engine.Customer{}, bad("updated_at", err.Error())
	}
	cu.UpdatedAt = t
	if d := w.DeletedAt; d != "" {
		if _, err := parseStamp(d); err != nil {
			return engine.Customer{}, bad("deleted_at", err.Error())
		}
		cu.Deleted = true
	}
	if cu.Birthday, err = parseBirthday(w.DateOfBirth); err != nil {
		return engine.Customer{}, bad("date_of_birth", err.Error())
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
	var b *badRecord
	if errors.As(err, &b) {
		return engine.Quarantined{ID: b.id, Reason: b.reason, Raw: raw}
	}
	return engine.Quarantined{ID: peekID(raw), Reason: err.Error(), Raw: raw}
}

// decodeReason says which field broke decoding.
func decodeReason(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return fmt.Sprintf("field %s: JSON %s where a %s was expected", te.Field, te.Value, te.Type)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return "malformed JSON: " + err.Error()
	}
	return "not a customer object: " + err.Error()
}

// peekID reads the id of a record that failed to decode, if it has one, so
// the quarantined row can still be traced to the customer.
func peekID(raw json.RawMessage) string {
	var v struct{ ID json.RawMessage }
	if json.Unmarshal(raw, &v) != nil || len(v.ID) == 0 {
		return ""
	}
	var id string
	if json.Unmarshal(v.ID, &id) == nil {
		return id
	}
	if json.Valid(v.ID) && v.ID[0] != '{' && v.ID[0] != '[' && string(v.ID) != "null" {
		return string(v.ID) // a number, kept as written
	}
	return ""
}

// stampLayouts are the timestamp forms accepted: RFC 3339 (API 2.0, with
// "+00:00") and the zone-less forms of API 0.9, read as UTC.
var stampLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05"}

// parseStamp parses a timestamp; "" is no time. An impossible date (month
// 13, 30 February, 0000-00-00) is an error.
func parseStamp(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	for _, l := range stampLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("impossible or unknown timestamp %q", v)
}

// parseBirthday accepts YYYY-MM-DD and, defensively, a full timestamp whose
// date part it keeps as written (shifting zones would move the birthday).
func parseBirthday(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	if _, err := time.Parse(time.DateOnly, v); err == nil {
		return v, nil
	}
	if _, err := parseStamp(v); err == nil && len(v) >= 10 {
		return v[:10], nil
	}
	return "", fmt.Errorf("impossible or unknown date %q (want YYYY-MM-DD)", v)
}

func (w *wireCustomer) customField(name string) string {
	switch name {
	case "custom_field_2":
		return w.CustomField2
	case "custom_field_3":
		return w.CustomField3
	case "custom_field_4":
		return w.CustomField4
	}
	return w.CustomField1
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
