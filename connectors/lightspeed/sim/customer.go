package sim

import (
	"strings"
	"time"
)

// Customer is one X-Series 2.0 customer as the API serializes it (the spec's
// Customer schema). Fields the spec allows to be null are pointers; the
// simulator always writes every field, using null for unset ones. Version is
// int64 because real versions exceed 2^31.
type Customer struct {
	ID                   string   `json:"id"`
	CustomerCode         string   `json:"customer_code"`
	CustomerGroupID      string   `json:"customer_group_id"`
	FirstName            *string  `json:"first_name"`
	LastName             *string  `json:"last_name"`
	Name                 *string  `json:"name"`
	Email                *string  `json:"email"`
	YearToDate           float64  `json:"year_to_date"`
	Balance              float64  `json:"balance"`
	LoyaltyBalance       float64  `json:"loyalty_balance"`
	Note                 *string  `json:"note"`
	Gender               *string  `json:"gender"`
	DateOfBirth          *string  `json:"date_of_birth"`
	CompanyName          *string  `json:"company_name"`
	DoNotEmail           bool     `json:"do_not_email"`
	EnablePromotionalSMS bool     `json:"enable_promotional_sms"`
	Phone                *string  `json:"phone"`
	Mobile               *string  `json:"mobile"`
	Fax                  *string  `json:"fax"`
	Twitter              *string  `json:"twitter"`
	Website              *string  `json:"website"`
	PhysicalAddress1     *string  `json:"physical_address_1"`
	PhysicalAddress2     *string  `json:"physical_address_2"`
	PhysicalSuburb       *string  `json:"physical_suburb"`
	PhysicalCity         *string  `json:"physical_city"`
	PhysicalPostcode     *string  `json:"physical_postcode"`
	PhysicalState        *string  `json:"physical_state"`
	PhysicalCountryID    *string  `json:"physical_country_id"`
	PostalAddress1       *string  `json:"postal_address_1"`
	PostalAddress2       *string  `json:"postal_address_2"`
	PostalSuburb         *string  `json:"postal_suburb"`
	PostalCity           *string  `json:"postal_city"`
	PostalPostcode       *string  `json:"postal_postcode"`
	PostalState          *string  `json:"postal_state"`
	PostalCountryID      *string  `json:"postal_country_id"`
	CustomField1         *string  `json:"custom_field_1"`
	CustomField2         *string  `json:"custom_field_2"`
	CustomField3         *string  `json:"custom_field_3"`
	CustomField4         *string  `json:"custom_field_4"`
	EnableLoyalty        bool     `json:"enable_loyalty"`
	OnAccountLimit       *float64 `json:"on_account_limit"`
	TaxID                *string  `json:"tax_id"`
	CreatedAt            string   `json:"created_at"`
	UpdatedAt            string   `json:"updated_at"`
	DeletedAt            *string  `json:"deleted_at"`
	Version              int64    `json:"version"`
}

// DefaultGroupID is the customer_group_id given to customers created or
// seeded without one. It is the "All Customers" group id of the spec examples.
const DefaultGroupID = "b1ca8902-f019-11e3-a0f5-b8ca3a64f8f4"

// stringPtrs lists every *string field of Customer. clone relies on it to
// deep-copy, so callers can never reach the simulator's state through a
// pointer (a test checks by reflection that the list is complete).
var stringPtrs = []func(*Customer) **string{
	func(c *Customer) **string { return &c.FirstName },
	func(c *Customer) **string { return &c.LastName },
	func(c *Customer) **string { return &c.Name },
	func(c *Customer) **string { return &c.Email },
	func(c *Customer) **string { return &c.Note },
	func(c *Customer) **string { return &c.Gender },
	func(c *Customer) **string { return &c.DateOfBirth },
	func(c *Customer) **string { return &c.CompanyName },
	func(c *Customer) **string { return &c.Phone },
	func(c *Customer) **string { return &c.Mobile },
	func(c *Customer) **string { return &c.Fax },
	func(c *Customer) **string { return &c.Twitter },
	func(c *Customer) **string { return &c.Website },
	func(c *Customer) **string { return &c.PhysicalAddress1 },
	func(c *Customer) **string { return &c.PhysicalAddress2 },
	func(c *Customer) **string { return &c.PhysicalSuburb },
	func(c *Customer) **string { return &c.PhysicalCity },
	func(c *Customer) **string { return &c.PhysicalPostcode },
	func(c *Customer) **string { return &c.PhysicalState },
	func(c *Customer) **string { return &c.PhysicalCountryID },
	func(c *Customer) **string { return &c.PostalAddress1 },
	func(c *Customer) **string { return &c.PostalAddress2 },
	func(c *Customer) **string { return &c.PostalSuburb },
	func(c *Customer) **string { return &c.PostalCity },
	func(c *Customer) **string { return &c.PostalPostcode },
	func(c *Customer) **string { return &c.PostalState },
	func(c *Customer) **string { return &c.PostalCountryID },
	func(c *Customer) **string { return &c.CustomField1 },
	func(c *Customer) **string { return &c.CustomField2 },
	func(c *Customer) **string { return &c.CustomField3 },
	func(c *Customer) **string { return &c.CustomField4 },
	func(c *Customer) **string { return &c.TaxID },
	func(c *Customer) **string { return &c.DeletedAt },
}

// clone returns a deep copy of c.
func (c *Customer) clone() Customer {
	cp := *c
	for _, f := range stringPtrs {
		if p := f(&cp); *p != nil {
			v := **p
			*p = &v
		}
	}
	if cp.OnAccountLimit != nil {
		v := *cp.OnAccountLimit
		cp.OnAccountLimit = &v
	}
	return cp
}

// deleted reports whether c is soft-deleted.
func (c *Customer) deleted() bool { return c.DeletedAt != nil }

// setName recomputes the deprecated "name" field the way the spec examples
// show it: first and last name joined by a space, null when both are empty.
func (c *Customer) setName() {
	n := strings.TrimSpace(deref(c.FirstName) + " " + deref(c.LastName))
	if n == "" {
		c.Name = nil
		return
	}
	c.Name = &n
}

// stampLayout writes UTC times as the spec examples do ("+00:00", not "Z").
const stampLayout = "2006-01-02T15:04:05+00:00"

func stamp(t time.Time) string { return t.UTC().Format(stampLayout) }

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func ptr[T any](v T) *T { return &v }
