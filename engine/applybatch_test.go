package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// 250 creations on a side with bulk create are three chunks: three
// commits to start them, three bulk calls, three commits to record them and
// three batches of refs written back, with no single-write calls.
func TestApplyChunksBulkCreations(t *testing.T) {
	t.Parallel()
	store := newFakeOutbox(dueCreations(250)...)
	up := &fakeBulkSide{bulkFunc: func(cs []Creation) []CreateResult {
		out := make([]CreateResult, len(cs))
		for i, c := range cs {
			out[i].Customer = created(c.Customer)
		}
		return out
	}}
	local := &fakeLocal{}
	r, st := applyBundle(t, store, up, local)
	var progress []int
	r.Progress = func(p Progress) { progress = append(progress, p.Done) }
	if err := r.apply(t.Context(), st); err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, c := range up.calls {
		sizes = append(sizes, len(c))
		for _, cr := range c {
			if cr.Key != IdempotencyKey("main", 1000+mustID(cr.Customer.ExternalRef)) {
				t.Fatalf("creation of %s carries key %q", cr.Customer.ExternalRef, cr.Key)
			}
		}
	}
	if fmt.Sprint(sizes) != "[100 100 50]" || len(store.starts) != 3 || fmt.Sprint(store.completes) != "[100 100 50]" {
		t.Fatalf("bulk calls %v, StartWrites %d, CompleteWrites %v; want chunks of 100, 100, 50", sizes, len(store.starts), store.completes)
	}
	if store.singles != 0 {
		t.Errorf("%d single-write store calls, want none", store.singles)
	}
	if len(local.calls) != 3 || len(local.calls[0]) != 100 || local.calls[0][0] != (ExternalRef{ID: "L1", Ref: "U-L1"}) {
		t.Errorf("refs written back in %d batches (%v...), want 3 of the chunks' ids", len(local.calls), local.calls[0][:1])
	}
	if got := st.run.Counts.Get(OutcomeCreatedUpstream, ReasonPushed); got != 250 || st.wrote[Upstream] != 250 {
		t.Errorf("counted %d creations, %d written; want 250", got, st.wrote[Upstream])
	}
	if fmt.Sprint(progress) != "[100 200 250]" {
		t.Errorf("progress %v, want [100 200 250]", progress)
	}
	for id := range int64(250) {
		if s := store.status(id + 1); s != WriteDone {
			t.Fatalf("write %d is %s, want done", id+1, s)
		}
	}
}

func mustID(ref string) int64 {
	var n int64
	fmt.Sscanf(ref, "L%d", &n)
	return n
}

// One bulk answer mixes every kind of entry: each write ends as a single
// write with that answer would, and a rate-limited entry pauses the side,
// so the next chunk is not even started.
func TestApplyBulkPartialFailures(t *testing.T) {
	t.Parallel()
	store := newFakeOutbox(dueCreations(105)...)
	retryAt := time.Now().Add(time.Hour)
	up := &fakeBulkSide{bulkFunc: func(cs []Creation) []CreateResult {
		out := make([]CreateResult, len(cs))
		for i, c := range cs {
			switch c.Customer.ExternalRef {
			case "L2":
				out[i].Err = Terminal(fmt.Errorf("INVALID_EMAIL_ADDRESS: %w", ErrInvalid))
			case "L3":
				out[i].Err = fmt.Errorf("INTERNAL_SERVER_ERROR: %w", ErrUnknownOutcome)
			case "L4":
				out[i].Err = &RetryAfterError{Err: errors.New("RATE_LIMITED"), After: retryAt}
			default:
				out[i].Customer = created(c.Customer)
			}
		}
		return out
	}}
	local := &fakeLocal{fail: map[string]error{"L5": fmt.Errorf("row gone: %w", ErrNotFound)}}
	r, st := applyBundle(t, store, up, local)
	if err := r.apply(t.Context(), st); err != nil {
		t.Fatal(err)
	}
	if len(up.calls) != 1 || len(up.calls[0]) != 100 {
		t.Fatalf("%d bulk calls, want 1 of 100: the side asked to slow down before the second chunk", len(up.calls))
	}
	want := map[int64]WriteStatus{1: WriteDone, 2: WriteDead, 3: WriteInflight, 4: WritePending, 5: WriteDone, 101: WritePending}
	for id, s := range want {
		if got := store.status(id); got != s {
			t.Errorf("write %d is %s, want %s", id, got, s)
		}
	}
	if store.writes[101].Attempts != 0 {
		t.Errorf("write 101 counts %d attempts, want 0: it was never sent", store.writes[101].Attempts)
	}
	if !store.writes[4].NextAttemptAt.Equal(retryAt) || !st.paused[Upstream].Equal(retryAt) {
		t.Errorf("rate-limited write due %s, side paused until %s; want both at %s",
			store.writes[4].NextAttemptAt, st.paused[Upstream], retryAt)
	}
	if len(st.unsettled) != 1 || st.unsettled[0].ID != 3 {
		t.Errorf("unsettled %v, want write 3 to be settled from the feed", st.unsettled)
	}
	if fmt.Sprint(store.completes) != "[97]" {
		t.Errorf("CompleteWrites %v, want the 97 created together", store.completes)
	}
	reasons := store.reasons()
	for reason, n := range map[Reason]int{ReasonPushed: 97, ReasonRejectedByProvider: 1, ReasonUnknownOutcome: 1,
		ReasonRetryScheduled: 1, ReasonRefWriteFailed: 1} {
		if reasons[reason] != n {
			t.Errorf("%d outcomes %s, want %d (all: %v)", reasons[reason], reason, n, reasons)
		}
	}
	if got := st.run.Counts.Get(OutcomeCreatedUpstream, ReasonPushed); got != 97 {
		t.Errorf("counted %d creations, want 97", got)
	}
}

