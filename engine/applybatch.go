package engine

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// applyChunk is the most creations applied together: BulkCreateCustomers
// takes 100 entries, and a chunk is also the most a crash leaves inflight.
const applyChunk = 100

// defaultCreateConcurrency is how many single creations run at once on a
// side without a BatchCreator: enough to hide a round trip, few enough not
// to run into a provider's rate limit all at once.
const defaultCreateConcurrency = 4

// maxStartSkew bounds how long after a chunk is marked inflight its last
// single creation may start (see applyCreations).
const maxStartSkew = 2 * time.Second

func (r *Reconciler) createConcurrency() int {
	if r.CreateConcurrency > 0 {
		return r.CreateConcurrency
	}
	return defaultCreateConcurrency
}

// applyCreations applies due creation writes on target, in chunks: one
// transaction marks a chunk inflight, the side gets one bulk call (a
// BatchCreator) or up to CreateConcurrency single calls at a time, and one
// transaction records the completions; failures are recorded as for a
// single write. It returns how many writes it attempted.
//
// A crash between the two transactions leaves the chunk inflight, to be
// settled from the side's feed like any write with an unknown outcome. That
// is only sound if the recorded last attempt is no earlier than the call:
// settledSince counts SettleDelay from it. A bulk call is sent at once, so
// the chunk is marked with the time it is sent. Single calls are marked
// with a deadline a little ahead, and none starts after it; writes left
// when it passes are put back as they were and go in the next chunk, with
// a longer deadline.
func (r *Reconciler) applyCreations(ctx context.Context, st *runState, bs BatchOutboxStore, target Side, ws []Write) (int, error) {
	conn := r.connector(target)
	bc, bulk := conn.(BatchCreator)
	done := 0
	// The skew starts small, because an unknown outcome is settled no
	// sooner than SettleDelay after the stamp, and grows when the side
	// (or the commit of the mark) is too slow for it to fit a call.
	skew := min(r.SettleDelay, maxStartSkew)
	for len(ws) > 0 {
		if st.stopped != nil || r.isPaused(st, target) {
			return done, nil // the writes stay due
		}
		n := min(len(ws), applyChunk)
		chunk, rest := ws[:n], ws[n:]
		stamp := r.Now()
		if !bulk {
			stamp = stamp.Add(skew)
		}
		started, err := bs.StartWrites(ctx, writeIDs(chunk), stamp)
		if err != nil {
			return done, fmt.Errorf("engine: start %d %s writes: %w", len(chunk), target, err)
		}
		var res []CreateResult
		var called []bool
		if bulk {
			res, called = bulkCreate(ctx, bc, started)
		} else {
			res, called = r.createEach(ctx, conn, started, stamp)
		}
		tried, left, err := r.recordCreations(ctx, st, bs, target, chunk, started, res, called)
		done += tried
		if err != nil {
			return done, err
		}
		if len(left) > 0 && (ctx.Err() != nil || st.stopped != nil || r.isPaused(st, target) ||
			tried == 0 && skew == maxStartSkew) {
			return done, nil // put back; due for the next pass
		}
		if len(left) > 0 {
			skew = min(2*skew, maxStartSkew)
		}
		ws = append(left, rest...)
	}
	return done, nil
}

// bulkCreate sends ws in one CreateMany. An answer of the wrong length is
// a connector bug; the entries it does not cover may have been created.
func bulkCreate(ctx context.Context, bc BatchCreator, ws []Write) ([]CreateResult, []bool) {
	cs := make([]Creation, len(ws))
	for i, w := range ws {
		cs[i] = Creation{Customer: w.Customer, Key: w.IdempotencyKey}
	}
	got := bc.CreateMany(ctx, cs)
	res := make([]CreateResult, len(ws))
	called := make([]bool, len(ws))
	for i := range ws {
		called[i] = true
		if i < len(got) {
			res[i] = got[i]
		} else {
			res[i].Err = fmt.Errorf("engine: bulk create returned %d results for %d creations: %w",
				len(got), len(ws), ErrUnknownOutcome)
		}
	}
	return res, called
}

// createEach creates ws one call each, up to CreateConcurrency at a time,
// in order. No call starts after deadline, once the side asked to slow
// down (a RetryAfterError, which a used-up budget also carries), or once
// ctx ends; called tells which were sent.
func (r *Reconciler) createEach(ctx context.Context, conn Connector, ws []Write, deadline time.Time) ([]CreateResult, []bool) {
	res := make([]CreateResult, len(ws))
	called := make([]bool, len(ws))
	var next atomic.Int64
	var halt atomic.Bool
	var wg sync.WaitGroup
	for range min(r.createConcurrency(), len(ws)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(ws) || halt.Load() || ctx.Err() != nil || r.Now().After(deadline) {
					return
				}
				called[i] = true
				c, err := conn.Create(ctx, ws[i].Customer, ws[i].IdempotencyKey)
				res[i] = CreateResult{Customer: c, Err: err}
				if _, ok := RetryAfter(err); ok {
					halt.Store(true)
				}
			}
		})
	}
	wg.Wait()
	return res, called
}

func writeIDs(ws []Write) []int64 {
	ids := make([]int64, len(ws))
	for i, w := range ws {
		ids[i] = w.ID
	}
	return ids
}
