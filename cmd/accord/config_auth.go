package main

import (
	"cmp"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
)

// Upstream authentication methods (upstream.auth).
const (
	authToken = "token" // a personal access token in upstream.token (the default)
	authOAuth = "oauth" // a connection made with accord connect or the dashboard's Connect button
)

// WebhookConfig is a pair's webhook subscription at its provider.
type WebhookConfig struct {
	// SignatureKey verifies deliveries: Square's subscription signature
	// key; for X-Series the signing key, by default the app's
	// client_secret (the vendor does not document which key it uses).
	SignatureKey string `yaml:"signature_key"`
	// URL is the notification URL the subscription was registered with,
	// which Square's signature covers. Default public_url +
	// /webhooks/{type}.
	URL string `yaml:"url"`
	// AllowUnsigned accepts X-Series deliveries without a signature (stores
	// on a personal token get unsigned ones). Such a delivery can only
	// schedule a run, which reads the provider itself.
	AllowUnsigned bool `yaml:"allow_unsigned"`
}

// validateAuth checks a pair's upstream authentication and webhook keys.
func validateAuth(at string, u UpstreamConfig) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch u.Auth {
	case "", authToken:
		if u.Token == "" {
			bad("%s.upstream.token: required (a personal token), or set auth: oauth and connect with accord connect", at)
		}
	case authOAuth:
		if u.Token != "" {
			bad("%s.upstream.token: must be empty with auth: oauth (the tokens are kept in the store)", at)
		}
		if u.ClientID == "" {
			bad("%s.upstream.client_id: required with auth: oauth", at)
		}
		if u.ClientSecret == "" {
			bad("%s.upstream.client_secret: required with auth: oauth (write it as ${VAR})", at)
		}
		if u.Type == "lightspeed" && u.TokenURL == "" && domainPrefixOf(u.BaseURL) == "" {
			bad("%s.upstream.base_url: must be https://<domain_prefix>.retail.lightspeed.app to connect with OAuth", at)
		}
	default:
		bad("%s.upstream.auth: %q is not token or oauth", at, u.Auth)
	}
	for _, f := range []struct{ key, v string }{{"auth_url", u.AuthURL},
		{"token_url", u.TokenURL}, {"webhook.url", u.Webhook.URL}} {
		if f.v == "" {
			continue
		}
		if v, err := url.Parse(strings.ReplaceAll(f.v, "{domain_prefix}", "x")); err != nil || !v.IsAbs() {
			bad("%s.upstream.%s: %q is not an absolute URL", at, f.key, f.v)
		}
	}
	if u.Webhook.AllowUnsigned && u.Type != "lightspeed" {
		bad("%s.upstream.webhook.allow_unsigned: only X-Series sends unsigned webhooks", at)
	}
	return errs
}

// domainPrefixOf returns the store of an X-Series base URL
// (https://<prefix>.retail.lightspeed.app), or "".
func domainPrefixOf(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil {
		return ""
	}
	prefix, ok := strings.CutSuffix(strings.ToLower(u.Hostname()), ".retail.lightspeed.app")
	if !ok || strings.Contains(prefix, ".") {
		return ""
	}
	return prefix
}

// publicURL is where browsers and providers reach this accord: the
// configured public_url, else the listen address over http.
func (c Config) publicURL() string {
	return strings.TrimRight(cmp.Or(c.PublicURL, "http://"+c.Listen), "/")
}

// redirectURL is the OAuth callback to register with each provider's app.
func (c Config) redirectURL() string { return c.publicURL() + "/oauth/callback" }

// webhookURL is the notification URL of a pair's webhook subscription.
func (c Config) webhookURL(p PairConfig) string {
	return cmp.Or(p.Upstream.Webhook.URL, c.publicURL()+"/webhooks/"+p.Upstream.Type)
}

// keyPath is the key file used when ACCORD_SECRET_KEY is not set: the
// configured secret_key_file, else accord.key next to an SQLite store, else
// in the working directory.
func (c Config) keyPath() string {
	if c.SecretKeyFile != "" {
		return c.SecretKeyFile
	}
	if path, ok := strings.CutPrefix(c.Database, "sqlite:"); ok {
		path, _, _ = strings.Cut(path, "?")
		return filepath.Join(filepath.Dir(path), "accord.key")
	}
	return "accord.key"
}
