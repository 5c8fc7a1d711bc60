package sqltable

import (
	"errors"
	"strings"
	"testing"

	"github.com/accordhq/accord/engine"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	good := func() Config {
		return Config{
			DSN: "sqlite:shop.db", Table: "customers", ID: "id", UpdatedAt: "updated_at",
			UpstreamID: "lightspeed_id",
			Fields:     map[string]string{engine.FieldEmail: "email", engine.FieldCity: "city"},
		}
	}
	tests := []struct {
		name   string
		change func(*Config)
		want   []string // substrings of the error; none means valid
	}{
		{"valid", func(*Config) {}, nil},
		{"valid postgres", func(c *Config) { c.DSN = "postgres://u:secret@db/shop" }, nil},
		{"table required", func(c *Config) { c.Table = "" }, []string{"local.table: required"}},
		{"id required", func(c *Config) { c.ID = " " }, []string{"local.id: required"}},
		{"updated_at required", func(c *Config) { c.UpdatedAt = "" }, []string{"local.updated_at: required"}},
		{"unknown field", func(c *Config) { c.Fields["emial"] = "x" }, []string{"local.fields.emial: unknown canonical field"}},
		{"external_ref is not a data field", func(c *Config) { c.Fields[engine.FieldExternalRef] = "x" },
			[]string{"local.fields.external_ref: unknown canonical field"}},
		{"empty column", func(c *Config) { c.Fields[engine.FieldPhone] = "" }, []string{"local.fields.phone: column required"}},
		{"column mapped twice", func(c *Config) { c.Fields[engine.FieldCompany] = "email" },
			[]string{`local.fields.email: column "email" is already mapped by local.fields.company`}},
		{"field on the id column", func(c *Config) { c.Fields[engine.FieldAccountCode] = "id" },
			[]string{`local.fields.account_code: column "id" is already mapped by local.id`}},
		{"upstream on updated_at", func(c *Config) { c.UpstreamID = "updated_at" },
			[]string{`local.upstream_id: column "updated_at" is already mapped by local.updated_at`}},
		{"no fields", func(c *Config) { c.Fields = nil }, []string{"local.fields: required"}},
		{"dsn required", func(c *Config) { c.DSN = "" }, []string{"local.dsn: required"}},
		{"dsn form", func(c *Config) { c.DSN = "mysql://u:secret@db/shop" }, []string{`local.dsn: want "sqlite:PATH" or "postgres://..."`}},
		{"sqlite path", func(c *Config) { c.DSN = "sqlite:" }, []string{"local.dsn:"}},
		{"negative page size", func(c *Config) { c.PageSize = -1 }, []string{"local.page_size:"}},
		{"every problem at once", func(c *Config) { c.Table, c.Fields["emial"] = "", "x" },
			[]string{"local.table: required", "local.fields.emial: unknown canonical field"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := good()
			tt.change(&cfg)
			err := cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate: no error, want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q leaks the DSN", err)
			}
			var ce *ConfigError
			if !errors.As(err, &ce) || !errors.Is(err, engine.ErrInvalid) {
				t.Errorf("error %v is not a *ConfigError matching engine.ErrInvalid", err)
			}
		})
	}
}
