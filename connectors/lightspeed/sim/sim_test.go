package sim

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// testBundle is one simulator behind a real HTTP server.
type testBundle struct {
	sim   *Server
	ts    *httptest.Server
	token string
}

func setup(t *testing.T, opts Options) *testBundle {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		s.Close()
		ts.Close()
	})
	return &testBundle{sim: s, ts: ts, token: cmp.Or(opts.Token, "sim-token")}
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
	resp, err := b.send(t, method, path, auth, body)
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

func (b *testBundle) send(t *testing.T, method, path, auth string, body any) (*http.Response, error) {
	t.Helper()
	req := newRequest(t, method, b.ts.URL+path, auth, body)
	return b.ts.Client().Do(req)
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

// expect fails unless r has the status and, for an error status, the
// X-Series error body whose message contains want.
func expect(t *testing.T, r response, status int, want string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d (body %s)", r.status, status, r.body)
	}
	if status < 400 {
		return
	}
	var e map[string]any
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("error body %q is not JSON: %v", r.body, err)
	}
	if len(e) != 2 || e["error"] != http.StatusText(status) {
		t.Fatalf("error body = %s, want {\"error\":%q,\"message\":...}", r.body, http.StatusText(status))
	}
	if msg, _ := e["message"].(string); !strings.Contains(msg, want) {
		t.Fatalf("error message = %q, want it to contain %q", msg, want)
	}
}

// page is a decoded GET /customers body.
type page struct {
	Data    []Customer `json:"data"`
	Version *struct {
		Min int64 `json:"min"`
		Max int64 `json:"max"`
	} `json:"version"`
}

type one struct {
	Data Customer `json:"data"`
}

func (b *testBundle) create(t *testing.T, body map[string]any) Customer {
	t.Helper()
	r := b.do(t, http.MethodPost, "/api/2.0/customers", body)
	expect(t, r, http.StatusCreated, "")
	return decode[one](t, r).Data
}

// fakeClock is an injectable clock that moves only when told.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestNewRejectsBadOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"registers", Options{Registers: -1}, "Registers"},
		{"customers", Options{Customers: -5}, "Customers"},
		{"page size", Options{MaxPageSize: -1}, "MaxPageSize"},
		{"faults", Options{Faults: Faults{ServerError: 1.5}}, "500"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New error = %v, want one naming %q", err, tc.want)
			}
		})
	}
}

func TestAuth(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Token: "secret", Customers: 3})
	for _, tc := range []struct{ name, path, auth string }{
		{"no header", "/api/2.0/customers", ""},
		{"wrong token", "/api/2.0/customers", "Bearer nope"},
		{"not bearer", "/api/2.0/customers", "Basic c2VjcmV0"},
		{"unknown route", "/api/2.0/nothing", ""},
		{"admin", "/__sim/stats", "Bearer sim-token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expect(t, b.doAuth(t, http.MethodGet, tc.path, tc.auth, nil), http.StatusUnauthorized, "token")
		})
	}
	expect(t, b.do(t, http.MethodGet, "/api/2.0/customers", nil), http.StatusOK, "")
	if st := b.sim.Stats(); st.Unauthorized != 4 || st.List != 1 || st.Total != 5 {
		t.Fatalf("stats = %+v, want 4 unauthorized (admin not counted), 1 list, 5 total", st)
	}
}

func TestUnknownRoutes(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/api/2.0/products", http.StatusNotFound},
		{http.MethodGet, "/api/2.0/customers/a/b", http.StatusNotFound},
		{http.MethodGet, "/api/2.0/customers/", http.StatusNotFound},
		{http.MethodGet, "/elsewhere", http.StatusNotFound},
		{http.MethodGet, "/__sim/nothing", http.StatusNotFound},
		{http.MethodPatch, "/api/2.0/customers", http.StatusMethodNotAllowed},
		{http.MethodPost, "/api/2.0/search", http.StatusMethodNotAllowed},
	} {
		r := b.do(t, tc.method, tc.path, nil)
		expect(t, r, tc.status, "no route")
	}
}

func TestErrNotFoundHelpers(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	if err := b.sim.Update("missing", nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Update(missing) = %v, want ErrNotFound", err)
	}
	if err := b.sim.Delete("missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Delete(missing) = %v, want ErrNotFound", err)
	}
}

// TestConcurrentUse runs writers, readers and helpers at once; with -race it
// checks the locking, and the final count checks no write was lost.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Customers: 100, Faults: Faults{Latency: time.Microsecond}})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 10 {
				body := map[string]any{"first_name": "C", "last_name": "W", "email": "c@example.com"}
				resp, err := b.send(t, http.MethodPost, "/api/2.0/customers", "Bearer sim-token", body)
				if err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
				resp.Body.Close()
				_ = b.sim.Update(b.sim.Customers(false)[i].ID, func(c *Customer) { c.Note = ptr("edited") })
				resp, err = b.send(t, http.MethodGet, "/api/2.0/search?type=customers&email=c@example.com", "Bearer sim-token", nil)
				if err != nil {
					t.Errorf("reader %d: %v", w, err)
					return
				}
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	if n := len(b.sim.Customers(true)); n != 140 {
		t.Fatalf("%d customers after 40 concurrent creates on 100, want 140", n)
	}
	if st := b.sim.Stats(); st.Create != 40 || st.Search != 40 {
		t.Fatalf("stats = %+v, want 40 creates and 40 searches", st)
	}
}
