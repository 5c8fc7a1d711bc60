package matchers

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Email returns the comparable form of an email address: trimmed, without a
// "mailto:" prefix or surrounding angle brackets, in Unicode NFC and lower
// case. It returns "" when s is not a single plausible address or is a
// placeholder (see isPlaceholderEmail).
//
// Email keeps the address exact otherwise: Gmail dots and +tags are not
// removed, because the email tier links automatically on equality and must
// not join two addresses that deliver to different people.
func Email(s string) string {
	s = cleanEmail(s)
	if !plausibleEmail(s) || isPlaceholderEmail(s) {
		return ""
	}
	return s
}

// cleanEmail strips the decoration people paste along with an address.
// Lower-casing the local part is not strictly RFC 5321, but no provider a
// shop's customers use treats case as significant, and staff type addresses
// in any case.
func cleanEmail(s string) string {
	s = strings.ToLower(norm.NFC.String(strings.TrimSpace(s)))
	if rest, ok := strings.CutPrefix(s, "mailto:"); ok {
		s, _, _ = strings.Cut(rest, "?") // drop ?subject=... from a link
		s = strings.TrimSpace(s)
	}
	if strings.HasPrefix(s, "<") && strings.HasSuffix(s, ">") {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}

// plausibleEmail reports whether s looks like one address: one "@", a
// non-empty local part, a dotted domain with no empty label, and none of the
// characters that signal a list or a display name ("a@x.com; b@y.com",
// "Ann <a@x.com>"). Quoted local parts and IP literals are rejected; they do
// not occur in customer data and would only complicate equality.
func plausibleEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || len(local) > 64 || !strings.Contains(domain, ".") {
		return false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune(`"(),:;<>[\]`, r) || r == unicode.ReplacementChar {
			return false
		}
	}
	if strings.Contains(domain, "@") {
		return false
	}
	for label := range strings.SplitSeq(domain, ".") {
		if label == "" {
			return false
		}
	}
	return true
}

// Placeholders that shops type when a customer has no email, or that test
// data leaves behind. Each would give many unrelated customers the same
// key, and the email tier would then propose them as duplicates or link a
// customer to a stranger. The list is short on purpose: every entry is a
// value no real customer uses.
var (
	// placeholderLocals are local parts meaning "no address", whatever
	// the domain ("noemail@shop.co.nz").
	placeholderLocals = map[string]bool{
		"noemail": true, "no-email": true, "no_email": true, "nomail": true,
		"none": true, "na": true, "n/a": true, "unknown": true,
		"noreply": true, "no-reply": true, "donotreply": true,
	}
	// placeholderAddresses are whole addresses that are real domains but
	// are used as filler.
	placeholderAddresses = map[string]bool{
		"no@email.com": true, "test@test.com": true, "email@email.com": true,
	}
	// placeholderDomains are reserved for examples and tests (RFC 2606);
	// they never deliver.
	placeholderDomains = map[string]bool{
		"example.com": true, "example.org": true, "example.net": true,
	}
	placeholderTLDs = map[string]bool{"example": true, "invalid": true, "test": true, "localhost": true}
)

// isPlaceholderEmail reports whether the cleaned value s is a placeholder.
// Values that are not address-shaped ("none", "-", "n/a") never reach it
// from Email: they fail plausibleEmail first.
func isPlaceholderEmail(s string) bool {
	if placeholderAddresses[s] {
		return true
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok {
		return false
	}
	if placeholderLocals[local] || placeholderDomains[domain] {
		return true
	}
	tld := domain[strings.LastIndexByte(domain, '.')+1:]
	return placeholderTLDs[tld]
}

// emailValue is the form compared for conflicts. A valid address compares
// as Email; a placeholder or a value with no "@" is the same as no address;
// an invalid address-like value ("ann@shop") keeps its cleaned text, so two
// different invalid addresses still show as a conflict rather than both
// vanishing to "".
func emailValue(s string) string {
	if e := Email(s); e != "" {
		return e
	}
	s = cleanEmail(s)
	if !strings.Contains(s, "@") || isPlaceholderEmail(s) {
		return ""
	}
	return s
}
