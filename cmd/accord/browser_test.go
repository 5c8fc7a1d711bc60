package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/store/storetest"
)

// chromiumPath finds Debian's chromium (or ACCORD_CHROMIUM). Without it the
// browser tests skip, unless ACCORD_TEST_REQUIRE names browser.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("ACCORD_CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if strings.Contains(os.Getenv(storetest.EnvRequire), "browser") {
		t.Fatalf("chromium not found (set ACCORD_CHROMIUM) and %s requires browser", storetest.EnvRequire)
	}
	t.Skip("browser tests skipped: chromium not found (apt-get install chromium, or set ACCORD_CHROMIUM)")
	return ""
}

// demoServer is `accord demo` running in-process, as a merchant starts it.
type demoServer struct {
	url, email, password string
	simURL               string
	dir                  string
}

var (
	dashboardLine = regexp.MustCompile(`^Dashboard: (\S+)`)
	loginLine     = regexp.MustCompile(`^Login:\s+(\S+) \(password: (\S+)\)`)
	simLine       = regexp.MustCompile(`simulator keeps running at (\S+) \(token`)
)

// startDemo runs the demo through run(), reading the dashboard's URL, the
// login and the simulator's URL from what it prints.
func startDemo(t *testing.T, args ...string) demoServer {
	t.Helper()
	d := demoServer{dir: t.TempDir()}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"demo", "--addr", "127.0.0.1:0", "--dir", d.dir}, args...), noEnv, pw, io.Discard)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	for sc.Scan() && (d.url == "" || d.password == "" || d.simURL == "") {
		line := sc.Text()
		if m := dashboardLine.FindStringSubmatch(line); m != nil {
			d.url = m[1]
		}
		if m := loginLine.FindStringSubmatch(line); m != nil {
			d.email, d.password = m[1], m[2]
		}
		if m := simLine.FindStringSubmatch(line); m != nil {
			d.simURL = m[1]
		}
	}
	go io.Copy(io.Discard, pr) //nolint:errcheck // drain until the demo stops
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("the demo did not stop within 30s")
		}
	})
	if d.url == "" || d.password == "" || d.simURL == "" {
		cancel()
		t.Fatalf("the demo did not print its URL and login (exit %d)", <-done)
	}
	return d
}

// browser is a headless chromium tab with a fresh profile.
type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	path := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	// The first action starts the browser; it must not carry a timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	shots := os.Getenv("ACCORD_SCREENSHOTS")
	if shots == "" {
		var err error
		if shots, err = os.MkdirTemp("", "accord-screenshots-"); err != nil {
			t.Fatal(err)
		}
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, ctx: ctx, base: base, shots: shots}
}

// do runs actions with a bound on how long they may take.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it holds.
func (b *browser) waitFor(what, expr string, timeout time.Duration) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout+5*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(timeout),
		chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		b.t.Fatalf("waiting for %s: %v", what, err)
	}
}

func (b *browser) open(path, ready string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS(ready)))
}

// shot saves a screenshot of the whole page.
func (b *browser) shot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(b.shots, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s", path)
}

func tid(id string) string { return `[data-testid="` + id + `"]` }

// simCustomer reads one customer from the demo's simulator.
func simCustomer(t *testing.T, d demoServer, id string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, d.simURL+"/__sim/customers", nil)
	req.Header.Set("Authorization", "Bearer "+demoToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var cs []map[string]any
	if err := json.NewDecoder(res.Body).Decode(&cs); err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c["id"] == id {
			return c
		}
	}
	t.Fatalf("simulator has no customer %s", id)
	return nil
}

func setSimFaults(t *testing.T, d demoServer, spec string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, d.simURL+"/__sim/faults", strings.NewReader(spec))
	req.Header.Set("Authorization", "Bearer "+demoToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("set simulator faults %q: %v %v", spec, res, err)
	}
	res.Body.Close()
}