// Without the batch methods (a store wrapper that forwards only Store),
// creations are applied one at a time as before.
func TestApplyWithoutBatchStoreIsOneByOne(t *testing.T) {
	t.Parallel()
	store := newFakeOutbox(dueCreations(3)...)
	var n atomic.Int32
	up := &fakeBulkSide{fakeSide: fakeSide{createFunc: func(_ context.Context, c Customer, _ string) (Customer, error) {
		n.Add(1)
		return created(c), nil
	}}}
	r, st := applyBundle(t, singleOutbox{store}, up, &fakeLocal{})
	r.Local = &fakeSide{} // no RefWriter
	if err := r.apply(t.Context(), st); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 3 || len(up.calls) != 0 || store.singles != 6 || len(store.starts) != 3 {
		t.Fatalf("%d creates, %d bulk calls, %d single store calls; want 3 single creates", n.Load(), len(up.calls), store.singles)
	}
}

// A side without bulk create gets its creations CreateConcurrency at a
// time, and none of them starts after the time its chunk was marked with:
// a crash leaves them inflight with a last attempt no earlier than the
// call, which is what settling from the feed counts from.
func TestApplySingleCreatesAreConcurrentAndStartBeforeTheirMark(t *testing.T) {
	t.Parallel()
	store := newFakeOutbox(dueCreations(40)...)
	var inflight, peak atomic.Int32
	var mu sync.Mutex
	var startedAt []time.Time
	both := make(chan struct{})
	var once sync.Once
	up := &fakeSide{createFunc: func(_ context.Context, c Customer, _ string) (Customer, error) {
		mu.Lock()
		startedAt = append(startedAt, time.Now())
		mu.Unlock()
		cur := inflight.Add(1)
		defer inflight.Add(-1)
		for {
			p := peak.Load()
			if cur <= p || peak.CompareAndSwap(p, cur) {
				break
			}
		}
		if cur >= 2 {
			once.Do(func() { close(both) })
		}
		select { // the first calls wait for a second one to overlap them
		case <-both:
		case <-time.After(5 * time.Second):
		}
		return created(c), nil
	}}
	r, st := applyBundle(t, store, up, &fakeLocal{})
	r.CreateConcurrency = 3
	r.SettleDelay = 10 * time.Second // a chunk's calls fit in the skew
	if err := r.apply(t.Context(), st); err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p < 2 || p > 3 {
		t.Errorf("at most %d creates at once, want 2 or 3 (CreateConcurrency 3)", p)
	}
	if len(store.starts) != 1 || len(startedAt) != 40 || st.run.Counts.Kind(OutcomeCreatedUpstream) != 40 {
		t.Fatalf("StartWrites %d times, %d creates, %d counted; want one chunk of 40", len(store.starts),
			len(startedAt), st.run.Counts.Kind(OutcomeCreatedUpstream))
	}
	for _, at := range startedAt {
		if at.After(store.stamps[0]) {
			t.Fatalf("a create started at %s, after its chunk's recorded attempt %s", at, store.stamps[0])
		}
	}
}

