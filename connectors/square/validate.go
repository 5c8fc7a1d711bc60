package square

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/accordhq/accord/engine"
)

// Validate implements engine.Connector: it reports, without I/O, whether
// Square would take cu. Square requires at least one of given_name,
// family_name, company_name, email_address and phone_number, and rejects
// values it can tell are wrong; accord never sends one it can tell
// beforehand. Every problem is reported (joined), each naming the Square
// field, and the error wraps engine.ErrIncomplete.
//
// An unusable value makes the record incomplete rather than being dropped:
// dropping a bad phone and creating the rest would store a customer that
// differs from the local one without anybody deciding so. The merchant
// sees the field in the run and fixes it locally. Rules:
//   - phone_number: 9 to 16 digits, an optional leading "+", and only
//     spaces, dashes, dots and parentheses besides (no letters, no "ext");
//   - email_address: one "@" and a dotted domain, no spaces;
//   - lengths: given_name and family_name 300, company_name 500,
//     email_address 254, reference_id (the external ref) 100, nickname (the
//     account code, when mapped) 100;
//   - birthday: YYYY-MM-DD or 0000-MM-DD, a real date;
//   - address.country: a two-letter ISO 3166 code (upper-cased when sent).
func (c *Client) Validate(cu engine.Customer) error {
	var errs []error
	bad := func(field, problem string) {
		errs = append(errs, fmt.Errorf("%s: %s", field, problem))
	}
	if blank(cu.FirstName) && blank(cu.LastName) && blank(cu.Company) && blank(cu.Email) && blank(cu.Phone) {
		bad("given_name/family_name/company_name/email_address/phone_number",
			"Square requires at least one of a name, a company, an email or a phone")
	}
	for _, f := range []struct {
		field, value string
		limit        int
	}{
		{"given_name", cu.FirstName, 300}, {"family_name", cu.LastName, 300}, {"company_name", cu.Company, 500},
		{"email_address", cu.Email, 254}, {"reference_id", cu.ExternalRef, 100},
	} {
		if n := utf8.RuneCountInString(f.value); n > f.limit {
			bad(f.field, fmt.Sprintf("%d characters, Square allows %d", n, f.limit))
		}
	}
	if c.accountCode == "nickname" && utf8.RuneCountInString(cu.AccountCode) > 100 {
		bad("nickname", "the account code is longer than the 100 characters Square allows")
	}
	if err := checkValue(engine.FieldPhone, cu.Phone); err != nil {
		errs = append(errs, err)
	}
	if err := checkValue(engine.FieldEmail, cu.Email); err != nil {
		errs = append(errs, err)
	}
	if err := checkValue(engine.FieldBirthday, cu.Birthday); err != nil {
		errs = append(errs, err)
	}
	if err := checkValue(engine.FieldCountry, cu.Address.Country); err != nil {
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("square: customer %s: %w: %w", cu.ID, errors.Join(errs...), engine.ErrIncomplete)
}

// checkValue checks one canonical field's value the way Square would,
// naming the Square field; "" is always fine.
func checkValue(field, v string) error {
	if v == "" {
		return nil
	}
	switch field {
	case engine.FieldPhone, engine.FieldMobile:
		if !validPhone(v) {
			return fmt.Errorf("phone_number: %q is not 9 to 16 digits with an optional leading + (Square rejects it)", v)
		}
	case engine.FieldEmail:
		if !validEmail(v) {
			return fmt.Errorf("email_address: %q is not an email address Square accepts", v)
		}
	case engine.FieldBirthday:
		if !validDate(v) {
			return fmt.Errorf("birthday: %q is not a date as YYYY-MM-DD or 0000-MM-DD", v)
		}
	case engine.FieldCountry:
		if cc := country(v); len(cc) != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z' {
			return fmt.Errorf("address.country: %q is not a two-letter ISO 3166 country code", v)
		}
	}
	return nil
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// country is the form of a country code Square takes: trimmed, upper case.
func country(v string) string { return strings.ToUpper(strings.TrimSpace(v)) }

func validPhone(v string) bool {
	digits := 0
	for i, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" -.()", r):
		case r == '+' && strings.TrimSpace(v[:i]) == "":
		default:
			return false
		}
	}
	return digits >= 9 && digits <= 16
}

func validEmail(v string) bool {
	local, domain, ok := strings.Cut(v, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.ContainsAny(v, " \t\r\n") &&
		!strings.Contains(domain, "@") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}