func shopPhone(t *testing.T, d demoServer, id string) string {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(d.dir, "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var phone sql.NullString
	if err := db.QueryRow("SELECT phone FROM customers WHERE id = ?", id).Scan(&phone); err != nil {
		t.Fatal(err)
	}
	return phone.String
}

// TestDashboardInBrowser drives the dashboard of `accord demo` in headless
// chromium as a merchant would: sign in, decide suggestions (one with the
// keyboard), settle a conflict, pick a survivor, retry a dead letter, run
// again while watching the progress, and check that each decision did
// exactly what it says, on both sides.
func TestDashboardInBrowser(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	d := startDemo(t, "--customers", "300")
	b := newBrowser(t, d.url)
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(d.dir, "accord.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// Sign in.
	b.open("/login", tid("login-form"))
	b.shot("01-login")
	b.do("sign in", chromedp.SendKeys(chromedp.CSS("#email"), d.email), chromedp.SendKeys(chromedp.CSS("#password"), d.password),
		chromedp.Click(chromedp.CSS(tid("login-submit"))), chromedp.WaitVisible(chromedp.CSS(tid("work-suggestions"))))
	b.shot("02-overview")

	// Approve the first suggestion: the card goes, the link exists.
	b.open("/pairs/main/suggestions", tid("suggestion"))
	b.shot("03-suggestions")
	approved := mustID(t, eval[string](b, `document.querySelector('[data-testid="suggestion"]').dataset.id`))
	b.do("approve", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#suggestion-%d [data-testid="approve"]`, approved))))
	b.waitFor("the approved card to go", fmt.Sprintf(`!document.querySelector('#suggestion-%d')`, approved), 10*time.Second)
	sug := suggestionByID(t, db, approved)
	if sug.Status != engine.ReviewApproved {
		t.Fatalf("suggestion %d is %s after approval", approved, sug.Status)
	}
	links, _, err := db.FindLinks(ctx, store.LinkFilter{Pair: "main", LocalID: sug.LocalID})
	if err != nil || len(links) != 1 || links[0].UpstreamID != sug.UpstreamID || links[0].Method != engine.MethodManual {
		t.Fatalf("after approving %d: links of local %s = %+v (%v)", approved, sug.LocalID, links, err)
	}

	// Reject another with the keyboard: j selects the first card, r
	// rejects it.
	b.open("/pairs/main/suggestions", tid("suggestion"))
	b.do("select with j", chromedp.KeyEvent("j"))
	rejected := mustID(t, eval[string](b, `document.querySelector('[data-card].is-current').dataset.id`))
	b.do("reject with r", chromedp.KeyEvent("r"))
	b.waitFor("the rejected card to go", fmt.Sprintf(`!document.querySelector('#suggestion-%d')`, rejected), 10*time.Second)
	rej := suggestionByID(t, db, rejected)
	if rej.Status != engine.ReviewRejected {
		t.Fatalf("suggestion %d is %s after r", rejected, rej.Status)
	}

	// Keep the local phone of a conflicted customer.
	b.open("/pairs/main/conflicts", tid("conflict-group"))
	b.shot("04-conflicts")
	conflictID := mustID(t, eval[string](b, `[...document.querySelectorAll('[data-testid="conflict-field"][data-conflict]')]
		.find(r => r.dataset.conflict && r.querySelector('th').textContent.trim() === 'Phone').dataset.conflict`))
	cs, _, err := db.FindConflicts(ctx, store.ConflictFilter{ID: conflictID})
	if err != nil || len(cs) != 1 {
		t.Fatalf("conflict %d: %v", conflictID, err)
	}
	conflict := cs[0]
	localPhone := shopPhone(t, d, conflict.LocalID)
	upPhoneBefore := simCustomer(t, d, conflict.UpstreamID)["phone"]
	if localPhone == "" || localPhone == upPhoneBefore {
		t.Fatalf("conflict %d: local phone %q, upstream %q", conflictID, localPhone, upPhoneBefore)
	}
	b.do("keep local", chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-conflict="%d"] [data-testid="keep-local"]`, conflictID))))
	b.waitFor("the decision to be taken", fmt.Sprintf(`!document.querySelector('[data-conflict="%d"] form')`, conflictID), 10*time.Second)

	// Pick the survivor of a duplicate set (the preselected record).
	b.open("/pairs/main/duplicates", tid("duplicate-set"))
	b.shot("05-duplicates")
	setID := mustID(t, eval[string](b, `document.querySelector('[data-testid="duplicate-set"]').dataset.id`))
	survivor := eval[string](b, fmt.Sprintf(`document.querySelector('[data-testid="duplicate-set"][data-id="%d"] input[name="survivor"]:checked').value`, setID))
	b.do("choose survivor", chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-testid="duplicate-set"][data-id="%d"] [data-testid="choose-survivor"]`, setID))),
		chromedp.WaitVisible(chromedp.CSS(tid("flash"))))
	sets, _, err := db.FindDuplicateSets(ctx, store.DuplicateFilter{ID: setID})
	if err != nil || len(sets) != 1 || sets[0].Status != engine.ReviewResolved || sets[0].SurvivorID != survivor {
		t.Fatalf("duplicate set %d after choosing %s: %+v %v", setID, survivor, sets, err)
	}

	// Retry the dead letter.
	b.open("/pairs/main/outbox", tid("write"))
	b.shot("06-outbox-dead-letters")
	writeID := mustID(t, eval[string](b, `document.querySelector('[data-testid="write"]').dataset.id`))
	b.do("retry", chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-testid="write"][data-id="%d"] [data-testid="retry"]`, writeID))))
	b.waitFor("the retry to be queued", fmt.Sprintf(`!document.querySelector('[data-testid="write"][data-id="%d"] form')`, writeID), 10*time.Second)
	ws, _, err := db.FindWrites(ctx, store.WriteFilter{ID: writeID})
	if err != nil || len(ws) != 1 || ws[0].Status != engine.WritePending {
		t.Fatalf("write %d after retry: %+v %v", writeID, ws, err)
	}

	// Run again, slowly enough to watch: the run page follows its progress
	// over server-sent events.
	setSimFaults(t, d, "latency=150ms")
	b.open("/pairs/main/runs", tid("run-now"))
	b.do("run now", chromedp.Click(chromedp.CSS(tid("run-now"))), chromedp.WaitVisible(chromedp.CSS(tid("run-progress"))))
	runID := mustID(t, strings.TrimPrefix(eval[string](b, `location.pathname`), "/pairs/main/runs/"))
	b.waitFor("a progress event", `Number(document.querySelector('[data-testid="run-progress"]').dataset.eventCount || 0) >= 1`, 30*time.Second)
	progress := eval[string](b, `document.querySelector('[data-progress-text]').textContent`)
	if !strings.Contains(progress, "Reading") && !strings.Contains(progress, "Matching") && !strings.Contains(progress, "Writing") {
		t.Errorf("live progress reads %q", progress)
	}
	b.shot("07-run-in-progress")
	// The page reloads itself when the run ends; the store says when.
	var run engine.Run
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if run, err = db.FindRunByID(ctx, runID); err != nil || run.Status != engine.RunRunning || time.Now().After(deadline) {
			break
		}
	}
	setSimFaults(t, d, "")
	if err != nil || run.Status != engine.RunSucceeded {
		t.Fatalf("run %d: %+v %v", runID, run, err)
	}
	b.open(fmt.Sprintf("/pairs/main/runs/%d", runID), tid("outcomes"))
	b.shot("08-run")

	// The rejection held: the pair was re-examined and not suggested again.
	again, _, err := db.FindSuggestions(ctx, store.SuggestionFilter{Pair: "main", LocalID: rej.LocalID, UpstreamID: rej.UpstreamID})
	if err != nil || len(again) != 1 || again[0].Status != engine.ReviewRejected {
		t.Fatalf("suggestions of %s/%s after the run: %+v %v", rej.LocalID, rej.UpstreamID, again, err)
	}
	b.open("/pairs/main/suggestions?limit=200", "main")
	if eval[bool](b, fmt.Sprintf(`!!document.querySelector('#suggestion-%d')`, rejected)) {
		t.Error("the rejected suggestion is back in the queue")
	}

	// Only the chosen side changed: X-Series has the local phone, the shop
	// row is as it was.
	if got := simCustomer(t, d, conflict.UpstreamID)["phone"]; got != localPhone {
		t.Errorf("upstream phone after keeping local: %v, want %q (was %v)", got, localPhone, upPhoneBefore)
	}
	if got := shopPhone(t, d, conflict.LocalID); got != localPhone {
		t.Errorf("local phone changed to %q (was %q)", got, localPhone)
	}

	// The dead letter was tried again by the run (and refused again: its
	// birthday is still one X-Series does not take).
	outs, _, err := db.FindOutcomes(ctx, store.OutcomeFilter{RunID: runID, Kind: engine.OutcomeFailed, RecordID: ws[0].SourceID})
	if err != nil || len(outs) != 1 || outs[0].Reason != engine.ReasonRejectedByProvider {
		t.Errorf("outcome of the retried write in run %d: %+v %v", runID, outs, err)
	}
	audit, _, err := db.FindAudit(ctx, store.AuditFilter{Pair: "main", Actor: d.email})
	if err != nil || len(audit) != 5 {
		t.Errorf("audit entries by %s: %d (%v), want approve, reject, resolve, survivor and retry", d.email, len(audit), err)
	}

	// A screenshot of every page.
	for _, p := range []struct{ name, path, ready string }{
		{"09-overview-after", "/pairs/main", tid("work-suggestions")},
		{"10-links", "/pairs/main/links", tid("links")},
		{"11-link", fmt.Sprintf("/pairs/main/links/%d", links[0].ID), tid("evidence")},
		{"12-runs", "/pairs/main/runs", tid("runs")},
		{"13-outbox-pending", "/pairs/main/outbox?status=pending", "main"},
		{"14-held-plans", "/pairs/main/plans", "main"},
		{"15-audit", "/pairs/main/audit", tid("audit")},
		{"16-connections", "/pairs/main/connections", tid("connection-side")},
		{"17-settings", "/pairs/main/settings", tid("settings-form")},
		{"18-api-tokens", "/account/tokens", tid("create-token")},
		{"19-skipped", fmt.Sprintf("/pairs/main/runs/%d?kind=skipped", 1), "main"},
	} {
		b.open(p.path, p.ready)
		b.shot(p.name)
	}
	b.do("sign out", chromedp.Click(chromedp.CSS(tid("logout"))), chromedp.WaitVisible(chromedp.CSS(tid("login-form"))))
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return n
}

func suggestionByID(t *testing.T, db *store.DB, id int64) engine.Suggestion {
	t.Helper()
	ss, _, err := db.FindSuggestions(context.Background(), store.SuggestionFilter{ID: id})
	if err != nil || len(ss) != 1 {
		t.Fatalf("suggestion %d: %v", id, err)
	}
	return ss[0]
}
