package matchers

import (
	"strings"

	"github.com/accordhq/accord/engine"
)

// Pseudo-fields a column can hold besides the canonical fields: a whole
// name to split into first and last, and a street number to put before
// the first address line.
const (
	ColumnFullName     = "name"
	ColumnStreetNumber = "street_number"
)

// columnNames maps the column names people commonly use (folded: lower
// case, words joined by "_") to canonical fields or pseudo-fields.
var columnNames = map[string]string{
	"first_name": engine.FieldFirstName, "given_name": engine.FieldFirstName, "firstname": engine.FieldFirstName,
	"forename": engine.FieldFirstName, "givenname": engine.FieldFirstName,
	"last_name": engine.FieldLastName, "surname": engine.FieldLastName, "lastname": engine.FieldLastName,
	"family_name": engine.FieldLastName,
	"name":        ColumnFullName, "full_name": ColumnFullName, "fullname": ColumnFullName, "customer_name": ColumnFullName,
	"email": engine.FieldEmail, "email_address": engine.FieldEmail, "e_mail": engine.FieldEmail,
	"phone": engine.FieldPhone, "telephone": engine.FieldPhone, "tel": engine.FieldPhone, "phone_number": engine.FieldPhone,
	"mobile": engine.FieldMobile, "cell": engine.FieldMobile, "mobile_phone": engine.FieldMobile,
	"company": engine.FieldCompany, "company_name": engine.FieldCompany, "organisation": engine.FieldCompany,
	"organization": engine.FieldCompany, "business_name": engine.FieldCompany,
	"dob": engine.FieldBirthday, "date_of_birth": engine.FieldBirthday, "birthday": engine.FieldBirthday,
	"birth_date": engine.FieldBirthday, "birthdate": engine.FieldBirthday,
	"postcode": engine.FieldPostcode, "post_code": engine.FieldPostcode, "zip": engine.FieldPostcode,
	"zipcode": engine.FieldPostcode, "zip_code": engine.FieldPostcode, "postal_code": engine.FieldPostcode,
	"city": engine.FieldCity, "suburb": engine.FieldCity, "town": engine.FieldCity, "locality": engine.FieldCity,
	"address": engine.FieldLine1, "address_1": engine.FieldLine1, "address1": engine.FieldLine1,
	"addr": engine.FieldLine1, "street": engine.FieldLine1, "line1": engine.FieldLine1, "address_line_1": engine.FieldLine1,
	"address_2": engine.FieldLine2, "address2": engine.FieldLine2, "line2": engine.FieldLine2, "address_line_2": engine.FieldLine2,
	"street_number": ColumnStreetNumber, "street_no": ColumnStreetNumber, "house_number": ColumnStreetNumber,
	"state": engine.FieldState, "province": engine.FieldState, "county": engine.FieldState,
	"country":      engine.FieldCountry,
	"account_code": engine.FieldAccountCode, "customer_code": engine.FieldAccountCode, "account_no": engine.FieldAccountCode,
	"account_number": engine.FieldAccountCode, "soc_sec_id": engine.FieldAccountCode,
	"external_ref": engine.FieldExternalRef,
}

// ColumnField returns the field a column of that name holds when the name
// is an obvious one ("given_name", "Surname", "E-mail", "zip",
// "date_of_birth", "soc_sec_id"...): a canonical field name, ColumnFullName
// or ColumnStreetNumber. It returns "" for any other name.
func ColumnField(column string) string {
	return columnNames[foldColumn(column)]
}

// IsColumnField reports whether field is something SetColumn can fill: a
// canonical customer field, external_ref or a pseudo-field.
func IsColumnField(field string) bool {
	return engine.IsDataField(field) || field == engine.FieldExternalRef ||
		field == ColumnFullName || field == ColumnStreetNumber
}

func foldColumn(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '.' {
			return '_'
		}
		return r
	}, s)
}

// SetColumn stores a column's value in c under field (as ColumnField
// returns it). A full name is split at its last space into first and last
// name, unless the names are already set; a street number goes before the
// first address line; an eight-digit birthday (YYYYMMDD) is written
// YYYY-MM-DD. A value is trimmed; an empty one leaves c unchanged.
func SetColumn(c *engine.Customer, field, value string) {
	value = strings.TrimSpace(value)
	if value == "" {
		return
	}
	switch field {
	case ColumnFullName:
		if c.FirstName != "" || c.LastName != "" {
			return
		}
		if i := strings.LastIndexByte(value, ' '); i > 0 {
			c.FirstName, c.LastName = strings.TrimSpace(value[:i]), value[i+1:]
		} else {
			c.LastName = value
		}
	case ColumnStreetNumber:
		c.Address.Line1 = strings.TrimSpace(value + " " + c.Address.Line1)
	case engine.FieldLine1:
		c.Address.Line1 = strings.TrimSpace(c.Address.Line1 + " " + value)
	case engine.FieldBirthday:
		if b := Birthday(value); len(value) == 8 && b == value {
			value = b[:4] + "-" + b[4:6] + "-" + b[6:]
		}
		c.Birthday = value
	default:
		c.SetField(field, value)
	}
}
