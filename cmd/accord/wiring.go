package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/accordhq/accord/connectors/sqltable"
	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/matchers"
	"github.com/accordhq/accord/store"
)

// openStore opens the configured store and brings its schema up to date.
func openStore(ctx context.Context, dsn string, log *slog.Logger) (*store.DB, error) {
	db, err := store.Open(ctx, dsn, store.Options{Logger: log})
	if err != nil {
		if errors.Is(err, engine.ErrInvalid) {
			return nil, configErrorf("config: database: %w", err)
		}
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate store: %w", err)
	}
	return db, nil
}

// pairRuntime is one pair, wired and ready to run.
type pairRuntime struct {
	cfg      PairConfig
	rec      *engine.Reconciler
	local    *sqltable.Table
	upstream upstreamConn
}

func (p *pairRuntime) Close() error { return p.local.Close() }

// pairOptions are the knobs tests and the demo turn.
type pairOptions struct {
	logger      *slog.Logger
	settleDelay time.Duration
	httpTimeout time.Duration
	observe     *observer // metrics and notifications of `accord serve`; nil elsewhere
}

// buildPair connects both sides of a pair and builds its reconciler. Bad
// configuration, including a table or column name the live schema does not
// have, is a configError naming the key.
func buildPair(ctx context.Context, cfg Config, p PairConfig, db *store.DB, o pairOptions) (*pairRuntime, error) {
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	at := "pairs." + p.Name
	// Overrides saved in the dashboard's settings page take precedence over
	// accord.yaml for the schedule, the guard and the budget.
	p, err := withOverrides(ctx, db, p)
	if err != nil {
		return nil, err
	}
	norm, err := matchers.NewNormalizer(cfg.Region)
	if err != nil {
		return nil, configErrorf("config: region: %w", err)
	}
	// Durations were validated with the configuration.
	overlap, _ := time.ParseDuration(cmp.Or(p.Local.Overlap, "0s"))
	timeout, _ := time.ParseDuration(cmp.Or(p.Upstream.Timeout, "0s"))
	settle, _ := time.ParseDuration(cmp.Or(p.Upstream.SettleDelay, "0s"))
	sweepAge, _ := time.ParseDuration(p.Sweep.Age)
	if o.httpTimeout == 0 {
		o.httpTimeout = timeout
	}
	if o.settleDelay == 0 {
		o.settleDelay = settle
	}
	local, err := sqltable.Open(ctx, sqltable.Config{DSN: p.Local.DSN, Table: p.Local.Table, ID: p.Local.ID,
		UpdatedAt: p.Local.UpdatedAt, UpstreamID: p.Local.UpstreamID, Fields: p.Local.Fields, Overlap: overlap})
	if err != nil {
		if errors.Is(err, engine.ErrInvalid) {
			return nil, configErrorf("config: %s.%w", at, err)
		}
		return nil, fmt.Errorf("%s: open local table: %w", at, err)
	}
	var gate func(context.Context) error
	if p.Budget.CallsPerDay > 0 || p.Budget.CallsPerMonth > 0 {
		gate = (&engine.Meter{Conn: p.Name + ":upstream", Store: db,
			Budget: engine.Budget{PerDay: int64(p.Budget.CallsPerDay), PerMonth: int64(p.Budget.CallsPerMonth)}}).Take
	}
	uo := upstreamOptions{timeout: o.httpTimeout, gate: gate, logger: o.logger}
	if p.Upstream.Auth == authOAuth {
		// The connection's tokens come from the store; a pair that needs
		// re-authorisation stops at its first request (see oauthClient).
		if uo.httpClient, uo.gate, err = oauthClient(cfg, p, db, gate, o.logger); err != nil {
			local.Close()
			return nil, err
		}
	}
	uo.httpClient = o.observe.instrument(uo.httpClient, p) // count requests and 429s for /metrics
	up, err := upstreams[p.Upstream.Type](p.Upstream, uo)
	if err != nil {
		local.Close()
		if errors.Is(err, engine.ErrInvalid) {
			return nil, configErrorf("config: %s.%w", at, err)
		}
		return nil, fmt.Errorf("%s: upstream: %w", at, err)
	}
	rt := &pairRuntime{cfg: p, local: local, upstream: up}
	rt.rec = &engine.Reconciler{
		Pair: engine.Pair{Name: p.Name, CreateUpstream: *p.CreateUpstream, CreateLocal: *p.CreateLocal,
			Guard:  engine.Guard{MaxCreates: *p.Guard.MaxCreates, MaxPercent: *p.Guard.MaxPercent},
			Fields: comparedFields(p.Local.Fields)},
		Local: local, Upstream: up, Store: db,
		Match: matchers.Deterministic, Normalizer: norm,
		Logger: o.logger, SettleDelay: o.settleDelay, SweepSize: *p.Sweep.Size, SweepAge: sweepAge,
		Retry: p.Retry.policy(),
	}
	if *p.Fuzzy.Enabled {
		rt.rec.Fuzzy = matchers.NewFuzzy(norm, *p.Fuzzy.Suggest)
	}
	return rt, nil
}

// comparedFields lists the mapped canonical fields in display order: those
// are the fields both sides hold, so those are the ones that can conflict.
func comparedFields(m map[string]string) []string {
	var out []string
	for _, f := range engine.DataFields {
		if _, ok := m[f]; ok {
			out = append(out, f)
		}
	}
	return out
}
