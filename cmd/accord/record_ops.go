package main

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/web"
)

// wire adds to the dashboard's options what the hub offers beyond runs:
// single-record operations, the next scheduled run, and a schedule saved
// in the dashboard taking effect at once.
func (h *runHub) wire(o *web.Options) {
	o.RecordOps = h
	o.NextRun = h.NextRun
	o.Settings = rescheduleOnSave{SettingsStore: o.Settings, hub: h}
}

// rescheduleOnSave has this replica's scheduler read a pair's schedule as
// soon as the dashboard saves it; the other replicas read it at their next
// refresh.
type rescheduleOnSave struct {
	web.SettingsStore
	hub *runHub
}

func (s rescheduleOnSave) SaveSettings(ctx context.Context, pair string, in web.SettingsInput, actor string) error {
	if err := s.SettingsStore.SaveSettings(ctx, pair, in, actor); err != nil {
		return err
	}
	if s.hub.sched != nil {
		s.hub.sched.refresh(ctx)
	}
	return nil
}

// reconciler returns a copy of the pair's reconciler with the dashboard's
// guard in force, for one operation outside a run of the hub.
//
// Until a run of the pair has read both sides to the end it refuses, and
// starts that run: a single-record sync reads back what it wrote from the
// target side's feed, and would decide the other records of that page
// against a side never read, creating again customers that exist there.
func (h *runHub) reconciler(ctx context.Context, pair string) (engine.Reconciler, error) {
	rt, guard, err := h.runtime(ctx, pair)
	if err != nil {
		return engine.Reconciler{}, err
	}
	synced, err := h.everSynced(ctx, pair)
	if err != nil {
		return engine.Reconciler{}, err
	}
	if !synced {
		if _, err := h.StartRun(ctx, pair, "first-sync"); err != nil && !errors.Is(err, engine.ErrLocked) {
			h.log.Warn("start the first run of the pair", "pair", pair, "err", err)
		}
		return engine.Reconciler{}, fmt.Errorf("pair %s: its first run has not finished reading both sides: %w",
			pair, web.ErrNotSynced)
	}
	rec := *rt.rec
	rec.Pair.Guard = guard
	return rec, nil
}

// everSynced reports whether a run of the pair has read both sides to the
// end: one that succeeded, or that was held after reading them.
func (h *runHub) everSynced(ctx context.Context, pair string) (bool, error) {
	for _, st := range []engine.RunStatus{engine.RunSucceeded, engine.RunHeld} {
		_, n, err := h.db.FindRuns(ctx, store.RunFilter{Pair: pair, Status: st, Limit: 1})
		if err != nil {
			return false, fmt.Errorf("pair %s: %w", pair, err)
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}

// Ensure implements web.RecordOps with engine.Ensure. To tell the caller
// whether it was this call that created the upstream customer, the store
// is watched for the creation's completion in this call's runs only.
func (h *runHub) Ensure(ctx context.Context, pair, localID string) (web.EnsureResult, error) {
	rec, err := h.reconciler(ctx, pair)
	if err != nil {
		return web.EnsureResult{}, err
	}
	w := &creationWatch{Store: rec.Store, localID: localID}
	rec.Store = w
	id, err := rec.Ensure(ctx, localID)
	if err != nil {
		return web.EnsureResult{}, err
	}
	res := web.EnsureResult{UpstreamID: id, Created: w.created.Load()}
	links, err := rec.Store.LinksFor(ctx, pair, engine.Local, []string{localID})
	if err != nil {
		return res, fmt.Errorf("ensure local %s: read its link: %w", localID, err)
	}
	for _, l := range links {
		if l.UpstreamID == id {
			res.LinkID = l.ID
		}
	}
	return res, nil
}

// creationWatch notes the completion of an upstream creation for one
// local record.
type creationWatch struct {
	engine.Store
	localID string
	created atomic.Bool
}

func (w *creationWatch) CompleteWrite(ctx context.Context, c engine.Completion) error {
	err := w.Store.CompleteWrite(ctx, c)
	if err == nil && c.Outcome.Kind == engine.OutcomeCreatedUpstream && c.Outcome.RecordID == w.localID {
		w.created.Store(true)
	}
	return err
}

// SyncRecord implements web.RecordOps with engine.SyncRecord. A run of the
// pair in progress is waited for, up to ctx's deadline: "Sync now" is a
// person waiting for an answer, and the run ends soon.
func (h *runHub) SyncRecord(ctx context.Context, pair string, side engine.Side, id string) (engine.Run, error) {
	rec, err := h.reconciler(ctx, pair)
	if err != nil {
		return engine.Run{}, err
	}
	for wait := 50 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		run, err := rec.SyncRecord(ctx, side, id)
		if !errors.Is(err, engine.ErrLocked) {
			return run, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return engine.Run{}, fmt.Errorf("sync %s %s: waiting for the run in progress: %w", side, id, ctx.Err())
		case <-t.C:
		}
	}
}
