package main

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNotifyConfig(t *testing.T) {
	t.Parallel()
	yaml := sampleConfig + `    retry: {max_attempts: 3, max_age: 24h}
notify:
  email: {smtp_host: smtp.example, from: accord@shop.example, to: [a@shop.example], tls: tls}
  webhook: {url: "https://hooks.example/accord", secret: "${HOOK_SECRET}"}
`
	cfg, err := parseConfig([]byte(yaml), "accord.yaml", env(map[string]string{
		"LIGHTSPEED_TOKEN": "t", "HOOK_SECRET": "0123456789abcdef",
		"ACCORD_NOTIFY_EMAIL_TO":       "ops@shop.example, owner@shop.example",
		"ACCORD_NOTIFY_EMAIL_PASSWORD": "pw", "ACCORD_NOTIFY_EMAIL_USERNAME": "accord",
	}))
	if err != nil {
		t.Fatal(err)
	}
	e := cfg.Notify.Email
	if len(e.To) != 2 || e.To[1] != "owner@shop.example" || e.Password != "pw" {
		t.Errorf("email = %+v, want the overrides applied", e)
	}
	if s, errs := cfg.Notify.senders(); len(errs) != 0 || len(s) != 2 {
		t.Errorf("senders = %v, %v; want email and webhook", s, errs)
	}
	if p := cfg.Pairs[0].Retry.policy(); p.MaxAttempts != 3 || p.MaxAge != 24*time.Hour {
		t.Errorf("retry policy = %+v", p)
	}
	if cfg.Notify.interval() != time.Minute {
		t.Errorf("default interval = %v", cfg.Notify.interval())
	}
}

func TestNotifyConfigErrorsNameTheField(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ yaml, want string }{
		{"notify: {email: {from: a@b.example, to: [c@d.example]}}\n", "notify.email.smtp_host"},
		{"notify: {email: {smtp_host: h, from: a@b.example, to: [c@d.example], tls: ssl}}\n", "notify.email.tls"},
		{"notify: {email: {smtp_host: h, from: a@b.example}}\n", "notify.email.to"},
		{"notify: {webhook: {url: 'https://x.example', secret: short}}\n", "notify.webhook.secret"},
		{"notify: {webhook: {url: 'not a url', secret: 0123456789abcdef}}\n", "notify.webhook.url"},
		{"notify: {interval: soon}\n", "notify.interval"},
		{"    retry: {max_attempts: 0}\n", "pairs.main.retry.max_attempts"},
		{"    retry: {max_age: forever}\n", "pairs.main.retry.max_age"},
	} {
		_, err := parseConfig([]byte(sampleConfig+tc.yaml), "accord.yaml", env(map[string]string{"LIGHTSPEED_TOKEN": "t"}))
		var ce *configError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want a config error naming %s", tc.yaml, err, tc.want)
		}
	}
}
