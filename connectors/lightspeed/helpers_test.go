package lightspeed_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accordhq/accord/connectors/lightspeed"
)

// testToken is distinctive so that a leak is easy to find in any string.
const testToken = "tok-SECRET-5f3a9c77e1"

// epoch is the fake clock's start; whole seconds, like HTTP dates.
var epoch = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)

// clock is a fake clock: Sleep records the duration and moves time on, so
// waits are asserted exactly and tests never sleep.
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
	client *lightspeed.Client
	clock  *clock
	server *httptest.Server
}

// setup starts h and a client for it with the fake clock. mod adjusts the
// options before New.
func setup(t *testing.T, h http.HandlerFunc, mod func(*lightspeed.Options)) testBundle {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	clk := newClock()
	opts := lightspeed.Options{
		BaseURL: srv.URL,
		Token:   testToken,
		Now:     clk.Now,
		Sleep:   clk.Sleep,
	}
	if mod != nil {
		mod(&opts)
	}
	c, err := lightspeed.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return testBundle{client: c, clock: clk, server: srv}
}

// customer returns an X-Series customer element with the given id and
// version; fields overrides or adds keys (a nil value writes null).
func customer(id string, version int64, fields map[string]any) map[string]any {
	m := map[string]any{
		"id": id, "customer_code": "C-" + id, "first_name": "First " + id, "last_name": "Last",
		"email": id + "@example.com", "phone": nil, "mobile": nil, "company_name": nil,
		"date_of_birth": nil, "physical_address_1": nil, "physical_city": nil,
		"custom_field_1": nil, "created_at": "2024-01-02T03:04:05+00:00",
		"updated_at": "2025-01-02T03:04:05+00:00", "deleted_at": nil, "version": version,
		"balance": -25840.85, "enable_loyalty": true,
	}
	for k, v := range fields {
		m[k] = v
	}
	return m
}

// feedBody is a GET /customers response with the given elements; elements
// may be maps or raw JSON strings. version.max is max.
func feedBody(min, max int64, elems ...any) []byte {
	var parts []string
	for _, e := range elems {
		if s, ok := e.(string); ok {
			parts = append(parts, s)
			continue
		}
		b, err := json.Marshal(e)
		if err != nil {
			panic(err)
		}
		parts = append(parts, string(b))
	}
	if len(parts) == 0 {
		return []byte(`{"data":[],"version":{"min":null,"max":null}}`)
	}
	return fmt.Appendf(nil, `{"data":[%s],"version":{"min":%d,"max":%d}}`, strings.Join(parts, ","), min, max)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeErr(w http.ResponseWriter, status int, title, msg string) {
	b, _ := json.Marshal(map[string]string{"error": title, "message": msg})
	writeJSON(w, status, b)
}

// tooMany answers 429 with an HTTP-date Retry-After at t.
func tooMany(w http.ResponseWriter, t time.Time) {
	w.Header().Set("Retry-After", t.UTC().Format(http.TimeFormat))
	writeErr(w, http.StatusTooManyRequests, "Too Many Requests", "Rate limiting enforced")
}

// counter counts requests safely across handler goroutines.
type counter struct {
	mu sync.Mutex
	n  int
	qs []string
}

func (c *counter) add(r *http.Request) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	c.qs = append(c.qs, r.URL.RawQuery)
	return c.n
}

func (c *counter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
