package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

// tempStore opens a migrated SQLite store in the test's directory, closed
// when the test ends.
func tempStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := openStore(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "accord.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// Runs started from the dashboard apply creations in chunks like `accord
// run`: the hook that reports a run's id keeps the store's batch methods
// visible to the engine.
func TestHookStoreKeepsBatchMethods(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := tempStore(t)
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
