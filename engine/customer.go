package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Side names one side of a pair.
type Side string

// The two sides of every pair.
const (
	Local    Side = "local"
	Upstream Side = "upstream"
)

// Other returns the opposite side.
func (s Side) Other() Side {
	if s == Local {
		return Upstream
	}
	return Local
}

// Valid reports whether s is one of the two sides.
func (s Side) Valid() bool { return s == Local || s == Upstream }

// Address is a postal address in canonical form.
type Address struct {
	Line1    string
	Line2    string
	City     string
	State    string
	Postcode string
	Country  string
}

// Customer is the canonical customer shared by every connector.
//
// ExternalRef is the id this side holds for the same customer on the other
// side: on the upstream side it is the local id accord stored in the
// provider's reference field; on the local side it is the upstream id held in
// the table's upstream-id column.
type Customer struct {
	ID          string
	Email       string
	FirstName   string
	LastName    string
	Company     string
	Phone       string
	Mobile      string
	AccountCode string
	ExternalRef string
	Address     Address
	Birthday    string // YYYY-MM-DD, or empty
	UpdatedAt   time.Time
	Version     int64
	Deleted     bool
	Raw         []byte // the provider's payload, kept for display and audit
}

// Canonical field names, used in mappings, conflicts and evidence.
const (
	FieldEmail       = "email"
	FieldFirstName   = "first_name"
	FieldLastName    = "last_name"
	FieldCompany     = "company"
	FieldPhone       = "phone"
	FieldMobile      = "mobile"
	FieldAccountCode = "account_code"
	FieldExternalRef = "external_ref"
	FieldLine1       = "address.line1"
	FieldLine2       = "address.line2"
	FieldCity        = "address.city"
	FieldState       = "address.state"
	FieldPostcode    = "address.postcode"
	FieldCountry     = "address.country"
	FieldBirthday    = "birthday"
)

// DataFields lists the customer-data fields in display order. ExternalRef is
// link metadata, not customer data, so it is not among them.
var DataFields = []string{
	FieldFirstName, FieldLastName, FieldEmail, FieldPhone, FieldMobile,
	FieldCompany, FieldAccountCode, FieldLine1, FieldLine2, FieldCity,
	FieldState, FieldPostcode, FieldCountry, FieldBirthday,
}

// IsDataField reports whether name is a canonical customer-data field.
func IsDataField(name string) bool {
	for _, f := range DataFields {
		if f == name {
			return true
		}
	}
	return false
}

// Field returns the value of a canonical field, or "" for an unknown name.
func (c Customer) Field(name string) string {
	switch name {
	case FieldEmail:
		return c.Email
	case FieldFirstName:
		return c.FirstName
	case FieldLastName:
		return c.LastName
	case FieldCompany:
		return c.Company
	case FieldPhone:
		return c.Phone
	case FieldMobile:
		return c.Mobile
	case FieldAccountCode:
		return c.AccountCode
	case FieldExternalRef:
		return c.ExternalRef
	case FieldLine1:
		return c.Address.Line1
	case FieldLine2:
		return c.Address.Line2
	case FieldCity:
		return c.Address.City
	case FieldState:
		return c.Address.State
	case FieldPostcode:
		return c.Address.Postcode
	case FieldCountry:
		return c.Address.Country
	case FieldBirthday:
		return c.Birthday
	}
	return ""
}

// SetField sets a canonical field; it reports false for an unknown name.
func (c *Customer) SetField(name, value string) bool {
	switch name {
	case FieldEmail:
		c.Email = value
	case FieldFirstName:
		c.FirstName = value
	case FieldLastName:
		c.LastName = value
	case FieldCompany:
		c.Company = value
	case FieldPhone:
		c.Phone = value
	case FieldMobile:
		c.Mobile = value
	case FieldAccountCode:
		c.AccountCode = value
	case FieldExternalRef:
		c.ExternalRef = value
	case FieldLine1:
		c.Address.Line1 = value
	case FieldLine2:
		c.Address.Line2 = value
	case FieldCity:
		c.Address.City = value
	case FieldState:
		c.Address.State = value
	case FieldPostcode:
		c.Address.Postcode = value
	case FieldCountry:
		c.Address.Country = value
	case FieldBirthday:
		c.Birthday = value
	default:
		return false
	}
	return true
}

// DisplayName is the customer's name for people: first and last name, else
// the company, else the email, else the id.
func (c Customer) DisplayName() string {
	switch {
	case c.FirstName != "" && c.LastName != "":
		return c.FirstName + " " + c.LastName
	case c.FirstName != "" || c.LastName != "":
		return c.FirstName + c.LastName
	case c.Company != "":
		return c.Company
	case c.Email != "":
		return c.Email
	}
	return c.ID
}

// Hash fingerprints the customer's fields, its external ref and its deleted
// flag. It leaves out the version, the timestamp and the raw payload, so a
// provider bumping a version for a change accord does not map (a sale moving
// a loyalty balance, say) does not count as a change.
func (c Customer) Hash() string {
	h := sha256.New()
	for _, f := range DataFields {
		h.Write([]byte(c.Field(f)))
		h.Write([]byte{0})
	}
	h.Write([]byte(c.ExternalRef))
	h.Write([]byte{0})
	h.Write([]byte(strconv.FormatBool(c.Deleted)))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// ValueHash fingerprints one field value, for the baselines that tell
// accord's own writes apart from people's edits.
func ValueHash(v string) string {
	s := sha256.Sum256([]byte(v))
	return hex.EncodeToString(s[:8])
}
