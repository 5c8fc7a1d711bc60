package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/metric"
	"github.com/accordhq/accord/notify"
	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/web"
)

// observer is what `accord serve` does beside running pairs: it keeps the
// process's metrics and tells people about state changes (notify). A nil
// observer does nothing, so the commands that build pairs without one
// (run, demo's first run) need no checks.
type observer struct {
	cfg     Config
	metrics *metric.Metrics
	watcher *notify.Watcher // nil: no channel configured
}

// newObserver builds the metrics over db and, when a channel is
// configured, the notification watcher. Bad channel settings were refused
// by Config.validate.
func newObserver(cfg Config, db *store.DB, log *slog.Logger) *observer {
	o := &observer{cfg: cfg, metrics: metric.New(&metricSource{cfg: cfg, db: db})}
	senders, _ := cfg.Notify.senders()
	if len(senders) > 0 {
		pairs := make([]string, len(cfg.Pairs))
		for i, p := range cfg.Pairs {
			pairs[i] = p.Name
		}
		o.watcher = &notify.Watcher{Pairs: pairs, Facts: noticeFacts{db: db}, States: db, Senders: senders,
			BaseURL: cfg.publicURL(), Logger: log}
	}
	return o
}

// start checks notifications periodically until ctx ends.
func (o *observer) start(ctx context.Context) {
	if o == nil || o.watcher == nil {
		return
	}
	go o.watcher.Run(ctx, o.cfg.Notify.interval())
}

// ranRun is called by the run hub when a run ends: its duration is
// observed and its pair checked for notifications at once.
func (o *observer) ranRun(run engine.Run) {
	if o == nil || run.ID == 0 {
		return
	}
	if !run.FinishedAt.IsZero() {
		o.metrics.ObserveRun(run.Pair, string(run.Status), run.FinishedAt.Sub(run.StartedAt))
	}
	if o.watcher != nil {
		o.watcher.Poke(run.Pair)
	}
}

// ranRun is the run hub's hook (see runner.go).
func (p pairOptions) ranRun(run engine.Run) { p.observe.ranRun(run) }

// instrument wraps a pair's upstream HTTP client so that its requests and
// 429s are counted; c nil is the connector's own default client.
func (o *observer) instrument(c *http.Client, p PairConfig) *http.Client {
	if o == nil {
		return c
	}
	if c == nil {
		c = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	wrapped := *c
	wrapped.Transport = o.metrics.Transport(p.Name, p.Upstream.Type, c.Transport)
	return &wrapped
}

// apply adds /metrics to the dashboard's options.
func (o *observer) apply(opts *web.Options) {
	if o != nil {
		opts.Metrics = o.metrics.Handler()
	}
}

// noticeFacts reads the pairs' conditions for notify from the store.
type noticeFacts struct{ db *store.DB }

func (f noticeFacts) Conditions(ctx context.Context, pair string) ([]notify.Condition, error) {
	var out []notify.Condition
	run, err := f.db.LastFinishedRun(ctx, pair)
	switch {
	case errors.Is(err, engine.ErrNotFound):
	case err != nil:
		return nil, err
	default:
		budget := run.Status == engine.RunStopped && strings.Contains(run.Error, engine.ErrBudgetExhausted.Error())
		out = append(out,
			notify.Condition{Kind: notify.RunsFailing, Active: run.Status == engine.RunFailed, Value: run.ID,
				Detail: run.Error},
			notify.Condition{Kind: notify.BudgetExhausted, Active: budget, Value: activeValue(budget, run.ID),
				Detail: run.Error})
	}
	conn, err := f.db.FindConnection(ctx, pair)
	switch {
	case errors.Is(err, engine.ErrNotFound): // not an OAuth pair, or never connected
	case err != nil:
		return nil, err
	default:
		reauth := conn.State == engine.ConnectionNeedsReauth
		out = append(out, notify.Condition{Kind: notify.NeedsReauth, Active: reauth,
			Value: activeValue(reauth, conn.Generation), Detail: conn.Reason})
	}
	counts, err := f.db.CountOpenWrites(ctx, pair)
	if err != nil {
		return nil, err
	}
	dead := counts[engine.WriteDead]
	out = append(out, notify.Condition{Kind: notify.DeadLetters, Active: dead > 0, Value: int64(dead)})
	held := notify.Condition{Kind: notify.PlanHeld}
	if counts[engine.WriteHeld] > 0 {
		// The newest held write names the latest held plan: a plan held
		// after another is news even while the first still waits.
		ws, _, err := f.db.FindWrites(ctx, store.WriteFilter{Pair: pair, Status: engine.WriteHeld, Limit: 1,
			Offset: counts[engine.WriteHeld] - 1})
		if err != nil {
			return nil, err
		}
		if len(ws) > 0 {
			held.Active, held.Value = true, ws[0].RunID
			held.Detail = fmt.Sprintf("%d writes held", counts[engine.WriteHeld])
		}
	}
	return append(out, held), nil
}

func activeValue(active bool, v int64) int64 {
	if active {
		return v
	}
	return 0
}
