package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/accordhq/accord/engine"
)

// Config is accord.yaml (DESIGN.md §6). Every value can be overridden by an
// ACCORD_* environment variable (see applyEnv).
type Config struct {
	Database string `yaml:"database"`
	Listen   string `yaml:"listen"`
	Region   string `yaml:"region"` // default phone region, ISO 3166 (e.g. NZ)
	// Timezone is the IANA zone the dashboard shows times in (e.g.
	// Pacific/Auckland); default the server's local zone.
	Timezone  string          `yaml:"timezone"`
	Dashboard DashboardConfig `yaml:"dashboard"`
	Pairs     []PairConfig    `yaml:"pairs"`
	// Notify says where people are told that a pair needs them.
	Notify NotifyConfig `yaml:"notify"`
	// PublicURL is where browsers and providers reach this accord (the
	// OAuth callback and webhooks are under it); default http://<listen>.
	PublicURL string `yaml:"public_url"`
	// SecretKeyFile holds the key that seals OAuth tokens when
	// ACCORD_SECRET_KEY is not set; default accord.key next to the store.
	SecretKeyFile string `yaml:"secret_key_file"`

	getenv func(string) string // the environment the configuration was read with
}

// DashboardConfig tunes the dashboard's sessions (see cmd_serve.go).
type DashboardConfig struct {
	// SecureCookies is auto (Secure over TLS or behind a trusted https
	// proxy), always or never.
	SecureCookies string `yaml:"secure_cookies"`
	// TrustedProxies is a comma-separated list of addresses or CIDRs whose
	// X-Forwarded-For and X-Forwarded-Proto are believed.
	TrustedProxies string `yaml:"trusted_proxies"`
	// SessionTTL is how long an idle sign-in lasts (a Go duration, default
	// 168h).
	SessionTTL string `yaml:"session_ttl"`
}

// PairConfig is one pair: a local source, an upstream connection and policy.
type PairConfig struct {
	Name           string         `yaml:"name"`
	Local          LocalConfig    `yaml:"local"`
	Upstream       UpstreamConfig `yaml:"upstream"`
	Schedule       string         `yaml:"schedule"`
	CreateUpstream *bool          `yaml:"create_upstream"`
	CreateLocal    *bool          `yaml:"create_local"`
	Guard          GuardConfig    `yaml:"guard"`
	Budget         BudgetConfig   `yaml:"budget"`
	Sweep          SweepConfig    `yaml:"sweep"`
	Fuzzy          FuzzyConfig    `yaml:"fuzzy"`
	Retry          RetryConfig    `yaml:"retry"`
}

// FuzzyConfig is fuzzy matching: near matches and near duplicates that
// share no exact key are suggested for review, never linked.
type FuzzyConfig struct {
	Enabled *bool `yaml:"enabled"` // default true
	// Suggest is the match probability, above 0 and below 1, at or above
	// which a pair is suggested. Default 0.5.
	Suggest *float64 `yaml:"suggest"`
}

// SweepConfig is the ghost sweep: each run re-reads up to Size linked
// upstream records not seen for Age, to catch what the change feed missed.
type SweepConfig struct {
	Size *int   `yaml:"size"` // default 25; 0 turns the sweep off
	Age  string `yaml:"age"`  // a Go duration, default 168h
}

// LocalConfig maps the merchant's customers table.
type LocalConfig struct {
	Type       string            `yaml:"type"`
	DSN        string            `yaml:"dsn"`
	Table      string            `yaml:"table"`
	ID         string            `yaml:"id"`
	UpdatedAt  string            `yaml:"updated_at"`
	UpstreamID string            `yaml:"upstream_id"`
	Fields     map[string]string `yaml:"fields"`
	Overlap    string            `yaml:"overlap"` // a Go duration, default 2m
}

