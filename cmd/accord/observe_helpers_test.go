package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord/notify/notifytest"
)

// observed is `accord serve` over a shop and an X-Series simulator behind
// a wrapper the test controls, with notifications going to an in-process
// SMTP server, and an API token to drive it.
type observed struct {
	t       *testing.T
	base    string
	token   string
	mailbox *notifytest.SMTP
}

// startObserved writes the shop (Ann, who matches upstream by email, and
// the locals given), the configuration (pairKeys go under the pair, notify
// under notify: besides the email channel) and serves it.
func startObserved(t *testing.T, wrap func(http.Handler) http.Handler, locals []demoLocal, pairKeys, notifyKeys string) *observed {
	t.Helper()
	o := &observed{t: t, mailbox: notifytest.NewSMTP(t, "", "")}
	locals = append([]demoLocal{{ID: 1, FirstName: "Ann", LastName: "Lee", Email: "ann@mail.nz"}}, locals...)
	f := newPairFixtureWith(t, fixtureOptions{locals: locals, wrap: wrap, extra: fmt.Sprintf(`%snotify:
  email: {smtp_host: %s, smtp_port: %d, from: accord@shop.example, to: [ops@shop.example], tls: none}
  interval: 1h
%s`, pairKeys, o.mailbox.Host, o.mailbox.Port, notifyKeys)})
	cfg := f.cfg
	env := map[string]string{"TOKEN": "tok"}
	if code, out, errOut := runCLI(t, env, "user", "add", "ops@shop.example", "--config", cfg); code != exitOK {
		t.Fatalf("user add: %d %s %s", code, out, errOut)
	}
	code, token, errOut := runCLI(t, env, "user", "token", "ops@shop.example", "--config", cfg, "--name", "prometheus")
	if o.token = strings.TrimSpace(token); code != exitOK {
		t.Fatalf("user token: %d %s", code, errOut)
	}
	o.base = startServe(t, env, "--config", cfg)
	return o
}

// untilObserved polls cond until it holds or 30 seconds pass.
func untilObserved(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// do sends an API request with the token.
func (o *observed) do(method, path string) (*http.Response, []byte) {
	o.t.Helper()
	req, _ := http.NewRequest(method, o.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+o.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		o.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// run starts a run with "Run now", waits for it to end and checks how.
func (o *observed) run(want string) {
	o.t.Helper()
	res, b := o.do(http.MethodPost, "/api/v1/pairs/main/runs")
	var v struct {
		RunID int64 `json:"run_id"`
	}
	_ = json.Unmarshal(b, &v)
	if res.StatusCode != http.StatusAccepted || v.RunID == 0 {
		o.t.Fatalf("start run: HTTP %d %s", res.StatusCode, b)
	}
	var status string
	untilObserved(o.t, "the run to end", func() bool {
		_, b := o.do(http.MethodGet, fmt.Sprintf("/api/v1/runs/%d", v.RunID))
		var r struct {
			Run struct{ Status string } `json:"run"`
		}
		_ = json.Unmarshal(b, &r)
		status = r.Run.Status
		return status != "" && status != "running"
	})
	if status != want {
		o.t.Fatalf("run %d ended %s, want %s", v.RunID, status, want)
	}
}

var subjectLine = regexp.MustCompile(`(?m)^Subject: (.*?)\r?$`)

// subjects lists the subjects of the emails received so far.
func (o *observed) subjects() []string {
	var out []string
	for _, m := range o.mailbox.Mails() {
		if s := subjectLine.FindStringSubmatch(m.Data); s != nil {
			out = append(out, s[1])
		}
	}
	return out
}

// waitMails waits until n emails arrived.
func (o *observed) waitMails(n int) []string {
	o.t.Helper()
	untilObserved(o.t, fmt.Sprintf("%d emails", n), func() bool { return len(o.mailbox.Mails()) >= n })
	return o.subjects()
}
