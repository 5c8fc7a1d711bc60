package sim

import (
	"slices"
	"strings"
	"time"
)

// Customer is one Square customer as the API serializes it (the spec's
// Customer schema). Square leaves unset fields out rather than writing
// null, so plain strings with omitempty reproduce its responses; version is
// always present (a new customer has version 0).
type Customer struct {
	ID             string      `json:"id"`
	CreatedAt      string      `json:"created_at"`
	UpdatedAt      string      `json:"updated_at"`
	GivenName      string      `json:"given_name,omitempty"`
	FamilyName     string      `json:"family_name,omitempty"`
	Nickname       string      `json:"nickname,omitempty"`
	CompanyName    string      `json:"company_name,omitempty"`
	EmailAddress   string      `json:"email_address,omitempty"`
	Address        *Address    `json:"address,omitempty"`
	PhoneNumber    string      `json:"phone_number,omitempty"`
	Birthday       string      `json:"birthday,omitempty"`
	ReferenceID    string      `json:"reference_id,omitempty"`
	Note           string      `json:"note,omitempty"`
	Preferences    Preferences `json:"preferences"`
	CreationSource string      `json:"creation_source,omitempty"`
	GroupIDs       []string    `json:"group_ids,omitempty"`
	SegmentIDs     []string    `json:"segment_ids,omitempty"`
	Version        int64       `json:"version"`
	TaxIDs         *TaxIDs     `json:"tax_ids,omitempty"`
}

// Address is the spec's Address, as far as customers use it.
type Address struct {
	AddressLine1                 string `json:"address_line_1,omitempty"`
	AddressLine2                 string `json:"address_line_2,omitempty"`
	AddressLine3                 string `json:"address_line_3,omitempty"`
	Locality                     string `json:"locality,omitempty"`
	Sublocality                  string `json:"sublocality,omitempty"`
	AdministrativeDistrictLevel1 string `json:"administrative_district_level_1,omitempty"`
	AdministrativeDistrictLevel2 string `json:"administrative_district_level_2,omitempty"`
	PostalCode                   string `json:"postal_code,omitempty"`
	Country                      string `json:"country,omitempty"`
	FirstName                    string `json:"first_name,omitempty"`
	LastName                     string `json:"last_name,omitempty"`
}

// Preferences is the read-only CustomerPreferences.
type Preferences struct {
	EmailUnsubscribed bool `json:"email_unsubscribed"`
}

// TaxIDs is CustomerTaxIds.
type TaxIDs struct {
	EUVAT string `json:"eu_vat,omitempty"`
}

// Public reports whether c has "public information", the condition for
// being listed, searched and counted: at least one of given_name,
// family_name, company_name, email_address or phone_number.
func (c *Customer) Public() bool {
	return c.GivenName != "" || c.FamilyName != "" || c.CompanyName != "" ||
		c.EmailAddress != "" || c.PhoneNumber != ""
}

// clone returns a deep copy, so that callers never share the simulator's
// slices or pointers.
func (c Customer) clone() Customer {
	if c.Address != nil {
		a := *c.Address
		c.Address = &a
	}
	if c.TaxIDs != nil {
		t := *c.TaxIDs
		c.TaxIDs = &t
	}
	c.GroupIDs = slices.Clone(c.GroupIDs)
	c.SegmentIDs = slices.Clone(c.SegmentIDs)
	return c
}

// sortKey is the DEFAULT sort key: given and family name, else company,
// email and phone (CustomerSortField DEFAULT), compared case-insensitively.
func (c *Customer) sortKey() string {
	for _, k := range []string{c.GivenName + c.FamilyName, c.CompanyName, c.EmailAddress, c.PhoneNumber} {
		if k != "" {
			return strings.ToLower(k)
		}
	}
	return ""
}

// stampLayout is how the simulator writes timestamps: UTC with
// milliseconds, like the spec examples ("2016-03-23T20:21:54.859Z").
const stampLayout = "2006-01-02T15:04:05.000Z"

func stamp(t time.Time) string { return t.UTC().Truncate(time.Millisecond).Format(stampLayout) }

// parseStamp reads an RFC 3339 timestamp.
func parseStamp(v string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, v)
	return t, err == nil
}
