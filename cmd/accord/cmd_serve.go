package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"github.com/accordhq/accord/matchers"
	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/web"
)

func (a *app) serveCommand() *cobra.Command {
	var cfgPath, addr string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the dashboard and the JSON API",
		Long: `serve opens the store, connects every configured pair and serves the
dashboard (review queue, conflicts, duplicates, links, runs, outbox) and the
JSON API under /api/v1 on the configured listen address. "Run now" runs a
pair in this process. It stops gracefully on SIGTERM or Ctrl-C.

Create a login first with: accord user add EMAIL`,
		Args: maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cfgPath, a.getenv)
			if err != nil {
				return err
			}
			if addr == "" {
				addr = cfg.Listen
			}
			tuneGC(a.getenv)
			ctx := cmd.Context()
			log := slog.New(withRunID(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
			db, err := openStore(ctx, cfg.Database, log)
			if err != nil {
				return err
			}
			defer db.Close()
			popts := pairOptions{logger: log, observe: newObserver(cfg, db, log)}
			var pairs []*pairRuntime
			for _, p := range cfg.Pairs {
				rt, err := buildPair(ctx, cfg, p, db, popts)
				if err != nil {
					return err
				}
				defer rt.Close()
				pairs = append(pairs, rt)
			}
			if n, err := db.CountUsers(ctx); err == nil && n == 0 {
				fmt.Fprintln(a.stderr, "accord: nobody can sign in yet; create a login with: accord user add EMAIL")
			}
			return a.serveDashboard(ctx, cfg, db, pairs, popts, addr, log, func(url string) {
				fmt.Fprintf(a.stdout, "accord dashboard at %s\n", url)
			})
		},
	}
	cmd.Flags().StringVar(&cfgPath, "config", "accord.yaml", "configuration file")
	cmd.Flags().StringVar(&addr, "addr", "", "listen address (default: listen in the configuration, 127.0.0.1:8080)")
	return cmd
}

// tuneGC trades memory for CPU in the long-running server, unless GOGC or
// GOMEMLIMIT says otherwise. The dashboard's live heap is small and every
// page allocates tens of kilobytes, so the default GOGC=100 collects very
// often: at 300 the review queue serves about a quarter more pages per
// second (scripts/loadqueue). The soft limit makes the collector work
// harder before a large run in the same process grows the heap past 1 GiB.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(300)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(1 << 30)
	}
}

// newDashboard builds the dashboard over the store and the pairs' run hub;
// each of more adds to its options (the OAuth flow and webhooks).
func newDashboard(cfg Config, db *store.DB, hub *runHub, log *slog.Logger, more ...func(*web.Options)) (*web.Handler, error) {
	norm, err := matchers.NewNormalizer(cfg.Region)
	if err != nil {
		return nil, configErrorf("config: region: %w", err)
	}
	proxies, err := cfg.Dashboard.proxies()
	if err != nil {
		return nil, configErrorf("config: %w", err)
	}
	ds := newDashboardStore(db, cfg)
	o := web.Options{
		Logger: log, Pairs: ds, Users: ds, Sessions: ds, Tokens: ds, Review: ds, Conflicts: ds, Duplicates: ds,
		Links: ds, Records: ds, Runs: ds, Outbox: ds, Audit: ds, Overview: ds, Settings: ds,
		Runner: hub, Tester: hub,
		ValidateSchedule: func(spec string) error {
			_, err := parseSchedule(spec, cfg.location())
			return err
		},
		Ready: func(ctx context.Context) error {
			_, err := db.CountUsers(ctx)
			return err
		},
		PrepareSearch: prepareSearch,
		SameValue: func(field, a, b string) bool {
			return norm.Value(field, a) == norm.Value(field, b)
		},
		Location:       cfg.location(),
		SecureCookies:  web.CookieMode(cfg.Dashboard.SecureCookies),
		TrustedProxies: proxies,
		SessionTTL:     cfg.Dashboard.sessionTTL(),
	}
	hub.wire(&o)
	for _, f := range more {
		f(&o)
	}
	return web.New(o)
}

// serveDashboard serves the dashboard on addr until ctx ends, then stops
// accepting requests, ends the live-progress streams, and waits for runs
// started from the dashboard to stop. ready gets the base URL once the
// server listens.
func (a *app) serveDashboard(ctx context.Context, cfg Config, db *store.DB, pairs []*pairRuntime, opts pairOptions,
	addr string, log *slog.Logger, ready func(url string)) error {
	runCtx, stopRuns := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRuns()
	if opts.observe == nil { // the demo built its pair without one: metrics only
		opts.observe = newObserver(cfg, db, log)
	}
	opts.observe.start(runCtx) // notifications, until the runs stop
	hub := newRunHub(runCtx, db, cfg, pairs, opts, log)
	defer hub.close()
	// Ticks stop when ctx ends; the runs they started end with runCtx.
	sched, err := startScheduler(ctx, runCtx, cfg, db, hub, log)
	if err != nil {
		return err
	}
	defer sched.stop()
	hub.sched = sched
	// Webhook-triggered runs are debounced until runCtx ends, with the runs.
	integ, err := newIntegrations(runCtx, cfg, db, hub, log)
	if err != nil {
		return err
	}
	h, err := newDashboard(cfg, db, hub, log, integ.apply, opts.observe.apply)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return &usageError{fmt.Errorf("--addr: %w", err)}
	}
	// Requests get a context that ends at shutdown, so server-sent event
	// streams return instead of holding Shutdown up.
	reqCtx, endRequests := context.WithCancel(context.Background())
	defer endRequests()
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		BaseContext: func(net.Listener) context.Context { return reqCtx }}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go sweepSessions(runCtx, db, log)
	ready("http://" + ln.Addr().String())
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
	case <-ctx.Done():
	}
	log.Info("shutting down")
	endRequests()
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
	}
	stopRuns()
	hub.wait(30 * time.Second) // before hub.close and the callers' closing of the pairs
	return nil
}

// sweepSessions deletes expired sessions every hour.
func sweepSessions(ctx context.Context, db *store.DB, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := db.DeleteExpiredSessions(ctx, time.Now()); err != nil && ctx.Err() == nil {
			log.Warn("delete expired sessions", "err", err)
		} else if n > 0 {
			log.Info("deleted expired sessions", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
