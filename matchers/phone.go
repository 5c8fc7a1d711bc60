package matchers

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// maxPhoneLen bounds what is handed to the parser. No number with an
// extension comes near it; a longer cell is a note pasted into the phone
// column. Refusing it early also bounds the parser's regular-expression
// work, which is most of the cost of computing keys.
const maxPhoneLen = 64

// Phone returns s in E.164 form ("+64215550101"), reading numbers without a
// country code as numbers of region (an ISO 3166 code such as "NZ" or "US").
// It returns "" when s cannot be parsed or is not a valid number for its
// country, so that a typo or a filler such as "000" never becomes a shared
// key. An extension is dropped: it reaches a person behind the same line and
// does not make a different customer. International prefixes written after
// the plus ("+0064 ...", "+001 ...") are read as the country code that
// follows them.
func Phone(s, region string) string {
	num := parsePhone(s, region)
	if num == nil || !phonenumbers.IsValidNumber(num) {
		return ""
	}
	return phonenumbers.Format(num, phonenumbers.E164)
}

// parsePhone returns the parsed number, or nil. It never panics: the
// parser is third-party code fed with whatever a shop typed, and a panic
// would abort a whole run for one bad cell.
func parsePhone(s, region string) (num *phonenumbers.PhoneNumber) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxPhoneLen {
		return nil
	}
	defer func() {
		if recover() != nil {
			num = nil
		}
	}()
	num, err := phonenumbers.Parse(s, strings.ToUpper(strings.TrimSpace(region)))
	if err != nil {
		return nil
	}
	return num
}

// phoneValue is the form compared for conflicts. Validity does not matter
// there, only whether two values name the same number, so a parsable but
// invalid number (a fictional 555 number) still compares in E.164, and an
// unparsable one by its digits. Unlike Phone it keeps the extension: a
// changed extension is a change a person may want to see.
func phoneValue(s, region string) string {
	num := parsePhone(s, region)
	if num == nil {
		return digitsOnly(s)
	}
	v := phonenumbers.Format(num, phonenumbers.E164)
	if ext := num.GetExtension(); ext != "" {
		v += ";ext=" + ext
	}
	return v
}

func digitsOnly(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			b.WriteByte(c)
		}
	}
	return b.String()
}
