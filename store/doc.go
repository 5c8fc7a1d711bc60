// Package store is accord's persistence: the gorm implementation of the
// engine's ports (engine.Store) over SQLite or Postgres, plus the listing and
// decision methods the dashboard, the exports and the tests use.
//
// It imports engine and migrations, never web, matchers or connectors. gorm
// stays inside: the row types are unexported and every method takes and
// returns engine types (or the filter and entry types declared here).
//
// Conventions that the rest of accord relies on:
//   - one public method that writes more than one row is one transaction;
//   - errors are wrapped with what was being done, and map to
//     engine.ErrNotFound (no such row), engine.ErrConflict (a unique key, a
//     decision already taken) and engine.ErrInvalid (bad input);
//   - every time is written in UTC with microsecond precision, so SQLite's
//     text timestamps sort like Postgres timestamptz and values round-trip
//     identically on both;
//   - the schema comes from package migrations, applied by Migrate; gorm's
//     AutoMigrate is never used.
package store
