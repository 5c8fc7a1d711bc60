// Package metric exposes accord's Prometheus metrics, every series
// prefixed accord_.
//
// Counts that must agree whichever replica is scraped (runs and their
// outcomes, API calls made by runs, the outbox's depth, the API budget
// used) are read from the store at scrape time through a Source, by a
// collector. What only the process knows is kept in process instruments:
// how long its runs took, and the upstream HTTP requests it sent,
// including the 429s, counted by a RoundTripper wrapped around each
// connector's transport.
//
// metric imports the standard library and the Prometheus client only.
package metric
