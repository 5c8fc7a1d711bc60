package engine

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"
)

// fakeOutbox is the part of a Store the apply step uses, in memory. The
// embedded Store is nil: any other call panics, which the tests want.
type fakeOutbox struct {
	Store
	mu        sync.Mutex
	writes    map[int64]*Write
	starts    [][]int64   // ids of each StartWrites call
	stamps    []time.Time // at of each StartWrites call
	completes []int       // size of each CompleteWrites call
	singles   int         // StartWrite and CompleteWrite calls
	restored  []Write
	outcomes  []Outcome
}

func newFakeOutbox(ws ...Write) *fakeOutbox {
	f := &fakeOutbox{writes: map[int64]*Write{}}
	for _, w := range ws {
		f.writes[w.ID] = &w
	}
	return f
}

func (f *fakeOutbox) DueWrites(_ context.Context, _ string, now time.Time, after int64, limit int) ([]Write, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Write
	for _, w := range f.writes {
		if w.ID > after && (w.Status == WritePending && !w.NextAttemptAt.After(now) || w.Status == WriteInflight) {
			out = append(out, *w)
		}
	}
	slices.SortFunc(out, func(a, b Write) int { return int(a.ID - b.ID) })
	return out[:min(len(out), limit)], nil
}

func (f *fakeOutbox) StartWrites(_ context.Context, ids []int64, at time.Time) ([]Write, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.starts, f.stamps = append(f.starts, ids), append(f.stamps, at)
	var out []Write
	for _, id := range ids {
		w := f.writes[id]
		if w == nil || w.Status != WritePending && w.Status != WriteInflight {
			continue
		}
		w.Status, w.Attempts, w.LastAttemptAt = WriteInflight, w.Attempts+1, at
		out = append(out, *w)
	}
	return out, nil
}

func (f *fakeOutbox) StartWrite(ctx context.Context, id int64, at time.Time) (Write, error) {
	f.singles++
	ws, _ := f.StartWrites(ctx, []int64{id}, at)
	return ws[0], nil
}

func (f *fakeOutbox) CompleteWrites(_ context.Context, cs []Completion) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.completes = append(f.completes, len(cs))
	for _, c := range cs {
		f.writes[c.WriteID].Status = WriteDone
		f.outcomes = append(f.outcomes, c.Outcome)
	}
	return nil
}

func (f *fakeOutbox) CompleteWrite(ctx context.Context, c Completion) error {
	f.singles++
	return f.CompleteWrites(ctx, []Completion{c})
}

func (f *fakeOutbox) RestoreWrites(_ context.Context, ws []Write) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.restored = append(f.restored, ws...)
	for _, w := range ws {
		s := f.writes[w.ID]
		s.Status, s.Attempts, s.LastAttemptAt = w.Status, w.Attempts, w.LastAttemptAt
	}
	return nil
}

func (f *fakeOutbox) set(id int64, fn func(w *Write)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f.writes[id])
	return nil
}

func (f *fakeOutbox) NoteUnknown(_ context.Context, id int64, lastErr string, _ time.Time) error {
	return f.set(id, func(w *Write) { w.Status, w.LastError = WriteInflight, lastErr })
}

func (f *fakeOutbox) RetryWrite(_ context.Context, id int64, lastErr string, next time.Time) error {
	return f.set(id, func(w *Write) { w.Status, w.LastError, w.NextAttemptAt = WritePending, lastErr, next })
}

func (f *fakeOutbox) FailWrite(_ context.Context, id int64, lastErr string, _ time.Time) error {
	return f.set(id, func(w *Write) { w.Status, w.LastError = WriteDead, lastErr })
}

func (f *fakeOutbox) AddOutcomes(_ context.Context, outs []Outcome) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.outcomes = append(f.outcomes, outs...)
	return nil
}

func (f *fakeOutbox) status(id int64) WriteStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.writes[id].Status
}

func (f *fakeOutbox) reasons() map[Reason]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := map[Reason]int{}
	for _, o := range f.outcomes {
		m[o.Reason]++
	}
	return m
}

// singleOutbox hides the batch methods: the store of a wrapper that only
// forwards engine.Store.
type singleOutbox struct{ Store }

// dueCreations returns n pending creations of local records upstream,
// ids 1..n, source ids L1..Ln.
func dueCreations(n int) []Write {
	ws := make([]Write, n)
	for i := range ws {
		id := int64(i + 1)
		src := fmt.Sprintf("L%d", id)
		ws[i] = Write{ID: id, Pair: "main", Kind: WriteCreateUpstream, SourceID: src, LinkID: 1000 + id,
			Customer: Customer{ID: src, FirstName: "Ann", ExternalRef: src}, IdempotencyKey: IdempotencyKey("main", 1000+id),
			Status: WritePending, CreatedAt: time.Now()}
	}
	return ws
}

// fakeSide is a connector whose Create is createFunc; Pull, Get and
// Validate are not used by the apply step.
type fakeSide struct {
	Connector
	createFunc func(ctx context.Context, c Customer, key string) (Customer, error)
}

func (s *fakeSide) Create(ctx context.Context, c Customer, key string) (Customer, error) {
	return s.createFunc(ctx, c, key)
}

// fakeBulkSide adds CreateMany to fakeSide.
type fakeBulkSide struct {
	fakeSide
	mu        sync.Mutex
	calls     [][]Creation
	bulkFunc  func(cs []Creation) []CreateResult
	gateCalls func(ctx context.Context) error // the budget, once per call
}

func (s *fakeBulkSide) CreateMany(ctx context.Context, cs []Creation) []CreateResult {
	s.mu.Lock()
	s.calls = append(s.calls, cs)
	s.mu.Unlock()
	if s.gateCalls != nil {
		if err := s.gateCalls(ctx); err != nil {
			out := make([]CreateResult, len(cs))
			for i := range out {
				out[i].Err = err
			}
			return out
		}
	}
	return s.bulkFunc(cs)
}

// fakeLocal records external refs written back in batches.
type fakeLocal struct {
	Connector
	mu    sync.Mutex
	calls [][]ExternalRef
	fail  map[string]error
}

func (l *fakeLocal) SetExternalRefs(_ context.Context, refs []ExternalRef) []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, refs)
	errs := make([]error, len(refs))
	for i, r := range refs {
		errs[i] = l.fail[r.ID]
	}
	return errs
}

// created answers a creation as the side would: a new id, the ref kept.
func created(c Customer) Customer {
	return Customer{ID: "U-" + c.ExternalRef, FirstName: c.FirstName, ExternalRef: c.ExternalRef}
}

func applyBundle(t *testing.T, store Store, up Connector, local Connector) (*Reconciler, *runState) {
	t.Helper()
	r := &Reconciler{Pair: Pair{Name: "main", Fields: []string{FieldFirstName}}, Local: local, Upstream: up,
		Store: store, Match: func(Candidates) Decision { return Decision{} }, Normalizer: testNormalizer{},
		Logger: slog.New(slog.DiscardHandler), SettleDelay: time.Hour,
		Retry: RetryPolicy{MaxAttempts: 5, Base: time.Millisecond, Max: time.Millisecond}}
	if err := r.defaults(); err != nil {
		t.Fatal(err)
	}
	st := &runState{run: &Run{ID: 1, Pair: "main", Counts: Counts{}}, pullStarted: map[Side]time.Time{},
		wrote: map[Side]int{}, paused: map[Side]time.Time{}, linked: map[Ref]bool{}}
	return r, st
}