// A 429 on a side without bulk create stops the chunk: the calls not yet
// sent are put back as they were (not counted as attempts) and stay due.
func TestApplySingleCreatesStopAtRateLimit(t *testing.T) {
	t.Parallel()
	ws := dueCreations(10)
	ws[5].Attempts, ws[5].Status, ws[5].LastAttemptAt = 2, WriteInflight, time.Now().Add(-time.Hour) // settled as not applied
	store := newFakeOutbox(ws...)
	var sent []string
	up := &fakeSide{createFunc: func(_ context.Context, c Customer, _ string) (Customer, error) {
		sent = append(sent, c.ExternalRef)
		if c.ExternalRef == "L3" {
			return Customer{}, &RetryAfterError{Err: errors.New("429"), After: time.Now().Add(time.Minute)}
		}
		return created(c), nil
	}}
	r, st := applyBundle(t, store, up, &fakeLocal{})
	r.SettleDelay = time.Second
	st.pullStarted[Upstream] = time.Now() // the feed was read since write 6's attempt
	r.CreateConcurrency = 1
	if err := r.apply(t.Context(), st); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sent) != "[L1 L2 L3]" {
		t.Fatalf("sent %v, want L1 L2 L3 and nothing after the 429", sent)
	}
	if len(store.restored) != 7 {
		t.Fatalf("%d writes put back, want 7", len(store.restored))
	}
	for _, w := range ws[3:] {
		got := store.writes[w.ID]
		if got.Status != w.Status || got.Attempts != w.Attempts || !got.LastAttemptAt.Equal(w.LastAttemptAt) {
			t.Errorf("write %d is %s after %d attempts (last %s); want it as it was: %s, %d, %s", w.ID,
				got.Status, got.Attempts, got.LastAttemptAt, w.Status, w.Attempts, w.LastAttemptAt)
		}
	}
	if store.status(3) != WritePending || store.writes[3].Attempts != 1 {
		t.Errorf("the rate-limited write is %s after %d attempts, want pending after 1", store.status(3), store.writes[3].Attempts)
	}
}

// usage is an in-memory UsageStore.
type usage struct {
	mu sync.Mutex
	n  int64
}

func (u *usage) Usage(context.Context, string, time.Time) (int64, int64, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.n, u.n, nil
}

func (u *usage) AddUsage(_ context.Context, _ string, _ time.Time, n int64) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.n += n
	return nil
}

// A bulk call is one API call for the budget, whatever its size; when the
// budget runs out the run stops cleanly and the creations stay due.
func TestApplyBulkCountsOneCallAgainstTheBudget(t *testing.T) {
	t.Parallel()
	store := newFakeOutbox(dueCreations(250)...)
	u := &usage{}
	meter := &Meter{Conn: "main:upstream", Budget: Budget{PerDay: 2}, Store: u}
	up := &fakeBulkSide{gateCalls: meter.Take, bulkFunc: func(cs []Creation) []CreateResult {
		out := make([]CreateResult, len(cs))
		for i, c := range cs {
			out[i].Customer = created(c.Customer)
		}
		return out
	}}
	r, st := applyBundle(t, store, up, &fakeLocal{})
	if err := r.apply(t.Context(), st); err != nil {
		t.Fatal(err)
	}
	if u.n != 2 || st.run.Counts.Kind(OutcomeCreatedUpstream) != 200 {
		t.Fatalf("%d calls counted, %d created; want 2 bulk calls creating 200", u.n, st.run.Counts.Kind(OutcomeCreatedUpstream))
	}
	if !errors.Is(st.stopped, ErrBudgetExhausted) {
		t.Fatalf("stopped = %v, want the budget", st.stopped)
	}
	for id := int64(201); id <= 250; id++ {
		if s := store.status(id); s != WritePending {
			t.Fatalf("write %d is %s, want pending for the next run", id, s)
		}
	}
}

// Single creates share the budget too: with 3 calls left and 4 at once,
// exactly 3 are sent and the rest wait for the next run.
func TestApplySingleCreatesStopAtTheBudget(t *testing.T) {
	t.Parallel()
	store := newFakeOutbox(dueCreations(20)...)
	u := &usage{}
	meter := &Meter{Conn: "main:upstream", Budget: Budget{PerDay: 3}, Store: u}
	var sent atomic.Int32
	up := &fakeSide{createFunc: func(ctx context.Context, c Customer, _ string) (Customer, error) {
		if err := meter.Take(ctx); err != nil {
			return Customer{}, err
		}
		sent.Add(1)
		return created(c), nil
	}}
	r, st := applyBundle(t, store, up, &fakeLocal{})
	if err := r.apply(t.Context(), st); err != nil {
		t.Fatal(err)
	}
	if sent.Load() != 3 || u.n != 3 || st.run.Counts.Kind(OutcomeCreatedUpstream) != 3 || !errors.Is(st.stopped, ErrBudgetExhausted) {
		t.Fatalf("sent %d, counted %d calls, created %d, stopped %v; want 3 and a clean stop", sent.Load(), u.n,
			st.run.Counts.Kind(OutcomeCreatedUpstream), st.stopped)
	}
	pending := 0
	for id := int64(1); id <= 20; id++ {
		if store.status(id) == WritePending {
			pending++
		}
	}
	if pending != 17 {
		t.Errorf("%d writes pending, want 17", pending)
	}
}