// UpstreamConfig is the point-of-sale connection.
type UpstreamConfig struct {
	Type             string `yaml:"type"`
	BaseURL          string `yaml:"base_url"`
	Token            string `yaml:"token"`
	ExternalRefField string `yaml:"external_ref_field"`
	PageSize         int    `yaml:"page_size"`
	// Timeout bounds one API request (a Go duration, default 30s).
	Timeout string `yaml:"timeout"`
	// Overlap is how far a Square pull re-reads behind its cursor, to cover
	// Square's propagation delay (a Go duration, default 2m).
	Overlap string `yaml:"overlap"`
	// AccountCodeField names the Square field that holds the account code
	// ("" or "nickname"); X-Series always uses customer_code.
	AccountCodeField string `yaml:"account_code_field"`
	// SquareVersion pins the Square-Version header (default 2025-08-20).
	SquareVersion string `yaml:"square_version"`
	// SettleDelay is how long after a creation with an unknown outcome the
	// change feed must be read before the creation counts as not applied
	// (a Go duration, default 5s).
	SettleDelay string `yaml:"settle_delay"`
	// Auth is token (default: Token is a personal token) or oauth: the
	// pair is connected with accord connect or the dashboard's Connect
	// button, and its tokens are kept encrypted in the store (config_auth.go).
	Auth         string `yaml:"auth"`
	ClientID     string `yaml:"client_id"`
	ClientSecret string `yaml:"client_secret"` // write it as ${VAR}
	// AuthURL and TokenURL override X-Series' OAuth endpoints (a simulator);
	// TokenURL may contain {domain_prefix}.
	AuthURL  string        `yaml:"auth_url"`
	TokenURL string        `yaml:"token_url"`
	Webhook  WebhookConfig `yaml:"webhook"`
}

// GuardConfig bounds what a run writes before a person approves it.
type GuardConfig struct {
	MaxCreates *int     `yaml:"max_creates"`
	MaxPercent *float64 `yaml:"max_percent"`
}

// BudgetConfig is the API budget of the upstream connection.
type BudgetConfig struct {
	CallsPerDay   int `yaml:"calls_per_day"`
	CallsPerMonth int `yaml:"calls_per_month"`
}

// configError is bad configuration: exit code 2, message naming the field.
type configError struct{ err error }

func (e *configError) Error() string { return e.err.Error() }
func (e *configError) Unwrap() error { return e.err }

func configErrorf(format string, args ...any) error {
	return &configError{fmt.Errorf(format, args...)}
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// loadConfig reads path, expands ${VAR} references, applies ACCORD_*
// overrides and validates the result.
func loadConfig(path string, getenv func(string) string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, configErrorf("config: %w", err)
	}
	return parseConfig(data, path, getenv)
}

func parseConfig(data []byte, path string, getenv func(string) string) (Config, error) {
	var missing []string
	for i, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, m := range envRef.FindAllStringSubmatch(line, -1) {
			if getenv(m[1]) == "" {
				missing = append(missing, fmt.Sprintf("%s:%d: environment variable %s is not set", path, i+1, m[1]))
			}
		}
	}
	if len(missing) > 0 {
		return Config{}, configErrorf("config: %s", strings.Join(missing, "; "))
	}
	expanded := envRef.ReplaceAllStringFunc(string(data), func(s string) string {
		return getenv(envRef.FindStringSubmatch(s)[1])
	})
	var cfg Config
	dec := yaml.NewDecoder(strings.NewReader(expanded))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, configErrorf("config: %s: %w", path, err)
	}
	if err := applyEnv(&cfg, getenv); err != nil {
		return Config{}, err
	}
	cfg.defaults()
	if err := cfg.validate(); err != nil {
		return Config{}, err
	}
	cfg.getenv = getenv
	return cfg, nil
}

func (c *Config) defaults() {
	if c.Database == "" {
		c.Database = "sqlite:accord.db"
	}
	if c.Listen == "" {
		c.Listen = "127.0.0.1:8080"
	}
	if c.Region == "" {
		c.Region = "NZ"
	}
	for i := range c.Pairs {
		p := &c.Pairs[i]
		if p.Local.Type == "" {
			p.Local.Type = "sqltable"
		}
		if p.Local.ID == "" {
			p.Local.ID = "id"
		}
		if p.Local.UpdatedAt == "" {
			p.Local.UpdatedAt = "updated_at"
		}
		if p.Schedule == "" {
			p.Schedule = "@hourly"
		}
		if p.CreateUpstream == nil {
			p.CreateUpstream = ptr(true)
		}
		if p.CreateLocal == nil {
			p.CreateLocal = ptr(p.Local.UpstreamID != "")
		}
		if p.Sweep.Size == nil {
			p.Sweep.Size = ptr(25)
		}
		if p.Sweep.Age == "" {
			p.Sweep.Age = "168h"
		}
		if p.Fuzzy.Enabled == nil {
			p.Fuzzy.Enabled = ptr(true)
		}
		if p.Fuzzy.Suggest == nil {
			p.Fuzzy.Suggest = ptr(0.5)
		}
		if p.Guard.MaxCreates == nil {
			p.Guard.MaxCreates = ptr(500)
		}
		if p.Guard.MaxPercent == nil {
			p.Guard.MaxPercent = ptr(20.0)
		}
	}
}

