package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/accordhq/accord/notify"
)

// refusing wraps the simulator: X-Series answers every creation 429 until
// an hour from now, and once refuse is set every request 401 (runs fail).
func refusing(refuse *atomic.Bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case refuse.Load():
				http.Error(w, `{"error":"Unauthorized"}`, http.StatusUnauthorized)
			case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/customers"):
				w.Header().Set("Retry-After", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
				http.Error(w, `{"error":"Too Many Requests"}`, http.StatusTooManyRequests)
			default:
				next.ServeHTTP(w, r)
			}
		})
	}
}

// A write that keeps failing becomes a dead letter, and exactly one email
// (and one signed webhook) says so across the runs after it; a failing run
// is the next notification. /metrics then shows the runs, outcomes, API
// calls, 429s, outbox depth, budget and run durations.
func TestServeNotifiesOnStateChangesAndServesMetrics(t *testing.T) {
	t.Parallel()
	const secret = "a-webhook-secret-for-tests"
	var hookMu sync.Mutex
	var hooks []notify.Payload
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := notify.Verify(secret, r.Header, body, time.Now(), 5*time.Minute); err != nil {
			t.Errorf("webhook: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var p notify.Payload
		if err := json.Unmarshal(body, &p); err != nil {
			t.Errorf("webhook body %s: %v", body, err)
		}
		hookMu.Lock()
		hooks = append(hooks, p)
		hookMu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()
	var refuse atomic.Bool
	o := startObserved(t, refusing(&refuse), []demoLocal{{ID: 2, FirstName: "Bob", LastName: "Local", Email: "bob@mail.nz"}},
		"    retry: {max_attempts: 1}\n    budget: {calls_per_day: 1000}\n",
		"  webhook: {url: "+receiver.URL+", secret: \""+secret+"\"}\n")

	o.run("succeeded") // Bob's creation gives up at once: a dead letter
	o.waitMails(1)
	o.run("succeeded")
	o.run("succeeded")
	refuse.Store(true)
	o.run("failed")
	// Checks run in order, so once the failure's email is in, the checks
	// after the two quiet runs are done too.
	got := o.waitMails(2)
	if len(got) != 2 || !strings.Contains(got[0], "main has 1 dead letter") || !strings.Contains(got[1], "main runs are failing") {
		t.Fatalf("emails %q; want exactly one dead-letter email, then one failing-runs email", got)
	}
	if m := o.mailbox.Mails()[0]; len(m.To) != 1 || m.To[0] != "ops@shop.example" || !strings.Contains(m.Data, "/pairs/main/outbox") {
		t.Errorf("dead-letter email: to %v: %s", m.To, m.Data)
	}
	untilObserved(t, "two webhooks", func() bool { hookMu.Lock(); defer hookMu.Unlock(); return len(hooks) >= 2 })
	hookMu.Lock()
	if len(hooks) != 2 || hooks[0].Event != "dead_letters" || hooks[0].Value != 1 || hooks[1].Event != "runs_failing" ||
		hooks[1].State != "firing" {
		t.Errorf("webhooks %+v", hooks)
	}
	hookMu.Unlock()

	res, body := o.do(http.MethodGet, "/metrics")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: HTTP %d", res.StatusCode)
	}
	checkMetrics(t, body, []metricWant{
		{"accord_runs_total", map[string]string{"status": "succeeded"}, eq(3), "3"},
		{"accord_runs_total", map[string]string{"status": "failed"}, eq(1), "1"},
		{"accord_run_outcomes_total", map[string]string{"kind": "linked", "reason": "email"}, eq(1), "1"},
		{"accord_run_outcomes_total", map[string]string{"kind": "failed", "reason": "dead_letter"}, eq(1), "1"},
		{"accord_api_calls_total", map[string]string{"provider": "lightspeed"}, gt(3), "> 3"},
		{"accord_outbox_writes", map[string]string{"status": "dead"}, eq(1), "1"},
		{"accord_run_duration_seconds", nil, eq(4), "4 observations"},
		{"accord_upstream_rate_limited_total", map[string]string{"provider": "lightspeed"}, eq(1), "1"},
		{"accord_upstream_requests_total", map[string]string{"code": "401"}, gt(0), "> 0"},
		{"accord_upstream_requests_total", map[string]string{"code": "200"}, gt(3), "> 3"},
		{"accord_api_budget_used_calls", map[string]string{"period": "day"}, gt(3), "> 3"},
		{"accord_api_budget_limit_calls", map[string]string{"period": "day"}, eq(1000), "1000"},
		{"accord_store_up", nil, eq(1), "1"},
	})
	if res, err := http.Get(o.base + "/metrics"); err != nil || res.Request.URL.Path != "/login" {
		t.Errorf("/metrics without a token or session: %v, %v; want the sign-in page", res, err)
	}
}

// A plan over the guard notifies once, however many runs follow while it
// waits; failing runs notify, and so does their recovery; so does a budget
// used up.
func TestServeNotifiesHeldPlanAndExhaustedBudget(t *testing.T) {
	t.Parallel()
	t.Run("held plan", func(t *testing.T) {
		t.Parallel()
		var refuse atomic.Bool
		o := startObserved(t, refusing(&refuse), []demoLocal{{ID: 2, FirstName: "Bob", LastName: "Local"},
			{ID: 3, FirstName: "Cy", LastName: "Local"}}, "    guard: {max_creates: 1}\n", "")
		o.run("held")
		if got := o.waitMails(1); !strings.Contains(got[0], "main has a plan waiting for approval") {
			t.Fatalf("emails %q", got)
		}
		o.run("succeeded") // the held writes wait; nothing new is planned
		o.run("succeeded")
		refuse.Store(true)
		o.run("failed")
		if got := o.waitMails(2); len(got) != 2 || !strings.Contains(got[1], "main runs are failing") {
			t.Fatalf("emails %q; want the held plan once, then the failing runs", got)
		}
		refuse.Store(false)
		o.run("succeeded")
		if got := o.waitMails(3); len(got) != 3 || !strings.Contains(got[2], "main runs have recovered") {
			t.Fatalf("emails %q; want the recovery last", got)
		}
	})
	t.Run("budget", func(t *testing.T) {
		t.Parallel()
		var refuse atomic.Bool
		o := startObserved(t, refusing(&refuse), nil, "    budget: {calls_per_day: 1}\n", "")
		o.run("stopped")
		if got := o.waitMails(1); len(got) != 1 || !strings.Contains(got[0], "main used up its API budget") {
			t.Fatalf("emails %q", got)
		}
		_, body := o.do(http.MethodGet, "/metrics")
		checkMetrics(t, body, []metricWant{
			{"accord_api_budget_used_calls", map[string]string{"period": "day"}, eq(1), "1"},
			{"accord_api_budget_limit_calls", map[string]string{"period": "day"}, eq(1), "1"},
			{"accord_runs_total", map[string]string{"status": "stopped"}, eq(1), "1"},
		})
	})
}

// metricWant is a series of pair main whose labels include labels, and
// the test its value (summed over matching samples; a histogram's sample
// count) must pass.
type metricWant struct {
	name   string
	labels map[string]string
	ok     func(float64) bool
	want   string
}

func checkMetrics(t *testing.T, body []byte, wants []metricWant) {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	for _, w := range wants {
		f, ok := fams[w.name]
		sum, found := 0.0, false
	samples:
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if p, has := labels["pair"]; has && p != "main" {
				continue
			}
			for k, v := range w.labels {
				if labels[k] != v {
					continue samples
				}
			}
			found = true
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				sum += m.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				sum += m.GetGauge().GetValue()
			case dto.MetricType_HISTOGRAM:
				sum += float64(m.GetHistogram().GetSampleCount())
			}
		}
		if !ok || !found || !w.ok(sum) {
			t.Errorf("%s%v = %v (present %v), want %s", w.name, w.labels, sum, found, w.want)
		}
	}
}

func eq(want float64) func(float64) bool { return func(v float64) bool { return v == want } }
func gt(n float64) func(float64) bool    { return func(v float64) bool { return v > n } }
