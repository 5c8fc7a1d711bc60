package scenario

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/accordhq/accord/store/storetest"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// accordBinary builds cmd/accord once per test process.
func accordBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "accord-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "accord")
		out, err := exec.Command("go", "build", "-o", binPath, "../cmd/accord").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// TestKilledRunsLeaveNoDuplicates kills `accord run` with SIGKILL at random
// moments, at least 20 times, against a simulator injecting 429s, 500s,
// timeouts, truncated bodies and latency, then runs it until it finishes.
// Nothing may be duplicated, nothing lost, and no lock left stuck.
func TestKilledRunsLeaveNoDuplicates(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL is POSIX")
	}
	providers(t, func(t *testing.T, dialect, provider string) {
		bin := accordBinary(t)
		dir := t.TempDir()
		database := "sqlite:" + filepath.Join(dir, "accord.db")
		if dialect == "postgres" {
			database = storetest.PostgresDSN(t)
		}
		const localOnly, upOnly, shared = 300, 60, 40

		// The shop: local-only customers and customers both sides share.
		h := &harness{t: t, dialect: "sqlite"}
		shopPath := filepath.Join(dir, "shop.db")
		shop, err := openSQLite(shopPath)
		if err != nil {
			t.Fatal(err)
		}
		h.shop = shop
		t.Cleanup(func() { shop.Close() })
		h.exec(sqliteShopSchema)
		var rows []shopRow
		for i := range localOnly {
			rows = append(rows, shopRow{First: "Local", Last: fmt.Sprint(i), Email: fmt.Sprintf("local%d@mail.nz", i)})
		}
		for i := range shared {
			rows = append(rows, shopRow{First: "Both", Last: fmt.Sprint(i), Email: fmt.Sprintf("both%d@mail.nz", i)})
		}
		localIDs := h.addLocal(rows...)

		var up []map[string]any
		person := func(first, last, email string) map[string]any {
			if provider == "square" {
				return map[string]any{"given_name": first, "family_name": last, "email_address": email}
			}
			return map[string]any{"first_name": first, "last_name": last, "email": email}
		}
		for i := range upOnly {
			up = append(up, person("Up", fmt.Sprint(i), fmt.Sprintf("up%d@mail.nz", i)))
		}
		for i := range shared {
			up = append(up, person("Both", fmt.Sprint(i), fmt.Sprintf("both%d@mail.nz", i)))
		}
		load := filepath.Join(dir, "upstream.json")
		data, _ := json.Marshal(up)
		if err := os.WriteFile(load, data, 0o644); err != nil {
			t.Fatal(err)
		}

		base, token := startSandbox(t, bin, provider, "--load", load, "--seed", "3", "--rate-window", "2s",
			"--faults", "429=0.05,500=0.02,timeout=0.01,truncate=0.01,latency=20ms")
		cfg := filepath.Join(dir, "accord.yaml")
		writeFile(t, cfg, fmt.Sprintf(`database: %s
pairs:
  - name: main
    local:
      dsn: sqlite:%s
      table: customers
      upstream_id: lightspeed_id
      fields: {email: email, first_name: first_name, last_name: last_name}
    upstream:
      type: %s
      base_url: %s
      token: %s
      timeout: 2s
      settle_delay: 300ms
    guard: {max_creates: 0, max_percent: 0}
`, database, shopPath, provider, base, token))

		rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
		kills, finished := 0, 0
		for kills < 20 {
			cmd := exec.Command(bin, "run", "--config", cfg)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				finished++
				if code := exitCode(err); code == 2 {
					t.Fatalf("run exited 2 (bad configuration): %s", stderr.String())
				}
			case <-time.After(time.Duration(30+rng.IntN(600)) * time.Millisecond):
				_ = cmd.Process.Signal(syscall.SIGKILL)
				<-done
				kills++
			}
		}

		// Run until a run finishes with nothing left in the outbox.
		var last runJSON
		deadline := time.Now().Add(2 * time.Minute)
		for i := 0; ; i++ {
			if time.Now().After(deadline) {
				t.Fatalf("still not finished after %d runs: %+v", i, last)
			}
			if i > 0 {
				time.Sleep(500 * time.Millisecond) // let retries come due
			}
			out, err := exec.Command(bin, "run", "--config", cfg, "--json").Output()
			if code := exitCode(err); code != 0 {
				// A fault may fail a run (a page that kept failing); that is
				// not a stuck lock, which would say "locked".
				if ee, ok := err.(*exec.ExitError); ok && strings.Contains(string(ee.Stderr), "locked") {
					t.Fatalf("a lock was left stuck: %s", ee.Stderr)
				}
				continue
			}
			if err := json.Unmarshal(out, &last); err != nil {
				t.Fatalf("run --json: %v\n%s", err, out)
			}
			if last.Outbox["pending"]+last.Outbox["inflight"]+last.Outbox["planned"] == 0 {
				break
			}
		}
		t.Logf("%d runs killed, %d finished on their own", kills, finished)

		// Through the simulator's own API: every local customer exactly
		// once upstream, and nothing else created.
		all := simCustomers(t, base, token, provider)
		refs := map[string]int{}
		for _, c := range all {
			if c.Ref != "" {
				refs[c.Ref]++
			}
		}
		for i, id := range localIDs {
			want := 1
			if i >= localOnly {
				want = 0 // shared customers are linked by email, never created
			}
			if refs[id] != want {
				t.Errorf("local %s is upstream %d times, want %d", id, refs[id], want)
			}
		}
		if len(all) != localOnly+upOnly+shared {
			t.Errorf("the simulator holds %d customers, want %d", len(all), localOnly+upOnly+shared)
		}
		// Every upstream-only customer is in the shop exactly once.
		got := map[string]int{}
		for _, r := range h.shopRows() {
			if r.LightspeedID != "" {
				got[r.LightspeedID]++
			}
		}
		for _, c := range all {
			if strings.HasPrefix(c.Email, "up") && got[c.ID] != 1 {
				t.Errorf("upstream %s is in the shop %d times, want 1", c.ID, got[c.ID])
			}
		}
		if n := len(h.shopRows()); n != localOnly+shared+upOnly {
			t.Errorf("the shop holds %d rows, want %d", n, localOnly+shared+upOnly)
		}
	})
}

type runJSON struct {
	Status string         `json:"status"`
	Outbox map[string]int `json:"outbox"`
}

type simCustomer struct {
	ID, Email, Ref string
}

// simCustomers reads every customer through the simulator's own admin API.
func simCustomers(t *testing.T, base, token, provider string) []simCustomer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/__sim/customers?deleted=true", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	emailKey, refKey := "email", "custom_field_1"
	if provider == "square" {
		emailKey, refKey = "email_address", "reference_id"
	}
	cs := make([]simCustomer, len(raw))
	for i, c := range raw {
		s := func(k string) string { v, _ := c[k].(string); return v }
		cs[i] = simCustomer{ID: s("id"), Email: s(emailKey), Ref: s(refKey)}
	}
	return cs
}

// startSandbox runs `accord sandbox lightspeed` and returns its base URL and
// token from the first line of its output.
func startSandbox(t *testing.T, bin, provider string, args ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, append([]string{"sandbox", provider, "--addr", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	f := strings.Fields(line)
	if len(f) != 2 || !strings.HasPrefix(f[0], "http://127.0.0.1:") {
		t.Fatalf("sandbox first line = %q, want base URL and token", line)
	}
	return f[0], f[1]
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}
