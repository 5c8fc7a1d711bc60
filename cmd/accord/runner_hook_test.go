package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

// Runs started from the dashboard apply creations in chunks like `accord
// run`: the hook that reports a run's id keeps the store's batch methods
// visible to the engine.
func TestHookStoreKeepsBatchMethods(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "accord.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var seen []int64
	hooked := hookStore(db, func(r engine.Run) { seen = append(seen, r.ID) })
	if _, ok := hooked.(engine.BatchOutboxStore); !ok {
		t.Fatal("the hooked store hides StartWrites, CompleteWrites and RestoreWrites")
	}
	run, err := hooked.CreateRun(ctx, engine.Run{Pair: "main", Trigger: "test", Status: engine.RunRunning})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || seen[0] != run.ID {
		t.Errorf("the hook saw runs %v, want [%d]", seen, run.ID)
	}
}
