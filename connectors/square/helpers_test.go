package square_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/accordhq/accord/connectors/square"
)

// testToken is distinctive so that a leak is easy to find in any string.
const testToken = "sq0atp-SECRET-5f3a9c77e1"

// epoch is the fake clock's start.
var epoch = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)

// clock is a fake clock: Sleep records the duration and moves time on, so
// waits are asserted without sleeping.
type clock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func newClock() *clock { return &clock{now: epoch} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	c.now = c.now.Add(max(d, 0))
	return nil
}

func (c *clock) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

type testBundle struct {
	client *square.Client
	clock  *clock
	server *httptest.Server
}

// setup starts h and a client for it on the fake clock. mod adjusts the
// options before New.
func setup(t *testing.T, h http.HandlerFunc, mod func(*square.Options)) testBundle {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	clk := newClock()
	opts := square.Options{BaseURL: srv.URL, Token: testToken, Now: clk.Now, Sleep: clk.Sleep}
	if mod != nil {
		mod(&opts)
	}
	c, err := square.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return testBundle{client: c, clock: clk, server: srv}
}

// customer returns a Square customer element; fields overrides or adds
// keys (a nil value writes null).
func customer(id, updatedAt string, fields map[string]any) map[string]any {
	m := map[string]any{
		"id": id, "created_at": "2024-01-02T03:04:05.000Z", "updated_at": updatedAt,
		"given_name": "First " + id, "family_name": "Last", "email_address": id + "@example.com",
		"preferences": map[string]any{"email_unsubscribed": false}, "creation_source": "THIRD_PARTY", "version": 1,
	}
	for k, v := range fields {
		m[k] = v
	}
	return m
}

// writeJSON answers with v (or raw JSON bytes) and a Date header from clk,
// as Square's servers do; with a nil clk, without a Date header.
func writeJSON(w http.ResponseWriter, clk *clock, status int, v any) {
	body, ok := v.([]byte)
	if !ok {
		var err error
		if body, err = json.Marshal(v); err != nil {
			panic(err)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	if clk != nil {
		w.Header().Set("Date", clk.Now().UTC().Format(http.TimeFormat))
	} else {
		w.Header()["Date"] = nil // net/http would add the real time
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// sqErr is a Square error envelope with one error.
func sqErr(category, code, field, detail string) map[string]any {
	e := map[string]any{"category": category, "code": code, "detail": detail}
	if field != "" {
		e["field"] = field
	}
	return map[string]any{"errors": []any{e}}
}

// recorder keeps the requests a handler saw.
type recorder struct {
	mu     sync.Mutex
	bodies []string
	heads  []http.Header
	paths  []string
}

func (r *recorder) add(req *http.Request) (n int, body string) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bodies = append(r.bodies, string(b))
	r.heads = append(r.heads, req.Header.Clone())
	r.paths = append(r.paths, req.Method+" "+req.URL.RequestURI())
	return len(r.bodies), string(b)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.bodies)
}

func (r *recorder) body(i int) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.bodies[i]
}
