package main

import (
	"errors"
	"strings"
	"testing"
)

const sampleConfig = `
database: sqlite:accord.db
pairs:
  - name: main
    local:
      dsn: sqlite:shop.db
      table: customers
      upstream_id: lightspeed_id
      fields: {email: email, first_name: first_name, last_name: last_name, phone: phone, account_code: account_no}
    upstream:
      type: lightspeed
      base_url: https://example.retail.lightspeed.app
      token: ${LIGHTSPEED_TOKEN}
    guard: {max_creates: 100, max_percent: 10}
`

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseConfig(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig([]byte(sampleConfig), "accord.yaml", env(map[string]string{"LIGHTSPEED_TOKEN": "tok"}))
	if err != nil {
		t.Fatal(err)
	}
	p := cfg.Pairs[0]
	if p.Upstream.Token != "tok" || p.Local.ID != "id" ||
		!*p.CreateUpstream || !*p.CreateLocal || *p.Guard.MaxCreates != 100 || cfg.Region != "NZ" {
		t.Errorf("parsed pair = %+v", p)
	}
}

func TestConfigEnvOverrides(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig([]byte(sampleConfig), "accord.yaml", env(map[string]string{
		"LIGHTSPEED_TOKEN":                    "tok",
		"ACCORD_DATABASE":                     "postgres://db/accord",
		"ACCORD_PAIRS_MAIN_UPSTREAM_TOKEN":    "other",
		"ACCORD_PAIRS_MAIN_GUARD_MAX_CREATES": "7",
		"ACCORD_PAIRS_MAIN_CREATE_LOCAL":      "false",
	}))
	if err != nil {
		t.Fatal(err)
	}
	p := cfg.Pairs[0]
	if cfg.Database != "postgres://db/accord" || p.Upstream.Token != "other" || *p.Guard.MaxCreates != 7 || *p.CreateLocal {
		t.Errorf("overrides not applied: %+v %+v", cfg, p)
	}
}

func TestConfigErrorsNameTheField(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, yaml string
		env        map[string]string
		want       string
	}{
		{"missing env", sampleConfig, nil, "environment variable LIGHTSPEED_TOKEN is not set"},
		{"unknown key", sampleConfig + "    colour: blue\n", map[string]string{"LIGHTSPEED_TOKEN": "t"}, "colour"},
		{"bad field", strings.Replace(sampleConfig, "phone: phone", "fone: phone", 1), map[string]string{"LIGHTSPEED_TOKEN": "t"}, "pairs.main.local.fields.fone"},
		{"bad type", strings.Replace(sampleConfig, "type: lightspeed", "type: vend", 1), map[string]string{"LIGHTSPEED_TOKEN": "t"}, "pairs.main.upstream.type"},
		{"bad overlap", strings.Replace(sampleConfig, "type: lightspeed", "type: square\n      overlap: soon", 1), map[string]string{"LIGHTSPEED_TOKEN": "t"}, "pairs.main.upstream.overlap"},
		{"create_local without column", strings.Replace(sampleConfig, "upstream_id: lightspeed_id", "overlap: 1m", 1) + "    create_local: true\n", map[string]string{"LIGHTSPEED_TOKEN": "t"}, "pairs.main.create_local"},
		{"bad database", strings.Replace(sampleConfig, "sqlite:accord.db", "mysql://x", 1), map[string]string{"LIGHTSPEED_TOKEN": "t"}, "database"},
		{"bad env value", sampleConfig, map[string]string{"LIGHTSPEED_TOKEN": "t", "ACCORD_PAIRS_MAIN_GUARD_MAX_CREATES": "many"}, "ACCORD_PAIRS_MAIN_GUARD_MAX_CREATES"},
		{"no pairs", "database: sqlite:x.db\n", nil, "pairs: at least one pair"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseConfig([]byte(tc.yaml), "accord.yaml", env(tc.env))
			var ce *configError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a config error containing %q", err, tc.want)
			}
		})
	}
}
