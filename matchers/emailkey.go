package matchers

import "strings"

// EmailKey returns the provider-aware form of an email address for fuzzy
// matching and blocking: Email's form, then, only at providers known to
// ignore them, without dots in the local part (Gmail) and without a
// "+tag" (providers that deliver "ann+shop@" to "ann@"). googlemail.com
// becomes gmail.com. Other addresses are returned as Email returns them,
// because elsewhere "a.b@" and "ab@" may be two people. It returns "" when
// Email does.
//
// The key is never used to link automatically: the deterministic email tier
// compares Email, and a match on EmailKey alone is only a suggestion.
func EmailKey(s string) string {
	e := Email(s)
	if e == "" {
		return ""
	}
	local, domain, _ := strings.Cut(e, "@")
	if alias, ok := domainAliases[domain]; ok {
		domain = alias
	}
	rule := providerRules[domain]
	if rule.plus {
		if i := strings.IndexByte(local, '+'); i > 0 {
			local = local[:i]
		}
	}
	if rule.dots {
		local = strings.ReplaceAll(local, ".", "")
	}
	if local == "" {
		return e
	}
	return local + "@" + domain
}

// providerRule says which local-part variations a provider delivers to
// the same mailbox.
type providerRule struct {
	plus bool // "ann+tag" is "ann"
	dots bool // "a.nn" is "ann"
}

var (
	// domainAliases are domains that are one mailbox namespace.
	domainAliases = map[string]string{"googlemail.com": "gmail.com"}
	// providerRules lists providers whose documented behaviour is known.
	// Gmail ignores dots and tags; Microsoft, Apple, Fastmail, Proton,
	// Yandex and Zoho support "+" sub-addressing but treat dots as part
	// of the name.
	providerRules = map[string]providerRule{
		"gmail.com":      {plus: true, dots: true},
		"outlook.com":    {plus: true},
		"hotmail.com":    {plus: true},
		"live.com":       {plus: true},
		"msn.com":        {plus: true},
		"icloud.com":     {plus: true},
		"me.com":         {plus: true},
		"mac.com":        {plus: true},
		"fastmail.com":   {plus: true},
		"fastmail.fm":    {plus: true},
		"protonmail.com": {plus: true},
		"protonmail.ch":  {plus: true},
		"proton.me":      {plus: true},
		"pm.me":          {plus: true},
		"yandex.com":     {plus: true},
		"yandex.ru":      {plus: true},
		"zoho.com":       {plus: true},
	}
)

// emailParts splits an email key into its local part and domain.
func emailParts(key string) (local, domain string) {
	local, domain, _ = strings.Cut(key, "@")
	return local, domain
}
