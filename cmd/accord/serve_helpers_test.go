package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accordhq/accord/store"
)

// publicHost is the host of public_url in these tests. The configuration
// needs accord's public address (the OAuth redirect URL, the webhook
// notification URL that Square signs) before serve picks a free port, so
// clients reach this name through a dialer that knows the port.
const publicHost = "accord.test"

// publicDialer sends connections for publicHost to the serve address.
type publicDialer struct{ addr atomic.Pointer[string] }

func (p *publicDialer) set(base string) {
	u, _ := url.Parse(base)
	host := u.Host
	p.addr.Store(&host)
}

func (p *publicDialer) transport() *http.Transport {
	return &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == publicHost+":80" {
			if a := p.addr.Load(); a != nil {
				addr = *a
			}
		}
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
}

// browser returns a client with a cookie jar that follows redirects,
// recording each URL it is sent to.
func (p *publicDialer) browser(visited *[]string) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Transport: p.transport(), Timeout: 30 * time.Second,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			*visited = append(*visited, req.URL.String())
			if len(via) > 10 {
				return http.ErrUseLastResponse
			}
			return nil
		}}
}

// apiClient calls serve's JSON API with a bearer token.
type apiClient struct {
	t     *testing.T
	base  string
	token string
}

// newAPIUser adds a login and an API token for it, before serve starts,
// and returns the password and the token.
func newAPIUser(t *testing.T, env map[string]string, cfg string) (password, token string) {
	t.Helper()
	code, out, errOut := runCLI(t, env, "user", "add", "ann@shop.nz", "--config", cfg)
	m := regexp.MustCompile(`Password: (\S+)`).FindStringSubmatch(out)
	if code != exitOK || m == nil {
		t.Fatalf("user add: exit %d: %s %s", code, out, errOut)
	}
	code, token, errOut = runCLI(t, env, "user", "token", "ann@shop.nz", "--config", cfg, "--name", "test")
	if code != exitOK {
		t.Fatalf("user token: exit %d: %s", code, errOut)
	}
	return m[1], strings.TrimSpace(token)
}

func (a apiClient) do(method, path string) (int, map[string]any) {
	a.t.Helper()
	req, _ := http.NewRequest(method, a.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+a.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	var v map[string]any
	_ = json.NewDecoder(res.Body).Decode(&v)
	return res.StatusCode, v
}

// apiRunView is the part of a run the tests read.
type apiRunView struct {
	ID       int64                     `json:"id"`
	Status   string                    `json:"status"`
	Trigger  string                    `json:"trigger"`
	Error    string                    `json:"error"`
	APICalls int64                     `json:"api_calls"`
	Counts   map[string]map[string]int `json:"counts"`
}

func decodeRun(t *testing.T, v any) apiRunView {
	t.Helper()
	b, _ := json.Marshal(v)
	var r apiRunView
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// runPair starts a run of pair through the API and waits for its end.
func (a apiClient) runPair(pair string) apiRunView {
	a.t.Helper()
	code, v := a.do(http.MethodPost, "/api/v1/pairs/"+pair+"/runs")
	if code != http.StatusAccepted {
		a.t.Fatalf("start run: %d %v", code, v)
	}
	return a.waitRun(int64(v["run_id"].(float64)))
}

// waitRun polls a run until it is no longer running, for at most 30 s.
func (a apiClient) waitRun(id int64) apiRunView {
	a.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, v := a.do(http.MethodGet, fmt.Sprintf("/api/v1/runs/%d", id))
		r := decodeRun(a.t, v["run"])
		if r.Status != "running" {
			return r
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("run %d still running after 30s", id)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// runs lists the pair's runs, newest first.
func (a apiClient) runs(pair string) []apiRunView {
	a.t.Helper()
	code, v := a.do(http.MethodGet, "/api/v1/pairs/"+pair+"/runs")
	if code != http.StatusOK {
		a.t.Fatalf("runs: %d %v", code, v)
	}
	var out []apiRunView
	for _, r := range v["runs"].([]any) {
		out = append(out, decodeRun(a.t, r))
	}
	return out
}

// eventually polls cond every 20 ms until it holds, failing after 30 s
// with what.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after 30s: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// openTestStore opens a second handle on serve's store, to check what it
// wrote; SQLite in WAL mode lets both work at once.
func openTestStore(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := openStore(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// addShopCustomer inserts a customer into a shop database made by
// writeDemoShop, as the merchant's shop would.
func addShopCustomer(t *testing.T, path string, id int, first, last, email string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.Exec(`INSERT INTO customers (id, first_name, last_name, email, updated_at) VALUES (?,?,?,?,?)`,
		id, first, last, email, time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
}

func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
