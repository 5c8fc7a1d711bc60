package web

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/accordhq/accord/engine"
)

// expectRedirect checks a form action's 303 and the message the next page
// shows.
func (b *testBundle) expectRedirect(c *http.Client, res *http.Response, to, flash string) {
	b.t.Helper()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != to {
		body, _ := io.ReadAll(res.Body)
		b.t.Fatalf("%d to %q, want 303 to %q\n%s", res.StatusCode, res.Header.Get("Location"), to, body)
	}
	doc := b.page(c, to, http.StatusOK)
	if got := text(doc, testid("flash")); !strings.Contains(got, flash) {
		b.t.Errorf("flash %q, want it to contain %q", got, flash)
	}
}

func TestSuggestionDecisions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.login()
	back := "/pairs/main/suggestions?sort=oldest"
	res := b.post(c, "/pairs/main/suggestions/1/approve", url.Values{"return": {back}})
	b.expectRedirect(c, res, back, "Linked 11 with u-11")
	res = b.post(c, "/pairs/main/suggestions/1/approve", url.Values{"return": {back}})
	b.expectRedirect(c, res, back, "not open")
	res = b.post(c, "/pairs/main/suggestions/2/reject", url.Values{"return": {"https://evil.example/"}})
	b.expectRedirect(c, res, "/pairs/main/suggestions", "will not suggest these two again")
	if got := strings.Join(b.store.calls, ", "); got != "approved 1, rejected 2" {
		t.Errorf("decisions %q", got)
	}
	res = b.post(c, "/pairs/main/suggestions/99/approve", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("unknown suggestion: %d", res.StatusCode)
	}
}

