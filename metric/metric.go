package metric

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one process's registry: the store collector, the process
// instruments and the Go runtime's metrics.
type Metrics struct {
	reg         *prometheus.Registry
	runDuration *prometheus.HistogramVec
	requests    *prometheus.CounterVec
	rateLimited *prometheus.CounterVec
}

// New returns the metrics of a process whose store is read through src
// (nil: no store series).
func New(src Source) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.runDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "accord_run_duration_seconds",
		Help: "How long runs of a pair took in this process, by how they ended.",
		// An idle run takes well under a second; a first reconcile of a
		// million customers takes minutes.
		Buckets: []float64{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800},
	}, []string{"pair", "status"})
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "accord_upstream_requests_total",
		Help: "HTTP requests this process sent to a pair's upstream API, by response code (error: no response).",
	}, []string{"pair", "provider", "code"})
	m.rateLimited = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "accord_upstream_rate_limited_total",
		Help: "Upstream API responses with HTTP 429 (Too Many Requests) this process received.",
	}, []string{"pair", "provider"})
	m.reg.MustRegister(m.runDuration, m.requests, m.rateLimited,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if src != nil {
		m.reg.MustRegister(newStoreCollector(src))
	}
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Registry is the registry, for tests that gather it.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// ObserveRun records a run that ended in this process.
func (m *Metrics) ObserveRun(pair, status string, took time.Duration) {
	m.runDuration.WithLabelValues(pair, status).Observe(took.Seconds())
}

// Transport wraps base (nil: http.DefaultTransport) to count the requests
// of a pair's upstream connection. The pair's 429 counter starts at zero,
// so that it is exported before the first 429.
func (m *Metrics) Transport(pair, provider string, base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	m.rateLimited.WithLabelValues(pair, provider)
	return &transport{base: base, requests: m.requests.MustCurryWith(prometheus.Labels{"pair": pair, "provider": provider}),
		limited: m.rateLimited.WithLabelValues(pair, provider)}
}

type transport struct {
	base     http.RoundTripper
	requests *prometheus.CounterVec
	limited  prometheus.Counter
}

func (t *transport) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := t.base.RoundTrip(r)
	if err != nil {
		t.requests.WithLabelValues("error").Inc()
		return res, err //nolint:wrapcheck // a RoundTripper must return its base's errors as they are
	}
	t.requests.WithLabelValues(strconv.Itoa(res.StatusCode)).Inc()
	if res.StatusCode == http.StatusTooManyRequests {
		t.limited.Inc()
	}
	return res, nil
}
