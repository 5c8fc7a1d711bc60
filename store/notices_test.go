package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

// A notification state is claimed by compare-and-swap: of several
// processes swapping the same change, exactly one wins.
func TestNoticeStateSwap(t *testing.T) {
	t.Parallel()
	onBoth(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		first := engine.NoticeState{Pair: "main", Kind: "dead_letters", Active: true, Value: 1}
		var wins atomic.Int64
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				ok, err := db.SwapNoticeState(ctx, nil, first)
				if err != nil {
					t.Error(err)
				}
				if ok {
					wins.Add(1)
				}
			})
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("%d processes inserted the first state, want 1", wins.Load())
		}
		next := first
		next.Value = 3
		if ok, err := db.SwapNoticeState(ctx, &engine.NoticeState{Active: true, Value: 2}, next); err != nil || ok {
			t.Fatalf("swap from a stale state = %v, %v; want false", ok, err)
		}
		if ok, err := db.SwapNoticeState(ctx, &first, next); err != nil || !ok {
			t.Fatalf("swap from the stored state = %v, %v; want true", ok, err)
		}
		if ok, err := db.SwapNoticeState(ctx, &first, next); err != nil || ok {
			t.Fatalf("the same swap again = %v, %v; want false", ok, err)
		}
		got, err := db.FindNoticeStates(ctx, "main")
		if err != nil {
			t.Fatal(err)
		}
		if s := got["dead_letters"]; len(got) != 1 || !s.Active || s.Value != 3 || s.UpdatedAt.IsZero() {
			t.Fatalf("stored states = %+v", got)
		}
		if other, err := db.FindNoticeStates(ctx, "other"); err != nil || len(other) != 0 {
			t.Fatalf("another pair's states = %v, %v", other, err)
		}
	})
}
