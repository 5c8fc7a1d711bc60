// Command bench measures accord against the X-Series simulator at scale: it
// seeds N customers per side (a shop table and a sandbox), runs a first
// full reconciliation, changes 1,000 customers on each side, and runs again.
// For each run it prints the wall time, the peak memory (maximum resident
// set size) of the accord process, and the X-Series API calls.
//
//	go run ./scripts/bench -n 100000                     # SQLite store
//	go run ./scripts/bench -n 100000 -database postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
//
// By default the local table holds the same people as the sandbox for 60%
// of its rows (linked by email, some by id), the rest are local-only and are
// created upstream, and 40% of the sandbox's customers are upstream-only and
// are inserted locally. -shared 0.95 measures a mostly-linking first run.
package main
