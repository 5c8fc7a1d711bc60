package matchers

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"

	"github.com/accordhq/accord/engine"
)

var _ engine.Normalizer = (*Normalizer)(nil)

// Normalizer computes matching keys and comparable field values for one
// pair. It holds the default phone region, used for numbers written without
// a country code. It is immutable and safe for concurrent use.
type Normalizer struct {
	region string
}

// NewNormalizer returns a Normalizer that reads national phone numbers as
// numbers of region, an ISO 3166-1 alpha-2 code such as "NZ" (any case).
// It returns an error wrapping engine.ErrInvalid, naming the region, when
// the phone library does not know it.
func NewNormalizer(region string) (*Normalizer, error) {
	r := strings.ToUpper(strings.TrimSpace(region))
	if !phonenumbers.GetSupportedRegions()[r] {
		return nil, fmt.Errorf("matchers: phone region %q is not a known ISO 3166 region: %w", region, engine.ErrInvalid)
	}
	return &Normalizer{region: r}, nil
}

// Keys computes the matching keys of c. Name is the folded "first last";
// a key is "" when its field is empty, invalid or a placeholder.
func (n *Normalizer) Keys(c engine.Customer) engine.Keys {
	return engine.Keys{
		Email:       Email(c.Email),
		Phone:       Phone(c.Phone, n.region),
		Mobile:      Phone(c.Mobile, n.region),
		Name:        Name(c.FirstName + " " + c.LastName),
		Postcode:    Postcode(c.Address.Postcode),
		AccountCode: AccountCode(c.AccountCode),
	}
}

// Value returns the form of value compared when looking for conflicts on
// the canonical field. Two values with the same form are not a conflict:
// "021 555 0101" and "+64 21 555 0101" as phones, "ANN@X.COM " and
// "ann@x.com" as emails, "Queen St." and "queen st" as address lines.
// Unlike the keys, Value keeps invalid input in a comparable form, because
// a difference between two invalid values is still a difference. Unknown
// fields and the birthday are only trimmed.
func (n *Normalizer) Value(field, value string) string {
	switch field {
	case engine.FieldEmail:
		return emailValue(value)
	case engine.FieldPhone, engine.FieldMobile:
		return phoneValue(value, n.region)
	case engine.FieldFirstName, engine.FieldLastName, engine.FieldCompany,
		engine.FieldLine1, engine.FieldLine2, engine.FieldCity, engine.FieldState,
		engine.FieldCountry:
		return Name(value)
	case engine.FieldPostcode:
		return Postcode(value)
	case engine.FieldAccountCode:
		return AccountCode(value)
	}
	return strings.TrimSpace(value)
}

// AccountCode returns the comparable form of an account code (X-Series
// customer_code): trimmed and upper-cased, inner spaces kept because they
// may be significant to the merchant's numbering. It returns "" for values
// that are not codes but fillers many customers share: no letter or digit
// ("-", "."), only zeros ("0", "000", the default of many account-number
// columns), or a word meaning "none". Such a value would make every
// customer who has it look like one duplicate set.
func AccountCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	switch s {
	case "N/A", "NONE", "NULL", "UNKNOWN":
		return ""
	}
	for _, r := range s {
		if (unicode.IsLetter(r) || unicode.IsNumber(r)) && r != '0' {
			return s
		}
	}
	return ""
}

// Postcode returns the comparable form of a postcode: upper-case with all
// white space removed, so "sw1a 1aa" equals "SW1A1AA".
func Postcode(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, strings.ToUpper(s))
}
