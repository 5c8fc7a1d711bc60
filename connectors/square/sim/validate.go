package sim

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// textField is a writable string property of a customer with its length
// limit (CreateCustomerRequest and BulkCreateCustomerData; 0 means none
// documented).
type textField struct {
	name  string
	limit int
	ptr   func(*Customer) *string
	check func(string) *requestError
}

var textFields = []textField{
	{"given_name", 300, func(c *Customer) *string { return &c.GivenName }, nil},
	{"family_name", 300, func(c *Customer) *string { return &c.FamilyName }, nil},
	{"company_name", 500, func(c *Customer) *string { return &c.CompanyName }, nil},
	{"nickname", 100, func(c *Customer) *string { return &c.Nickname }, nil},
	{"email_address", 254, func(c *Customer) *string { return &c.EmailAddress }, checkEmail},
	{"phone_number", 0, func(c *Customer) *string { return &c.PhoneNumber }, checkPhone},
	{"reference_id", 100, func(c *Customer) *string { return &c.ReferenceID }, nil},
	{"note", 0, func(c *Customer) *string { return &c.Note }, nil},
	{"birthday", 0, func(c *Customer) *string { return &c.Birthday }, nil},
}

var addressFields = map[string]func(*Address) *string{
	"address_line_1":                  func(a *Address) *string { return &a.AddressLine1 },
	"address_line_2":                  func(a *Address) *string { return &a.AddressLine2 },
	"address_line_3":                  func(a *Address) *string { return &a.AddressLine3 },
	"locality":                        func(a *Address) *string { return &a.Locality },
	"sublocality":                     func(a *Address) *string { return &a.Sublocality },
	"administrative_district_level_1": func(a *Address) *string { return &a.AdministrativeDistrictLevel1 },
	"administrative_district_level_2": func(a *Address) *string { return &a.AdministrativeDistrictLevel2 },
	"postal_code":                     func(a *Address) *string { return &a.PostalCode },
	"country":                         func(a *Address) *string { return &a.Country },
	"first_name":                      func(a *Address) *string { return &a.FirstName },
	"last_name":                       func(a *Address) *string { return &a.LastName },
}

// applyFields writes the customer properties of m onto c, as a sparse
// update: absent keys keep their value, null and "" remove it. Unknown and
// read-only keys are ignored.
func applyFields(c *Customer, m map[string]json.RawMessage) *requestError {
	for _, f := range textFields {
		raw, ok := m[f.name]
		if !ok {
			continue
		}
		v, err := optString(raw, f.name)
		if err != nil {
			return err
		}
		if f.limit > 0 && utf8.RuneCountInString(v) > f.limit {
			return reqErr("VALUE_TOO_LONG", f.name, fmt.Sprintf("Must be at most %d characters.", f.limit))
		}
		if f.name == "birthday" && v != "" {
			if v, err = birthday(v); err != nil {
				return err
			}
		}
		if f.check != nil && v != "" {
			if err := f.check(v); err != nil {
				return err
			}
		}
		*f.ptr(c) = v
	}
	if raw, ok := m["address"]; ok {
		if err := applyAddress(c, raw); err != nil {
			return err
		}
	}
	if raw, ok := m["tax_ids"]; ok {
		var t map[string]json.RawMessage
		if err := json.Unmarshal(raw, &t); err != nil {
			return reqErr("EXPECTED_OBJECT", "tax_ids", "Expected an object.")
		}
		v, err := optString(t["eu_vat"], "tax_ids.eu_vat")
		switch {
		case err != nil:
			return err
		case len(v) > 20:
			return reqErr("VALUE_TOO_LONG", "tax_ids.eu_vat", "Must be at most 20 characters.")
		case v == "":
			c.TaxIDs = nil
		default:
			c.TaxIDs = &TaxIDs{EUVAT: v}
		}
	}
	return nil
}

func applyAddress(c *Customer, raw json.RawMessage) *requestError {
	if string(raw) == "null" {
		c.Address = nil
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return reqErr("EXPECTED_OBJECT", "address", "Expected an object.")
	}
	var a Address
	if c.Address != nil {
		a = *c.Address
	}
	for k, v := range m {
		ptr, ok := addressFields[k]
		if !ok {
			continue
		}
		s, err := optString(v, "address."+k)
		if err != nil {
			return err
		}
		if k == "country" && s != "" && !isCountry(s) {
			return reqErr("INVALID_ENUM_VALUE", "address.country", "Expected an ISO 3166-1 alpha-2 country code.")
		}
		*ptr(&a) = s
	}
	if a == (Address{}) {
		c.Address = nil
	} else {
		c.Address = &a
	}
	return nil
}

// optString reads a string or null ("" for null and absent).
func optString(raw json.RawMessage, field string) (string, *requestError) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", reqErr("EXPECTED_STRING", field, "Expected a string.")
	}
	return s, nil
}

func checkEmail(v string) *requestError {
	local, domain, ok := strings.Cut(v, "@")
	if !ok || local == "" || !strings.Contains(domain, ".") || strings.ContainsAny(v, " \t\r\n") ||
		strings.Contains(domain, "@") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return reqErr("INVALID_EMAIL_ADDRESS", "email_address", "Expected a valid email address.")
	}
	return nil
}

// checkPhone enforces "9–16 digits, with an optional +": separators
// (spaces, dashes, dots, parentheses) are allowed, letters are not.
func checkPhone(v string) *requestError {
	bad := reqErr("INVALID_PHONE_NUMBER", "phone_number", "Expected a phone number of 9 to 16 digits with an optional +.")
	for i, r := range v {
		switch {
		case r >= '0' && r <= '9', strings.ContainsRune(" -.()", r):
		case r == '+' && strings.TrimSpace(v[:i]) == "":
		default:
			return bad
		}
	}
	if n := len(digits(v)); n < 9 || n > 16 {
		return bad
	}
	return nil
}

// birthday accepts YYYY-MM-DD, 0000-MM-DD (no year) and, as older API
// versions wrote it, an RFC 3339 timestamp, and stores the date.
func birthday(v string) (string, *requestError) {
	d := v
	if len(v) > 10 && v[10] == 'T' {
		if _, err := time.Parse(time.RFC3339, v); err == nil {
			d = v[:10]
		}
	}
	probe := d
	if strings.HasPrefix(d, "0000-") {
		probe = "2000" + d[4:] // a leap year, so that 0000-02-29 is allowed
	}
	if _, err := time.Parse(time.DateOnly, probe); err != nil {
		return "", reqErr("INVALID_TIME", "birthday", "Expected YYYY-MM-DD or 0000-MM-DD.")
	}
	return d, nil
}

func isCountry(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}
