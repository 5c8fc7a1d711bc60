package metric

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Source reads the counts that every replica shares from the store.
type Source interface {
	Snapshot(ctx context.Context) (Snapshot, error)
}

// Snapshot is the store's counts at one moment.
type Snapshot struct {
	Runs    []RunTally
	Outbox  []OutboxCount
	Budgets []BudgetUse
}

// RunTally is the finished runs of a pair that ended in one status.
type RunTally struct {
	Pair     string
	Provider string // the pair's upstream type (lightspeed, square)
	Status   string
	Runs     int
	APICalls int64
	// Outcomes counts the runs' per-record outcomes by kind, then reason.
	Outcomes map[string]map[string]int
}

// OutboxCount is how many writes of a pair are in one status.
type OutboxCount struct {
	Pair, Status string
	Writes       int
}

// BudgetUse is a pair's upstream API usage in the current UTC day or
// month, and its budget for that period (0: none).
type BudgetUse struct {
	Pair   string
	Period string // day or month
	Used   int64
	Limit  int64
}

var (
	runsDesc = prometheus.NewDesc("accord_runs_total",
		"Finished runs of a pair (every process's, from the store), by how they ended.", []string{"pair", "status"}, nil)
	outcomesDesc = prometheus.NewDesc("accord_run_outcomes_total",
		"Per-record outcomes of finished runs, by kind and reason.", []string{"pair", "kind", "reason"}, nil)
	callsDesc = prometheus.NewDesc("accord_api_calls_total",
		"Upstream API calls made by finished runs of a pair, from the store.", []string{"pair", "provider"}, nil)
	outboxDesc = prometheus.NewDesc("accord_outbox_writes",
		"Unfinished writes in the outbox by status (planned, held, pending, inflight, dead).", []string{"pair", "status"}, nil)
	budgetUsedDesc = prometheus.NewDesc("accord_api_budget_used_calls",
		"Upstream API calls counted against the pair's budget in the current UTC period.", []string{"pair", "period"}, nil)
	budgetLimitDesc = prometheus.NewDesc("accord_api_budget_limit_calls",
		"The pair's API budget for the period; 0 is no budget.", []string{"pair", "period"}, nil)
	upDesc = prometheus.NewDesc("accord_store_up",
		"1 when the last scrape read the store, 0 when it failed.", nil, nil)
)

// storeCollector reads a Snapshot per scrape. Scrapes within a second of
// each other (several Prometheus servers) share one read.
type storeCollector struct {
	src Source

	mu   sync.Mutex
	at   time.Time
	last Snapshot
	err  error
}

func newStoreCollector(src Source) *storeCollector { return &storeCollector{src: src} }

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{runsDesc, outcomesDesc, callsDesc, outboxDesc, budgetUsedDesc,
		budgetLimitDesc, upDesc} {
		ch <- d
	}
}

func (c *storeCollector) snapshot() (Snapshot, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.at) < time.Second {
		return c.last, c.err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c.last, c.err = c.src.Snapshot(ctx)
	c.at = time.Now()
	return c.last, c.err
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	s, err := c.snapshot()
	if err != nil {
		ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, 1)
	calls := map[[2]string]int64{}
	outcomes := map[[3]string]int{}
	for _, r := range s.Runs {
		ch <- prometheus.MustNewConstMetric(runsDesc, prometheus.CounterValue, float64(r.Runs), r.Pair, r.Status)
		calls[[2]string{r.Pair, r.Provider}] += r.APICalls
		for k, rs := range r.Outcomes {
			for reason, n := range rs {
				outcomes[[3]string{r.Pair, k, reason}] += n
			}
		}
	}
	for k, n := range calls {
		ch <- prometheus.MustNewConstMetric(callsDesc, prometheus.CounterValue, float64(n), k[0], k[1])
	}
	for k, n := range outcomes {
		ch <- prometheus.MustNewConstMetric(outcomesDesc, prometheus.CounterValue, float64(n), k[0], k[1], k[2])
	}
	for _, o := range s.Outbox {
		ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(o.Writes), o.Pair, o.Status)
	}
	for _, b := range s.Budgets {
		ch <- prometheus.MustNewConstMetric(budgetUsedDesc, prometheus.GaugeValue, float64(b.Used), b.Pair, b.Period)
		ch <- prometheus.MustNewConstMetric(budgetLimitDesc, prometheus.GaugeValue, float64(b.Limit), b.Pair, b.Period)
	}
}
