package notify_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/notify"
)

// memStates is an in-memory engine.NoticeStore with the store's
// compare-and-swap semantics.
type memStates struct {
	mu sync.Mutex
	m  map[string]engine.NoticeState
}

func (s *memStates) FindNoticeStates(_ context.Context, pair string) (map[string]engine.NoticeState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]engine.NoticeState{}
	for _, v := range s.m {
		if v.Pair == pair {
			out[v.Kind] = v
		}
	}
	return out, nil
}

func (s *memStates) SwapNoticeState(_ context.Context, prev *engine.NoticeState, next engine.NoticeState) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]engine.NoticeState{}
	}
	k := next.Pair + "/" + next.Kind
	cur, ok := s.m[k]
	if prev == nil && ok || prev != nil && (!ok || cur.Active != prev.Active || cur.Value != prev.Value) {
		return false, nil
	}
	s.m[k] = next
	return true, nil
}

type factsFunc func(ctx context.Context, pair string) ([]notify.Condition, error)

func (f factsFunc) Conditions(ctx context.Context, pair string) ([]notify.Condition, error) {
	return f(ctx, pair)
}

// recorder is a Sender that keeps what it was given, or fails.
type recorder struct {
	mu   sync.Mutex
	msgs []notify.Message
	err  error
}

func (r *recorder) Name() string { return "recorder" }

func (r *recorder) Send(_ context.Context, m notify.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	r.msgs = append(r.msgs, m)
	return nil
}

func (r *recorder) sent() []notify.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]notify.Message(nil), r.msgs...)
}

func TestWatcherNotifiesChangesOnceAcrossReplicas(t *testing.T) {
	t.Parallel()
	states := &memStates{}
	var mu sync.Mutex
	dead := int64(0)
	facts := factsFunc(func(context.Context, string) ([]notify.Condition, error) {
		mu.Lock()
		defer mu.Unlock()
		return []notify.Condition{{Kind: notify.DeadLetters, Active: dead > 0, Value: dead}}, nil
	})
	a, b := &recorder{}, &recorder{}
	// Two replicas share the store.
	wa := &notify.Watcher{Facts: facts, States: states, Senders: []notify.Sender{a}, BaseURL: "https://accord.example"}
	wb := &notify.Watcher{Facts: facts, States: states, Senders: []notify.Sender{b}}
	check := func() {
		t.Helper()
		var wg sync.WaitGroup
		for _, w := range []*notify.Watcher{wa, wb} {
			wg.Go(func() {
				if err := w.Check(t.Context(), "main"); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	check()
	mu.Lock()
	dead = 1
	mu.Unlock()
	for range 3 {
		check()
	}
	got := append(a.sent(), b.sent()...)
	if len(got) != 1 {
		t.Fatalf("%d notifications, want exactly 1: %+v", len(got), got)
	}
	if got[0].Kind != notify.DeadLetters || got[0].Value != 1 || got[0].Resolved {
		t.Errorf("notification = %+v", got[0])
	}
	if len(a.sent()) == 1 && got[0].URL != "https://accord.example/pairs/main/outbox?status=dead" {
		t.Errorf("URL = %q", got[0].URL)
	}
}

func TestWatcherRetriesAFailedSend(t *testing.T) {
	t.Parallel()
	states := &memStates{}
	facts := factsFunc(func(context.Context, string) ([]notify.Condition, error) {
		return []notify.Condition{{Kind: notify.RunsFailing, Active: true, Value: 7, Detail: "boom"}}, nil
	})
	r := &recorder{err: errors.New("smtp down")}
	w := &notify.Watcher{Facts: facts, States: states, Senders: []notify.Sender{r}}
	if err := w.Check(t.Context(), "main"); err == nil {
		t.Fatal("Check with every channel failing returned nil")
	}
	r.mu.Lock()
	r.err = nil
	r.mu.Unlock()
	for range 2 {
		if err := w.Check(t.Context(), "main"); err != nil {
			t.Fatal(err)
		}
	}
	if got := r.sent(); len(got) != 1 || got[0].Kind != notify.RunsFailing || got[0].Detail != "boom" {
		t.Fatalf("sent %+v, want the failing-runs notice once, after the channel came back", got)
	}
}

func TestWatcherRunChecksPokedPairs(t *testing.T) {
	t.Parallel()
	checked := make(chan string, 10)
	facts := factsFunc(func(_ context.Context, pair string) ([]notify.Condition, error) {
		checked <- pair
		return nil, nil
	})
	w := &notify.Watcher{Pairs: []string{"main"}, Facts: facts, States: &memStates{}}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go w.Run(ctx, time.Hour)
	if p := <-checked; p != "main" {
		t.Fatalf("first check of %q, want main (every pair at start)", p)
	}
	w.Poke("other")
	select {
	case p := <-checked:
		if p != "other" {
			t.Fatalf("checked %q after a poke of other", p)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a poked pair was not checked")
	}
}
