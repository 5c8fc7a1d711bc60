package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

// replica is one `accord serve` running in-process, stopped by kill or at
// the end of the test.
type replica struct {
	base string
	kill func() // stops it as SIGTERM would, and waits for it to exit
	log  *syncBuffer
}

// syncBuffer is a log destination the test reads while serve writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startReplica starts `accord serve` like startServe, but lets the test
// stop it early.
func startReplica(t *testing.T, env map[string]string, args ...string) replica {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	logs := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, pw, logs)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("serve printed nothing: %v (exit %d)", err, <-done)
	}
	go io.Copy(io.Discard, pr) //nolint:errcheck // drain until the writer closes
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "accord dashboard at ")
	if !ok {
		cancel()
		t.Fatalf("first line %q", line)
	}
	exited := false
	kill := func() {
		if exited {
			return
		}
		exited = true
		cancel()
		select {
		case code := <-done:
			if code != exitOK {
				t.Errorf("serve exited %d after cancel", code)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop within 30s of cancel")
		}
	}
	t.Cleanup(kill)
	return replica{base: base, kill: kill, log: logs}
}

// answers reports whether the replica still serves its sign-in page.
func (r replica) answers(t *testing.T) bool {
	t.Helper()
	res, err := http.Get(r.base + "/login")
	if err != nil {
		return false
	}
	res.Body.Close()
	return res.StatusCode == http.StatusOK
}

// apiToken creates a login and an API token for it with the CLI.
func apiToken(t *testing.T, env map[string]string, cfg string) string {
	t.Helper()
	if code, _, errOut := runCLI(t, env, "user", "add", "ops@shop.nz", "--config", cfg); code != exitOK {
		t.Fatalf("user add: exit %d: %s", code, errOut)
	}
	code, token, errOut := runCLI(t, env, "user", "token", "ops@shop.nz", "--config", cfg, "--name", "till")
	if code != exitOK {
		t.Fatalf("user token: exit %d: %s", code, errOut)
	}
	return strings.TrimSpace(token)
}

// signUp adds a login with the CLI and returns its password.
func signUp(t *testing.T, env map[string]string, cfg, email string) string {
	t.Helper()
	code, out, errOut := runCLI(t, env, "user", "add", email, "--config", cfg)
	m := regexp.MustCompile(`Password: (\S+)`).FindStringSubmatch(out)
	if code != exitOK || m == nil {
		t.Fatalf("user add: exit %d: %s %s", code, out, errOut)
	}
	return m[1]
}

// callAPI sends a JSON request with the token and decodes the answer.
func callAPI(t *testing.T, base, token, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return 0, nil
	}
	defer res.Body.Close()
	var v map[string]any
	_ = json.NewDecoder(res.Body).Decode(&v)
	return res.StatusCode, v
}

// openStoreT opens the replicas' store to look at what they recorded.
func openStoreT(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// runsOf returns the pair's runs, oldest first.
func runsOf(t *testing.T, db *store.DB) []engine.Run {
	t.Helper()
	runs, _, err := db.FindRuns(context.Background(), store.RunFilter{Pair: "main", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].StartedAt.Before(runs[j].StartedAt) })
	return runs
}

// waitFor polls cond until it holds, failing the test at the deadline.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// addShopCustomers inserts customers into the fixture's shop database,
// as the merchant's own application would.
func addShopCustomers(t *testing.T, f pairFixture, rows ...demoLocal) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(f.dir, "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, r := range rows {
		if _, err := db.Exec(`INSERT INTO customers (id, first_name, last_name, email, updated_at) VALUES (?,?,?,?,?)`,
			r.ID, r.FirstName, r.LastName, nullable(r.Email), time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
	}
}

// shopCount counts the customers in the fixture's shop database.
func shopCount(t *testing.T, f pairFixture) int {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(f.dir, "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM customers`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
