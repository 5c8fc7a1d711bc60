// Package storetest is the conformance suite of package store, run on
// SQLite always and on Postgres when ACCORD_TEST_DATABASE_URL is set, plus
// the helpers other packages' tests use to get a fresh, migrated store
// (OpenSQLite, OpenPostgres, PostgresDSN) and the store's benchmarks.
//
// Each test names the behaviour it checks and fails if that behaviour
// breaks. Every test gets its own database, so they run in parallel.
package storetest
