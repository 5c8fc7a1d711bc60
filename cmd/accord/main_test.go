package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord/connectors/lightspeed/sim"
	"github.com/accordhq/accord/engine"
)

// runCLI runs accord with args and returns its exit code and output.
func runCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
	return code, out.String(), errOut.String()
}

// pairFixture is a shop database and an X-Series simulator with one
// customer each, and a configuration file for them.
type pairFixture struct {
	dir, cfg string
	sim      *sim.Server
}

func newPairFixture(t *testing.T, extra string) pairFixture {
	t.Helper()
	return newPairFixtureWith(t, fixtureOptions{extra: extra})
}

// fixtureOptions vary a pairFixture.
type fixtureOptions struct {
	// locals, when set, are the shop's customers instead of Ann (id 1,
	// who matches upstream by email) and Bob (id 2, local only).
	locals []demoLocal
	// wrap, when set, wraps the simulator's handler (to fault or record
	// requests).
	wrap func(http.Handler) http.Handler
	// extra is appended to the configuration: keys of the pair at four
	// spaces, or top-level keys at none.
	extra string
}

func newPairFixtureWith(t *testing.T, o fixtureOptions) pairFixture {
	t.Helper()
	dir := t.TempDir()
	shop := filepath.Join(dir, "shop.db")
	locals := o.locals
	if locals == nil {
		locals = []demoLocal{{ID: 1, FirstName: "Ann", LastName: "Lee", Email: "ann@mail.nz"},
			{ID: 2, FirstName: "Bob", LastName: "Local", Email: "bob@mail.nz"}}
	}
	if err := writeDemoShop(context.Background(), shop, locals, time.Now()); err != nil {
		t.Fatal(err)
	}
	s, err := sim.New(sim.Options{Token: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Load(strings.NewReader(`[{"first_name":"Ann","last_name":"Lee","email":"ANN@mail.nz"}]`)); err != nil {
		t.Fatal(err)
	}
	var h http.Handler = s
	if o.wrap != nil {
		h = o.wrap(s)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg := filepath.Join(dir, "accord.yaml")
	body := fmt.Sprintf(`database: sqlite:%s
pairs:
  - name: main
    local:
      dsn: sqlite:%s
      table: customers
      upstream_id: lightspeed_id
      fields: {email: email, first_name: first_name, last_name: last_name}
    upstream:
      type: lightspeed
      base_url: %s
      token: ${TOKEN}
%s`, filepath.Join(dir, "accord.db"), shop, srv.URL, o.extra)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return pairFixture{dir: dir, cfg: cfg, sim: s}
}

func TestRunJSONAndExport(t *testing.T) {
	t.Parallel()
	f := newPairFixture(t, "")
	env := map[string]string{"TOKEN": "tok"}
	code, out, errOut := runCLI(t, env, "run", "--config", f.cfg, "--json")
	if code != exitOK {
		t.Fatalf("run exited %d: %s", code, errOut)
	}
	var s runSummary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("run --json printed %q: %v", out, err)
	}
	if s.Status != engine.RunSucceeded || s.Links["email"] != 1 || s.Links["pushed"] != 1 || s.APICalls < 2 {
		t.Errorf("summary = %+v", s)
	}
	if strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Errorf("--json printed more than one line: %q", out)
	}

	code, out, _ = runCLI(t, env, "export", "links", "--config", f.cfg, "--format", "json")
	var links []map[string]any
	if code != exitOK || json.Unmarshal([]byte(out), &links) != nil || len(links) != 2 {
		t.Fatalf("export links json: exit %d, %d links: %s", code, len(links), out)
	}
	code, out, _ = runCLI(t, env, "export", "runs", "--config", f.cfg)
	if code != exitOK || !strings.HasPrefix(out, "id,pair,status,") || strings.Count(out, "\n") != 2 {
		t.Fatalf("export runs csv: exit %d:\n%s", code, out)
	}
	code, out, _ = runCLI(t, env, "migrate", "status", "--config", f.cfg)
	if code != exitOK || !strings.Contains(out, "init") {
		t.Fatalf("migrate status: exit %d:\n%s", code, out)
	}
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	good := newPairFixture(t, "")
	badColumn := newPairFixture(t, "")
	data, _ := os.ReadFile(badColumn.cfg)
	if err := os.WriteFile(badColumn.cfg, bytes.Replace(data, []byte("email: email"), []byte("email: emial"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	down := newPairFixture(t, "")
	data, _ = os.ReadFile(down.cfg)
	// A base URL nothing listens on: the run fails, the configuration is fine.
	bad := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).ReplaceAll(data, []byte("http://127.0.0.1:1"))
	if err := os.WriteFile(down.cfg, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TOKEN": "tok"}
	cases := []struct {
		name string
		env  map[string]string
		args []string
		code int
		msg  string
	}{
		{"unknown command", env, []string{"frobnicate"}, exitUsage, "unknown command"},
		{"unknown flag", env, []string{"run", "--colour"}, exitUsage, "colour"},
		{"missing config", env, []string{"run", "--config", filepath.Join(good.dir, "nope.yaml")}, exitUsage, "nope.yaml"},
		{"unset variable", nil, []string{"run", "--config", good.cfg}, exitUsage, "TOKEN"},
		{"column not in the table", env, []string{"run", "--config", badColumn.cfg}, exitUsage, `pairs.main.local.fields.email: column "emial"`},
		{"unknown pair", env, []string{"run", "--config", good.cfg, "--pair", "other"}, exitUsage, `"other"`},
		{"bad export format", env, []string{"export", "links", "--config", good.cfg, "--format", "xml"}, exitUsage, "xml"},
		{"upstream down", env, []string{"run", "--config", down.cfg}, exitFailed, "pull upstream"},
		{"ok", env, []string{"run", "--config", good.cfg}, exitOK, ""},
	}
	for _, tc := range cases {
		code, _, errOut := runCLI(t, tc.env, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.msg) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d mentioning %q", tc.name, code, errOut, tc.code, tc.msg)
		}
	}
}

func TestSandboxPrintsBaseURLAndToken(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"sandbox", "lightspeed", "--customers", "3"}, noEnv, pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(line)
	if len(f) != 2 || !strings.HasPrefix(f[0], "http://127.0.0.1:") || len(f[1]) < 16 {
		t.Fatalf("first line = %q, want base URL and token", line)
	}
	cancel()
	go io.Copy(io.Discard, pr) //nolint:errcheck // drain until the writer closes
	if code := <-done; code != exitOK {
		t.Fatalf("sandbox exited %d after cancel", code)
	}
}
