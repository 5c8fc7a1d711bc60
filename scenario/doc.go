// Package scenario holds end-to-end tests of the whole pipeline: the real
// store (SQLite, and Postgres when ACCORD_TEST_DATABASE_URL is set), the
// real local-table connector, and the X-Series client against its
// simulator. Each invariant of DESIGN.md §2 has a test here that fails when
// the invariant is broken; the crash test kills real accord processes.
//
// The package has no code of its own outside tests.
package scenario
