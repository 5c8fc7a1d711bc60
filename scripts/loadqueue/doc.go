// Command loadqueue measures the dashboard's review queue under load, as
// DESIGN.md §9 asks: Postgres holding 1,000,000 links and 100,000 open
// suggestions, 100 concurrent clients, a target p99 under 50 ms.
//
//	go run ./scripts/loadqueue                           # seed once, then measure for 30s
//	go run ./scripts/loadqueue -clients 100 -duration 60s -database postgres://postgres@127.0.0.1:5432/accord_load?sslmode=disable
//
// It creates the database if it is missing, builds accord, applies the
// migrations with `accord migrate`, and seeds the store with COPY (records
// for both sides of every link and suggestion, so each queue card has both
// customers) unless it already holds the requested numbers (-reseed forces
// it). It then starts a real `accord serve` on loopback, signs in one
// dashboard user, and runs closed-loop clients with no think time: each
// asks for the review queue, half the time its first page and half the
// time a page further down (a random (score, id) keyset cursor), reads the
// whole page and asks again. After a warm-up it reports the latency
// percentiles, the throughput and the errors. -think 1s makes each client
// pause about a second between pages, as a person reading the queue does;
// the default is the closed loop. -api measures the JSON API's queue
// (GET /api/v1/pairs/main/suggestions) instead of the HTML page.
//
// The clients run in this process, on the same machine as the server and
// Postgres, so the figures include their cost too.
package main
