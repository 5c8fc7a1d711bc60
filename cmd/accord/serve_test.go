package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startServe runs `accord serve` in-process and returns its base URL; the
// server stops when the test ends, and must exit cleanly.
func startServe(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	return startReplica(t, env, args...).base
}

func TestUserAddAndServe(t *testing.T) {
	t.Parallel()
	f := newPairFixture(t, "timezone: Pacific/Auckland\n")
	env := map[string]string{"TOKEN": "tok"}
	code, out, errOut := runCLI(t, env, "user", "add", "Ann@Shop.nz", "--config", f.cfg)
	m := regexp.MustCompile(`Password: (\S+)`).FindStringSubmatch(out)
	if code != exitOK || m == nil {
		t.Fatalf("user add: exit %d: %s %s", code, out, errOut)
	}
	password := m[1]
	if code, _, errOut := runCLI(t, env, "user", "add", "ann@shop.nz", "--config", f.cfg); code != exitFailed || !strings.Contains(errOut, "already has a login") {
		t.Errorf("second user add: exit %d: %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, env, "user", "add", "not-an-email", "--config", f.cfg); code != exitUsage {
		t.Errorf("bad email: exit %d: %s", code, errOut)
	}
	code, token, errOut := runCLI(t, env, "user", "token", "ann@shop.nz", "--config", f.cfg, "--name", "ci")
	token = strings.TrimSpace(token)
	if code != exitOK || !strings.HasPrefix(token, "accord_") {
		t.Fatalf("user token: exit %d: %q %s", code, token, errOut)
	}

	base := startServe(t, env, "--config", f.cfg)
	if res, err := http.Get(base + "/healthz"); err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", res, err)
	}
	api := func(method, path string) (int, map[string]any) {
		req, _ := http.NewRequest(method, base+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var v map[string]any
		_ = json.NewDecoder(res.Body).Decode(&v)
		return res.StatusCode, v
	}
	code, v := api("POST", "/api/v1/pairs/main/runs")
	if code != http.StatusAccepted {
		t.Fatalf("start run: %d %v", code, v)
	}
	runID := int64(v["run_id"].(float64))
	deadline := time.Now().Add(30 * time.Second)
	var status string
	for time.Now().Before(deadline) {
		_, v = api("GET", fmt.Sprintf("/api/v1/runs/%d", runID))
		status = v["run"].(map[string]any)["status"].(string)
		if status != "running" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if status != "succeeded" {
		t.Fatalf("run %d is %s: %v", runID, status, v)
	}
	code, v = api("GET", "/api/v1/pairs/main/links")
	if code != 200 || len(v["links"].([]any)) != 2 {
		t.Fatalf("links after the run: %d %v", code, v)
	}

	// The browser side: sign in with the printed password, see the run.
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(base+"/login", url.Values{"email": {"ann@shop.nz"}, "password": {password}, "next": {"/pairs/main/runs"}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %v %v", res, err)
	}
	req, _ := http.NewRequest("GET", base+"/pairs/main/runs", nil)
	for _, ck := range res.Cookies() {
		req.AddCookie(ck)
	}
	res, err = c.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("runs page: %v %v", res, err)
	}
	body, _ := io.ReadAll(res.Body)
	if !strings.Contains(string(body), `data-testid="run-row" data-id="`+fmt.Sprint(runID)+`"`) {
		t.Errorf("the runs page does not list run %d", runID)
	}
}

func TestServeRejectsBadDashboardConfig(t *testing.T) {
	t.Parallel()
	f := newPairFixture(t, "timezone: Mars/Olympus\ndashboard: {secure_cookies: sometimes}\n")
	code, _, errOut := runCLI(t, map[string]string{"TOKEN": "tok"}, "serve", "--config", f.cfg, "--addr", "127.0.0.1:0")
	if code != exitUsage || !strings.Contains(errOut, "timezone") || !strings.Contains(errOut, "secure_cookies") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}