// The page's script submits forms asking for JSON; the answer says what
// happened instead of redirecting.
func TestAsyncDecision(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.login()
	res := b.post(c, "/pairs/main/suggestions/2/approve", nil, "Accept", "application/json")
	var body struct {
		OK      bool   `json:"ok"`
		Message string `json:"message"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || res.StatusCode != 200 || !body.OK {
		t.Fatalf("%d %+v %v", res.StatusCode, body, err)
	}
	res = b.post(c, "/pairs/main/suggestions/2/approve", nil, "Accept", "application/json")
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("second approval: %d, want 409", res.StatusCode)
	}
}

func TestBulkApproval(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.login()
	res := b.post(c, "/pairs/main/suggestions/bulk-approve", url.Values{"min_score": {"0.9"}})
	b.expectRedirect(c, res, "/pairs/main/suggestions", "Approved 1 suggestion scoring at least 0.90")
	if b.store.suggestions[1].Status != engine.ReviewOpen {
		t.Error("bulk approval went below the score")
	}
	res = b.post(c, "/pairs/main/suggestions/bulk-approve", url.Values{"min_score": {"0.2"}})
	b.expectRedirect(c, res, "/pairs/main/suggestions", "from 0.50 to 1")
}

func TestConflictDecisions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.login()
	res := b.post(c, "/pairs/main/conflicts/7/resolve", url.Values{"keep": {"sideways"}})
	b.expectRedirect(c, res, "/pairs/main/conflicts", "choose local, upstream or both")
	res = b.post(c, "/pairs/main/conflicts/7/resolve", url.Values{"keep": {"local"}})
	b.expectRedirect(c, res, "/pairs/main/conflicts", "Kept the local phone. It will be written to Lightspeed on the next run.")
	if got := strings.Join(b.store.calls, ", "); got != "resolve 7 local" {
		t.Errorf("calls %q", got)
	}
	b.store.conflicts[0].Status = engine.ConflictOpen
	res = b.post(c, "/pairs/main/conflicts/7/resolve", url.Values{"keep": {"both"}})
	b.expectRedirect(c, res, "/pairs/main/conflicts", "Kept both values")
}

func TestDuplicateDecisions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.login()
	res := b.post(c, "/pairs/main/duplicates/5/survivor", url.Values{"survivor": {"99"}})
	b.expectRedirect(c, res, "/pairs/main/duplicates", "not a member")
	res = b.post(c, "/pairs/main/duplicates/5/survivor", url.Values{"survivor": {"22"}})
	b.expectRedirect(c, res, "/pairs/main/duplicates", "Kept 22")
	if s := b.store.sets[0]; s.Status != engine.ReviewResolved || s.SurvivorID != "22" {
		t.Errorf("set %+v", s)
	}
	b.store.sets[0].Status = engine.ReviewOpen
	res = b.post(c, "/pairs/main/duplicates/5/dismiss", nil)
	b.expectRedirect(c, res, "/pairs/main/duplicates", "different customers")
}

func TestOutboxAndPlans(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.login()
	res := b.post(c, "/pairs/main/outbox/1/retry", url.Values{"return": {"/pairs/main/outbox?status=dead"}})
	b.expectRedirect(c, res, "/pairs/main/outbox?status=dead", "the next run will retry")
	res = b.post(c, "/pairs/main/outbox/1/retry", nil)
	b.expectRedirect(c, res, "/pairs/main/outbox", "pending")
	res = b.post(c, "/pairs/main/plans/2/approve", nil)
	b.expectRedirect(c, res, "/pairs/main/plans", "2 writes will be made")
	res = b.post(c, "/pairs/main/plans/2/reject", nil)
	b.expectRedirect(c, res, "/pairs/main/plans", "holds no writes")
	res = b.post(c, "/pairs/main/links/1/unlink", nil)
	b.expectRedirect(c, res, "/pairs/main/links", "never link these two records again")
}

func TestSettings(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.login()
	res := b.post(c, "/pairs/main/settings", url.Values{"schedule": {"every tuesday"}, "max_creates": {"-3"}, "max_percent": {"20"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid settings: %d", res.StatusCode)
	}
	body, _ := io.ReadAll(res.Body)
	for _, want := range []string{"settings-errors", "cron line", "whole number"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("422 page lacks %q", want)
		}
	}
	if len(b.store.settings) != 0 {
		t.Fatal("invalid settings were saved")
	}
	res = b.post(c, "/pairs/main/settings", url.Values{"schedule": {"@every 15m"}, "max_creates": {"1000"}, "max_percent": {""}, "calls_per_day": {""}})
	b.expectRedirect(c, res, "/pairs/main/settings", "Settings saved")
	in := b.store.settings["main"]
	if in.Schedule == nil || *in.Schedule != "@every 15m" || in.MaxCreates == nil || *in.MaxCreates != 1000 || in.MaxPercent != nil {
		t.Errorf("saved %+v", in)
	}
}

// The Settings page takes exactly the schedules the scheduler takes, when
// it is given the scheduler's parser.
func TestSettingsUseTheSchedulersParser(t *testing.T) {
	t.Parallel()
	var asked []string
	b := setupWith(t, func(o *Options) {
		o.ValidateSchedule = func(spec string) error {
			asked = append(asked, spec)
			if spec == "61 * * * *" {
				return errors.New("minute 61 is out of range")
			}
			return nil
		}
	})
	c := b.login()
	res := b.post(c, "/pairs/main/settings", url.Values{"schedule": {"61 * * * *"}})
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), "minute 61 is out of range") {
		t.Fatalf("a schedule the scheduler refuses: %d, page names the reason: %v", res.StatusCode,
			strings.Contains(string(body), "minute 61"))
	}
	res = b.post(c, "/pairs/main/settings", url.Values{"schedule": {"manual"}})
	b.expectRedirect(c, res, "/pairs/main/settings", "Settings saved")
	if in := b.store.settings["main"]; in.Schedule == nil || *in.Schedule != "manual" {
		t.Errorf("saved %+v", in)
	}
	if len(asked) != 2 {
		t.Errorf("the parser was asked about %q, want both schedules", asked)
	}
}

func TestRunNowAndLiveProgress(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.login()
	res := b.post(c, "/pairs/main/runs", nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/pairs/main/runs/3" {
		t.Fatalf("run now: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	res = b.get(c, "/pairs/main/runs/3")
	raw, _ := io.ReadAll(res.Body)
	// Without JavaScript the page refreshes itself while the run goes.
	if !strings.Contains(string(raw), `<noscript><meta http-equiv="refresh" content="3">`) {
		t.Error("a running run's page does not refresh itself without JavaScript")
	}
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(string(raw)))
	box := doc.Find(testid("run-progress"))
	if ev, _ := box.Attr("data-events"); ev != "/pairs/main/runs/3/events" {
		t.Errorf("events URL %q", ev)
	}
	if !strings.Contains(box.Text(), "Reading lightspeed x-series: 200 records") {
		t.Errorf("progress %q", box.Text())
	}
	// A second Run now while it runs leads to the same run.
	res = b.post(c, "/pairs/main/runs", nil)
	if res.Header.Get("Location") != "/pairs/main/runs/3" {
		t.Errorf("second run now: %q", res.Header.Get("Location"))
	}

	// The event stream gets progress, then the end.
	b.runner.mu.Lock()
	ch := b.runner.watches[3]
	b.runner.mu.Unlock()
	ch <- engine.Progress{RunID: 3, Step: engine.StepMatch, Done: 10, Total: 20}
	go func() {
		time.Sleep(100 * time.Millisecond)
		b.store.mu.Lock()
		b.store.runs[2].Status = engine.RunSucceeded
		b.store.mu.Unlock()
		close(ch)
	}()
	ev := b.get(c, "/pairs/main/runs/3/events")
	if ct := ev.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	var events []string
	sc := bufio.NewScanner(ev.Body)
	for sc.Scan() {
		if name, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
			events = append(events, name)
		}
		if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			events = append(events, data)
		}
	}
	got := strings.Join(events, "\n")
	for _, want := range []string{"progress", `"text":"Matching: 10 of 20 records"`, "done", `"status":"succeeded"`} {
		if !strings.Contains(got, want) {
			t.Errorf("events lack %q:\n%s", want, got)
		}
	}
}

func TestAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.login()
	res := b.post(c, "/account/tokens", url.Values{"name": {"nightly"}})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create token: %d", res.StatusCode)
	}
	body, _ := io.ReadAll(res.Body)
	_, after, _ := strings.Cut(string(body), `data-testid="new-token">`)
	token, _, _ := strings.Cut(after, "<")
	if !strings.HasPrefix(token, tokenPrefix) {
		t.Fatalf("token %q", token)
	}
	call := func(method, path, body, tok string) (int, map[string]any) {
		req, _ := http.NewRequest(method, b.srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(res.Body).Decode(&out)
		return res.StatusCode, out
	}
	if code, _ := call("GET", "/api/v1/pairs", "", "accord_wrong"); code != 401 {
		t.Errorf("wrong token: %d", code)
	}
	code, out := call("GET", "/api/v1/pairs", "", token)
	if code != 200 || len(out["pairs"].([]any)) != 1 {
		t.Fatalf("pairs: %d %v", code, out)
	}
	code, out = call("GET", "/api/v1/pairs/main/suggestions?limit=1", "", token)
	if code != 200 || len(out["suggestions"].([]any)) != 1 || out["next"] != "0.97:1" {
		t.Fatalf("suggestions: %d %v", code, out)
	}
	s := out["suggestions"].([]any)[0].(map[string]any)
	if s["local"].(map[string]any)["fields"].(map[string]any)["phone"] != "021 555 0101" {
		t.Errorf("suggestion records: %v", s)
	}
	if code, out = call("POST", "/api/v1/suggestions/1/approve", "", token); code != 200 || out["link"] == nil {
		t.Errorf("approve: %d %v", code, out)
	}
	if code, _ = call("POST", "/api/v1/suggestions/1/approve", "", token); code != 409 {
		t.Errorf("approve twice: %d", code)
	}
	if code, _ = call("POST", "/api/v1/conflicts/7/resolve", `{"keep":"upstream"}`, token); code != 200 {
		t.Errorf("resolve: %d", code)
	}
	if code, _ = call("POST", "/api/v1/duplicates/5/survivor", `{"survivor_id":"21"}`, token); code != 200 {
		t.Errorf("survivor: %d", code)
	}
	if code, _ = call("POST", "/api/v1/writes/1/retry", "", token); code != 200 {
		t.Errorf("retry: %d", code)
	}
	if code, out = call("POST", "/api/v1/pairs/main/runs", "", token); code != 202 || out["run_id"] != float64(3) {
		t.Errorf("start run: %d %v", code, out)
	}
	if code, out = call("GET", "/api/v1/runs/1/outcomes?kind=skipped", "", token); code != 200 || out["total"] != float64(1) {
		t.Errorf("outcomes: %d %v", code, out)
	}
	if code, out = call("PUT", "/api/v1/pairs/main/settings", `{"max_creates": 50}`, token); code != 200 {
		t.Errorf("settings: %d %v", code, out)
	}
	if code, out = call("GET", "/api/v1/pairs/main", "", token); code != 200 || out["open_work"] == nil {
		t.Errorf("overview: %d %v", code, out)
	}
	if code, _ = call("GET", "/api/v1/pairs/nope/runs", "", token); code != 404 {
		t.Errorf("unknown pair: %d", code)
	}
	want := "approved 1, resolve 7 upstream, survivor 5 21, retry 1, settings main"
	if got := strings.Join(b.store.calls, ", "); got != want {
		t.Errorf("calls %q, want %q", got, want)
	}
	// A revoked token stops working at once.
	b.post(c, "/account/tokens/1/revoke", nil)
	if code, _ := call("GET", "/api/v1/pairs", "", token); code != 401 {
		t.Errorf("revoked token: %d", code)
	}
}

func TestSecureCookieModes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	login := func(hdr ...string) string {
		res := b.post(b.client(), "/login", url.Values{"email": {testEmail}, "password": {testPassword}}, hdr...)
		for _, raw := range res.Header.Values("Set-Cookie") {
			if strings.HasPrefix(raw, sessionCookie+"=") {
				return raw
			}
		}
		t.Fatalf("no session cookie: %d", res.StatusCode)
		return ""
	}
	if strings.Contains(login(), "Secure") {
		t.Error("auto mode over plain HTTP set Secure")
	}
	// An untrusted client cannot claim https.
	if strings.Contains(login("X-Forwarded-Proto", "https"), "Secure") {
		t.Error("X-Forwarded-Proto from an untrusted address set Secure")
	}
	b.h.SecureCookies = CookieAlways
	if !strings.Contains(login(), "Secure") {
		t.Error("always mode did not set Secure")
	}
}
