package main

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
	_ "time/tzdata" // time zones for `timezone:` on hosts without a zoneinfo database

	"github.com/accordhq/accord/web"
)

// validate checks the dashboard settings and the time zone.
func (d DashboardConfig) validate(timezone string) []error {
	var errs []error
	if timezone != "" {
		if _, err := time.LoadLocation(timezone); err != nil {
			errs = append(errs, fmt.Errorf("timezone: %q is not an IANA time zone such as Pacific/Auckland", timezone))
		}
	}
	switch web.CookieMode(d.SecureCookies) {
	case "", web.CookieAuto, web.CookieAlways, web.CookieNever:
	default:
		errs = append(errs, fmt.Errorf("dashboard.secure_cookies: %q is not auto, always or never", d.SecureCookies))
	}
	if _, err := d.proxies(); err != nil {
		errs = append(errs, err)
	}
	if d.SessionTTL != "" {
		if v, err := time.ParseDuration(d.SessionTTL); err != nil || v < time.Minute {
			errs = append(errs, fmt.Errorf("dashboard.session_ttl: %q is not a duration of a minute or more, such as 168h", d.SessionTTL))
		}
	}
	return errs
}

// proxies parses trusted_proxies: addresses or CIDRs, comma-separated.
func (d DashboardConfig) proxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range strings.Split(d.TrustedProxies, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("dashboard.trusted_proxies: %q is not an address or CIDR", s)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// location is the dashboard's time zone.
func (c Config) location() *time.Location {
	if c.Timezone == "" {
		return time.Local
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return time.Local // validated at load
	}
	return loc
}

// sessionTTL is the dashboard's idle session lifetime.
func (d DashboardConfig) sessionTTL() time.Duration {
	v, err := time.ParseDuration(d.SessionTTL)
	if err != nil {
		return 0 // web's default
	}
	return v
}
