package metric_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/accordhq/accord/metric"
)

type sourceFunc func(ctx context.Context) (metric.Snapshot, error)

func (f sourceFunc) Snapshot(ctx context.Context) (metric.Snapshot, error) { return f(ctx) }

func TestStoreSeries(t *testing.T) {
	t.Parallel()
	m := metric.New(sourceFunc(func(context.Context) (metric.Snapshot, error) {
		return metric.Snapshot{
			Runs: []metric.RunTally{
				{Pair: "main", Provider: "lightspeed", Status: "succeeded", Runs: 3, APICalls: 7,
					Outcomes: map[string]map[string]int{"linked": {"email": 2}, "created_upstream": {"pushed": 1}}},
				{Pair: "main", Provider: "lightspeed", Status: "failed", Runs: 1, APICalls: 1, Outcomes: map[string]map[string]int{"linked": {"email": 1}}},
			},
			Outbox:  []metric.OutboxCount{{Pair: "main", Status: "dead", Writes: 2}},
			Budgets: []metric.BudgetUse{{Pair: "main", Period: "day", Used: 40, Limit: 500}},
		}, nil
	}))
	want := `
# HELP accord_runs_total Finished runs of a pair (every process's, from the store), by how they ended.
# TYPE accord_runs_total counter
accord_runs_total{pair="main",status="failed"} 1
accord_runs_total{pair="main",status="succeeded"} 3
# HELP accord_run_outcomes_total Per-record outcomes of finished runs, by kind and reason.
# TYPE accord_run_outcomes_total counter
accord_run_outcomes_total{kind="created_upstream",pair="main",reason="pushed"} 1
accord_run_outcomes_total{kind="linked",pair="main",reason="email"} 3
# HELP accord_api_calls_total Upstream API calls made by finished runs of a pair, from the store.
# TYPE accord_api_calls_total counter
accord_api_calls_total{pair="main",provider="lightspeed"} 8
# HELP accord_outbox_writes Unfinished writes in the outbox by status (planned, held, pending, inflight, dead).
# TYPE accord_outbox_writes gauge
accord_outbox_writes{pair="main",status="dead"} 2
# HELP accord_api_budget_used_calls Upstream API calls counted against the pair's budget in the current UTC period.
# TYPE accord_api_budget_used_calls gauge
accord_api_budget_used_calls{pair="main",period="day"} 40
# HELP accord_api_budget_limit_calls The pair's API budget for the period; 0 is no budget.
# TYPE accord_api_budget_limit_calls gauge
accord_api_budget_limit_calls{pair="main",period="day"} 500
# HELP accord_store_up 1 when the last scrape read the store, 0 when it failed.
# TYPE accord_store_up gauge
accord_store_up 1
`
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want), "accord_runs_total",
		"accord_run_outcomes_total", "accord_api_calls_total", "accord_outbox_writes",
		"accord_api_budget_used_calls", "accord_api_budget_limit_calls", "accord_store_up"); err != nil {
		t.Fatal(err)
	}
}

func TestStoreDownIsReported(t *testing.T) {
	t.Parallel()
	m := metric.New(sourceFunc(func(context.Context) (metric.Snapshot, error) {
		return metric.Snapshot{}, errors.New("database is gone")
	}))
	want := "# HELP accord_store_up 1 when the last scrape read the store, 0 when it failed.\n" +
		"# TYPE accord_store_up gauge\naccord_store_up 0\n"
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want), "accord_store_up"); err != nil {
		t.Fatal(err)
	}
}

func TestTransportCountsRequestsAnd429s(t *testing.T) {
	t.Parallel()
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		if n%2 == 0 {
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	m := metric.New(nil)
	c := &http.Client{Transport: m.Transport("main", "lightspeed", nil)}
	for range 4 {
		res, err := c.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	want := `
# HELP accord_upstream_rate_limited_total Upstream API responses with HTTP 429 (Too Many Requests) this process received.
# TYPE accord_upstream_rate_limited_total counter
accord_upstream_rate_limited_total{pair="main",provider="lightspeed"} 2
# HELP accord_upstream_requests_total HTTP requests this process sent to a pair's upstream API, by response code (error: no response).
# TYPE accord_upstream_requests_total counter
accord_upstream_requests_total{code="200",pair="main",provider="lightspeed"} 2
accord_upstream_requests_total{code="429",pair="main",provider="lightspeed"} 2
`
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want),
		"accord_upstream_rate_limited_total", "accord_upstream_requests_total"); err != nil {
		t.Fatal(err)
	}
	m.ObserveRun("main", "succeeded", 1500*time.Millisecond)
	if got := testutil.CollectAndCount(m.Registry(), "accord_run_duration_seconds"); got != 1 {
		t.Errorf("accord_run_duration_seconds has %d series, want 1", got)
	}
}
