// Package metrics measures the twin's API requests the way ours does (operator/controller/metrics.ts):
// rest_client_request_duration_seconds by verb, for every request but watches, with ours' buckets.
// controller-runtime registers only client-go's request counter, not its latency.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/client-go/rest"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

// RequestBuckets are ours' (client-go's, with finer steps below 100 ms).
var RequestBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60}

var requestDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
	Name:    "rest_client_request_duration_seconds",
	Help:    "Request latency in seconds, broken down by verb",
	Buckets: RequestBuckets,
}, []string{"verb"})

// Writes counts the twin's writes by kind and verb, as ours' hello_operator_api_writes_total.
var Writes = prometheus.NewCounterVec(prometheus.CounterOpts{
	Name: "hello_operator_api_writes_total",
	Help: "Writes to the API server by kind and verb",
}, []string{"kind", "verb"})

func init() {
	ctrlmetrics.Registry.MustRegister(requestDuration, Writes)
}

// Observe wraps the config's transport so that each request's time to response headers is observed.
func Observe(cfg *rest.Config) {
	cfg.Wrap(func(next http.RoundTripper) http.RoundTripper {
		return roundTripper{next}
	})
}

type roundTripper struct{ next http.RoundTripper }

func (t roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Query().Get("watch") == "true" {
		return t.next.RoundTrip(req)
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	requestDuration.WithLabelValues(req.Method).Observe(time.Since(start).Seconds())
	return resp, err
}