func ptr[T any](v T) *T { return &v }

var pairName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

func (c Config) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !strings.HasPrefix(c.Database, "sqlite:") && !strings.HasPrefix(c.Database, "postgres://") && !strings.HasPrefix(c.Database, "postgresql://") {
		bad("database: %q is not sqlite:PATH or postgres://...", c.Database)
	}
	if len(c.Pairs) == 0 {
		bad("pairs: at least one pair is required")
	}
	errs = append(errs, c.Dashboard.validate(c.Timezone)...)
	errs = append(errs, c.Notify.validate()...)
	seen := map[string]bool{}
	for i, p := range c.Pairs {
		at := fmt.Sprintf("pairs[%d]", i)
		if p.Name != "" {
			at = fmt.Sprintf("pairs.%s", p.Name)
		}
		switch {
		case !pairName.MatchString(p.Name):
			bad("%s.name: %q must be lower-case letters, digits, - or _", at, p.Name)
		case seen[p.Name]:
			bad("%s.name: duplicate pair name", at)
		}
		seen[p.Name] = true
		if p.Local.Type != "sqltable" {
			bad("%s.local.type: %q is not supported (use sqltable)", at, p.Local.Type)
		}
		for _, f := range []struct{ key, v string }{{"dsn", p.Local.DSN}, {"table", p.Local.Table}} {
			if f.v == "" {
				bad("%s.local.%s: required", at, f.key)
			}
		}
		if len(p.Local.Fields) == 0 {
			bad("%s.local.fields: map at least one canonical field to a column", at)
		}
		for f := range p.Local.Fields {
			if !engine.IsDataField(f) {
				bad("%s.local.fields.%s: unknown canonical field (known: %s)", at, f, strings.Join(engine.DataFields, ", "))
			}
		}
		if p.Local.Overlap != "" {
			if _, err := time.ParseDuration(p.Local.Overlap); err != nil {
				bad("%s.local.overlap: %v", at, err)
			}
		}
		if *p.CreateLocal && p.Local.UpstreamID == "" {
			// Without the column, an insert whose outcome was lost in a crash
			// cannot be recognised, and retrying it could duplicate the row.
			bad("%s.create_local: needs local.upstream_id, the column where accord records the upstream id of rows it inserts", at)
		}
		if _, ok := upstreams[p.Upstream.Type]; !ok {
			bad("%s.upstream.type: %q is not supported (use lightspeed or square)", at, p.Upstream.Type)
		}
		for _, d := range []struct{ key, v string }{{"timeout", p.Upstream.Timeout},
			{"settle_delay", p.Upstream.SettleDelay}, {"overlap", p.Upstream.Overlap}} {
			if d.v == "" {
				continue
			}
			if v, err := time.ParseDuration(d.v); err != nil || v <= 0 {
				bad("%s.upstream.%s: %q is not a positive duration such as 30s", at, d.key, d.v)
			}
		}
		if p.Upstream.BaseURL == "" && p.Upstream.Type == "lightspeed" {
			bad("%s.upstream.base_url: required (https://<store>.retail.lightspeed.app)", at)
		}
		errs = append(errs, validateAuth(at, p.Upstream)...)
		if *p.Guard.MaxCreates < 0 || *p.Guard.MaxPercent < 0 || *p.Guard.MaxPercent > 100 {
			bad("%s.guard: max_creates must be >= 0 and max_percent within 0..100", at)
		}
		if *p.Sweep.Size < 0 {
			bad("%s.sweep.size: must be >= 0", at)
		}
		if d, err := time.ParseDuration(p.Sweep.Age); err != nil || d <= 0 {
			bad("%s.sweep.age: %q is not a positive duration such as 168h", at, p.Sweep.Age)
		}
		if s := *p.Fuzzy.Suggest; !(s > 0 && s < 1) {
			bad("%s.fuzzy.suggest: %v is not a probability above 0 and below 1, such as 0.5", at, s)
		}
		errs = append(errs, p.Retry.validate(at)...)
		if p.Budget.CallsPerDay < 0 || p.Budget.CallsPerMonth < 0 {
			bad("%s.budget: calls must be >= 0", at)
		}
	}
	if len(errs) > 0 {
		return &configError{fmt.Errorf("config: %w", errors.Join(errs...))}
	}
	return nil
}

// pair returns the named pair's configuration.
func (c Config) pair(name string) (PairConfig, bool) {
	for _, p := range c.Pairs {
		if p.Name == name {
			return p, true
		}
	}
	return PairConfig{}, false
}
