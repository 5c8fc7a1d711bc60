package matchers

import "strings"

// BlockingKeys returns the blocking keys of a profile: only profiles that
// share at least one key are ever compared. Each key is prefixed with its
// rule's name ("email:ann@x.co"), so that keys of different rules never
// collide and the store can keep them in one indexed column. The keys are
// strict (each alone is a strong hint); recall comes from their union,
// which is the advice of Splink's documentation (matching.md §3.2).
//
// Rules:
//
//	phone     a number (E.164, or digits when it does not parse)
//	phone7    a number's last seven digits (area code left out or changed)
//	email     the provider-aware email key
//	mailbox   the email's local part (the domain mistyped or changed)
//	name      folded first and last name (also crossed over)
//	sn_pc     surname sound (Double Metaphone) and postcode
//	sn_city   surname sound and city
//	fn_pc     given-name sound and postcode
//	fn_city   given-name sound and city
//	fn_yob    given-name sound and year of birth
//	sn_yob    surname sound and year of birth
//	dob_fi    date of birth and first initial
//	dob_sn    date of birth and surname sound
//	dob       date of birth alone
//	acct      account code
//	co        company (or business name)
//	addr      address words, postcode-free: number and first street word
//	phon      given-name and surname sounds
//
// The result has no duplicates; its order is fixed.
func BlockingKeys(p *Profile) []string {
	keys := make([]string, 0, 16)
	add := func(rule string, parts ...string) {
		for _, s := range parts {
			if s == "" {
				return
			}
		}
		k := rule + ":" + strings.Join(parts, "|")
		if !contains(keys, k) {
			keys = append(keys, k)
		}
	}
	for _, ph := range p.Phones {
		add("phone", ph)
		add("phone7", last7(ph))
	}
	add("email", p.EmailKey)
	if len(p.EmailLocal) >= 3 {
		add("mailbox", p.EmailLocal)
	}
	if p.First != "" && p.Last != "" {
		if p.First <= p.Last {
			add("name", p.First, p.Last)
		} else {
			add("name", p.Last, p.First)
		}
	}
	for _, code := range codes(p.LastMeta) {
		add("sn_pc", code, p.Postcode)
		add("sn_city", code, p.City)
		add("dob_sn", p.Birth, code)
	}
	year := ""
	if p.Birth != "" {
		year = p.Birth[:4]
	}
	for _, code := range codes(p.FirstMeta) {
		add("fn_pc", code, p.Postcode)
		add("fn_city", code, p.City)
		add("fn_yob", code, year)
	}
	for _, code := range codes(p.LastMeta) {
		add("sn_yob", code, year)
	}
	if p.Birth != "" {
		add("dob", p.Birth)
		for _, n := range []string{p.First, p.Last} {
			if n != "" {
				add("dob_fi", p.Birth, n[:1])
			}
		}
	}
	add("acct", p.Account)
	add("co", p.Company)
	if len(p.AddressTokens) >= 2 {
		add("addr", p.AddressTokens[0], p.AddressTokens[1])
	}
	if p.FirstMeta[0] != "" && p.LastMeta[0] != "" {
		a, b := p.FirstMeta[0], p.LastMeta[0]
		if a > b {
			a, b = b, a // crossed-over names share the key
		}
		add("phon", a, b)
	}
	return keys
}

// codes returns the distinct non-empty Double Metaphone codes.
func codes(c [2]string) []string {
	switch {
	case c[0] == "":
		return nil
	case c[1] == "" || c[1] == c[0]:
		return c[:1]
	}
	return c[:]
}
