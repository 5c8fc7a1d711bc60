package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// fieldError is a request body problem with one field; it becomes a 422 whose
// message starts with the field name.
type fieldError struct {
	field, problem string
}

func (e *fieldError) Error() string { return e.field + ": " + e.problem }

// bodyField decodes one writable CustomerBase property into a Customer.
type bodyField struct {
	name  string
	apply func(c *Customer, raw json.RawMessage) error // returns the problem only
}

var null = []byte("null")

// nullableString is a CustomerBase string property that may be null.
func nullableString(name string, get func(*Customer) **string) bodyField {
	return bodyField{name, func(c *Customer, raw json.RawMessage) error {
		if bytes.Equal(raw, null) {
			*get(c) = nil
			return nil
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return fmt.Errorf("must be a string or null")
		}
		*get(c) = &s
		return nil
	}}
}

// plainString is a CustomerBase string property the spec does not let be null.
func plainString(name string, set func(*Customer, string) error) bodyField {
	return bodyField{name, func(c *Customer, raw json.RawMessage) error {
		var s string
		if bytes.Equal(raw, null) || json.Unmarshal(raw, &s) != nil {
			return fmt.Errorf("must be a string")
		}
		return set(c, s)
	}}
}

func boolean(name string, get func(*Customer) *bool) bodyField {
	return bodyField{name, func(c *Customer, raw json.RawMessage) error {
		if bytes.Equal(raw, null) || json.Unmarshal(raw, get(c)) != nil {
			return fmt.Errorf("must be a boolean")
		}
		return nil
	}}
}

// bodyFields are the properties a client may write (the spec's CustomerBase,
// plus tax_id and enable_promotional_sms that real responses carry).
var bodyFields = func() []bodyField {
	fs := []bodyField{
		plainString("customer_code", func(c *Customer, s string) error {
			c.CustomerCode = s
			return nil
		}),
		plainString("customer_group_id", func(c *Customer, s string) error {
			c.CustomerGroupID = s
			return nil
		}),
		plainString("date_of_birth", func(c *Customer, s string) error {
			if s == "" {
				c.DateOfBirth = nil
				return nil
			}
			if _, err := time.Parse(time.DateOnly, s); err != nil {
				return fmt.Errorf("must be a date as YYYY-MM-DD")
			}
			c.DateOfBirth = &s
			return nil
		}),
		{"gender", func(c *Customer, raw json.RawMessage) error {
			var s *string
			if json.Unmarshal(raw, &s) != nil || (s != nil && *s != "" && *s != "M" && *s != "F") {
				return fmt.Errorf(`must be "M", "F" or null`)
			}
			if s != nil && *s == "" {
				s = nil
			}
			c.Gender = s
			return nil
		}},
		boolean("enable_loyalty", func(c *Customer) *bool { return &c.EnableLoyalty }),
		boolean("do_not_email", func(c *Customer) *bool { return &c.DoNotEmail }),
		boolean("enable_promotional_sms", func(c *Customer) *bool { return &c.EnablePromotionalSMS }),
		{"on_account_limit", func(c *Customer, raw json.RawMessage) error {
			var f *float64
			if json.Unmarshal(raw, &f) != nil {
				return fmt.Errorf("must be a number or null")
			}
			c.OnAccountLimit = f
			return nil
		}},
	}
	for _, n := range []struct {
		name string
		get  func(*Customer) **string
	}{
		{"first_name", func(c *Customer) **string { return &c.FirstName }},
		{"last_name", func(c *Customer) **string { return &c.LastName }},
		{"email", func(c *Customer) **string { return &c.Email }},
		{"note", func(c *Customer) **string { return &c.Note }},
		{"company_name", func(c *Customer) **string { return &c.CompanyName }},
		{"phone", func(c *Customer) **string { return &c.Phone }},
		{"mobile", func(c *Customer) **string { return &c.Mobile }},
		{"fax", func(c *Customer) **string { return &c.Fax }},
		{"twitter", func(c *Customer) **string { return &c.Twitter }},
		{"website", func(c *Customer) **string { return &c.Website }},
		{"physical_address_1", func(c *Customer) **string { return &c.PhysicalAddress1 }},
		{"physical_address_2", func(c *Customer) **string { return &c.PhysicalAddress2 }},
		{"physical_suburb", func(c *Customer) **string { return &c.PhysicalSuburb }},
		{"physical_city", func(c *Customer) **string { return &c.PhysicalCity }},
		{"physical_postcode", func(c *Customer) **string { return &c.PhysicalPostcode }},
		{"physical_state", func(c *Customer) **string { return &c.PhysicalState }},
		{"physical_country_id", func(c *Customer) **string { return &c.PhysicalCountryID }},
		{"postal_address_1", func(c *Customer) **string { return &c.PostalAddress1 }},
		{"postal_address_2", func(c *Customer) **string { return &c.PostalAddress2 }},
		{"postal_suburb", func(c *Customer) **string { return &c.PostalSuburb }},
		{"postal_city", func(c *Customer) **string { return &c.PostalCity }},
		{"postal_postcode", func(c *Customer) **string { return &c.PostalPostcode }},
		{"postal_state", func(c *Customer) **string { return &c.PostalState }},
		{"postal_country_id", func(c *Customer) **string { return &c.PostalCountryID }},
		{"custom_field_1", func(c *Customer) **string { return &c.CustomField1 }},
		{"custom_field_2", func(c *Customer) **string { return &c.CustomField2 }},
		{"custom_field_3", func(c *Customer) **string { return &c.CustomField3 }},
		{"custom_field_4", func(c *Customer) **string { return &c.CustomField4 }},
		{"tax_id", func(c *Customer) **string { return &c.TaxID }},
	} {
		fs = append(fs, nullableString(n.name, n.get))
	}
	return fs
}()

// errBadJSON marks a body that is not a JSON object (a 400, not a 422).
type errBadJSON struct{ err error }

func (e errBadJSON) Error() string { return "request body must be a JSON object: " + e.err.Error() }

// applyBody writes the body's known properties onto c. create enforces the
// spec's required keys. It returns an errBadJSON or a *fieldError.
func applyBody(c *Customer, body []byte, create bool) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return errBadJSON{err}
	}
	if m == nil {
		return errBadJSON{fmt.Errorf("got null")}
	}
	if create {
		for _, k := range []string{"first_name", "last_name"} {
			if _, ok := m[k]; !ok {
				return &fieldError{k, "is required (it may be null)"}
			}
		}
	}
	for _, f := range bodyFields {
		raw, ok := m[f.name]
		if !ok {
			continue
		}
		if err := f.apply(c, raw); err != nil {
			return &fieldError{f.name, err.Error()}
		}
	}
	if _, ok := m["customer_code"]; ok && !create && c.CustomerCode == "" {
		return &fieldError{"customer_code", "must not be empty"}
	}
	return nil
}
