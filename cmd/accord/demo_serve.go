package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/web"
)

// demoEmail is the login `accord demo` creates; its password is generated
// afresh for each demo and printed.
const demoEmail = "demo@accord.test"

// demoServe is what the demo serves after its first run.
type demoServe struct {
	cfg     Config
	db      *store.DB
	rt      *pairRuntime
	opts    pairOptions
	addr    string
	simURL  string
	shop    string
	cfgPath string
	log     *slog.Logger
}

// serveDemo creates the demo login and serves the dashboard over the demo's
// store until ctx ends. The URL and the login are printed on lines of
// their own ("Dashboard: URL", "Login: EMAIL (password: PASSWORD)") so a
// script or a test can read them.
func (a *app) serveDemo(ctx context.Context, d demoServe) error {
	password := web.GeneratePassword()
	hash, err := web.HashPassword(password)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if _, err := d.db.CreateUser(ctx, demoEmail, hash); err != nil {
		return fmt.Errorf("demo: create the demo login: %w", err)
	}
	return a.serveDashboard(ctx, d.cfg, d.db, []*pairRuntime{d.rt}, d.opts, d.addr, d.log, func(url string) {
		fmt.Fprintf(a.stdout, "\nDashboard: %s\n", url)
		fmt.Fprintf(a.stdout, "Login:     %s (password: %s)\n", demoEmail, password)
		fmt.Fprintf(a.stdout, "\nThe X-Series simulator keeps running at %s (token %s). Change customers there or in\n%s, then press Run now in the dashboard or run:\n  accord run --config %s\nPress Ctrl-C to stop.\n",
			d.simURL, demoToken, d.shop, d.cfgPath)
	})
}
