package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/accordhq/accord/engine"
)

// TestMergeDuplicateSetsMatchesOneByOne checks the batched merge against
// mergeDuplicates applied to each proposal in turn: random batches of
// overlapping proposals, over stored open, resolved and dismissed sets,
// must leave the same sets, statuses and members.
func TestMergeDuplicateSetsMatchesOneByOne(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 7))
		one, batched := openInternal(t), openInternal(t)
		for round := range 3 {
			var ds []engine.DuplicateSet
			for range 1 + rng.IntN(12) {
				d := engine.DuplicateSet{Reason: engine.ReasonSharedEmail, RunID: int64(round)}
				if rng.IntN(4) == 0 {
					d.Side = engine.Upstream
				}
				for range 1 + rng.IntN(4) {
					d.Members = append(d.Members, fmt.Sprintf("R%d", rng.IntN(15)))
				}
				ds = append(ds, d)
			}
			err := one.inTx(ctx, func(tx *gorm.DB) error {
				for _, d := range ds {
					if d.Side == "" {
						d.Side = engine.Local
					}
					if err := mergeDuplicates(tx, "p", 9, at, d); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			err = batched.inTx(ctx, func(tx *gorm.DB) error {
				return mergeDuplicateSets(tx, "p", engine.Local, 9, at, ds)
			})
			if err != nil {
				t.Fatal(err)
			}
			want, got := dupState(t, one), dupState(t, batched)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d round %d: batched sets\n%v\nwant (one by one)\n%v", seed, round, got, want)
			}
			// A person settles some open sets between rounds, the same
			// way in both stores.
			for _, s := range want {
				if s.status == string(engine.ReviewOpen) && rng.IntN(3) == 0 {
					status := engine.ReviewDismissed
					if rng.IntN(2) == 0 {
						status = engine.ReviewResolved
					}
					for _, db := range []*DB{one, batched} {
						err := db.orm(ctx).Model(&duplicateSetRow{}).Where("id = ?", s.id).
							Update("status", string(status)).Error
						if err != nil {
							t.Fatal(err)
						}
					}
				}
			}
		}
	}
}

type dupSnapshot struct {
	id                    int64
	side, status, decided string
	run                   int64
	members               string
}

func dupState(t *testing.T, db *DB) []dupSnapshot {
	t.Helper()
	var rows []duplicateSetRow
	if err := db.orm(context.Background()).Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	members, err := membersOf(db.orm(context.Background()), ids)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]dupSnapshot, len(rows))
	for i, r := range rows {
		out[i] = dupSnapshot{id: r.ID, side: r.Side, status: r.Status, decided: r.DecidedBy, run: r.RunID,
			members: fmt.Sprint(members[r.ID])}
	}
	return out
}

// openInternal opens a migrated SQLite store for tests inside the package.
func openInternal(t *testing.T) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "accord.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// BenchmarkMergeDuplicateSets stores a matching batch's worth of proposals:
// 500, each proposed once per member, as matching does.
func BenchmarkMergeDuplicateSets(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "accord.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	at, n := time.Now(), 0
	for b.Loop() {
		var ds []engine.DuplicateSet
		for i := range 250 {
			m := []string{fmt.Sprintf("B%d-%d-a", n, i), fmt.Sprintf("B%d-%d-b", n, i)}
			ds = append(ds, engine.DuplicateSet{Members: m}, engine.DuplicateSet{Members: m})
		}
		err := db.inTx(ctx, func(tx *gorm.DB) error { return mergeDuplicateSets(tx, "p", engine.Local, 1, at, ds) })
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
}
