package sim

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a fake clock tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)} }

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

// testBundle is one simulator behind a real HTTP server.
type testBundle struct {
	sim   *Server
	ts    *httptest.Server
	clock *clock
	token string
}

// setup starts a simulator on a fake clock (unless opts has one).
func setup(t *testing.T, opts Options) *testBundle {
	t.Helper()
	clk := newClock()
	if opts.Now == nil {
		opts.Now = clk.Now
	}
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		s.Close()
		ts.Close()
	})
	return &testBundle{sim: s, ts: ts, clock: clk, token: cmp.Or(opts.Token, "sim-token")}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request with the bundle's token. body may be nil, a string sent
// as is, or a value sent as JSON.
func (b *testBundle) do(t *testing.T, method, path string, body any) response {
	t.Helper()
	return b.doAuth(t, method, path, "Bearer "+b.token, body)
}

func (b *testBundle) doAuth(t *testing.T, method, path, auth string, body any) response {
	t.Helper()
	req := newRequest(t, method, b.ts.URL+path, auth, body)
	resp, err := b.ts.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return response{resp.StatusCode, resp.Header, data}
}

func newRequest(t *testing.T, method, url, auth string, body any) *http.Request {
	t.Helper()
	var rd io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(v)
	default:
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("marshal request: %v", err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

func decode[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %T from %d %q: %v", v, r.status, r.body, err)
	}
	return v
}

// expectError fails unless r has the status and one Square error with the
// code (and field, when field is not "-").
func expectError(t *testing.T, r response, status int, code, field string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d (body %s)", r.status, status, r.body)
	}
	e := decode[errorBody](t, r)
	if len(e.Errors) != 1 || e.Errors[0].Code != code || e.Errors[0].Category == "" {
		t.Fatalf("errors = %+v, want one with code %s", e.Errors, code)
	}
	if field != "-" && e.Errors[0].Field != field {
		t.Fatalf("error field = %q, want %q (%s)", e.Errors[0].Field, field, r.body)
	}
}

// searchAll pages through a search with body (a map without cursor) and
// returns the ids in order and the number of requests.
func (b *testBundle) searchAll(t *testing.T, body map[string]any) ([]string, int) {
	t.Helper()
	var ids []string
	calls := 0
	for cursor := ""; ; {
		req := map[string]any{}
		for k, v := range body {
			req[k] = v
		}
		if cursor != "" {
			req["cursor"] = cursor
		}
		r := b.do(t, http.MethodPost, "/v2/customers/search", req)
		calls++
		if r.status != http.StatusOK {
			t.Fatalf("search = %d %s", r.status, r.body)
		}
		page := decode[searchResponse](t, r)
		for _, c := range page.Customers {
			ids = append(ids, c.ID)
		}
		if page.Cursor == "" {
			return ids, calls
		}
		cursor = page.Cursor
	}
}

// publicIDs returns the ids of the public customers in created order.
func publicIDs(cs []Customer) []string {
	var ids []string
	for _, c := range cs {
		if c.Public() {
			ids = append(ids, c.ID)
		}
	}
	return ids
}
