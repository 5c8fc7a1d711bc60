// Package sqltable is the local side of a pair: a customers table in the
// merchant's own Postgres or SQLite database, read as a change feed and
// written when accord creates a customer locally or records a link.
//
// It imports engine, gorm and the database drivers, and nothing else from
// the project. Open checks the table and every configured column against the
// live schema before any name is used in SQL; names are always quoted and
// values always bound as parameters (DESIGN.md §10).
//
// # Change feed
//
// Pull walks the table in (updated_at, id) order with keyset pagination:
// rows with updated_at > ts, or updated_at = ts and id > last id. Integer
// ids compare as integers, text ids in the column's collation. Rows whose
// updated_at is NULL cannot be placed in that order; they are read first,
// by id, on the first full pull, and quarantined. An index on
// (updated_at, id) lets each page start where the last one stopped, even in
// a run of rows sharing one timestamp; without one every page sorts the
// rest of the table.
//
// Rewind moves a cursor back by the overlap window (Config.Overlap), because
// the merchant's application may commit a row after rows with later
// timestamps were already read. Re-reading is harmless: records are upserted
// by id and hash.
//
// # Cursor format
//
// A cursor is a small JSON object holding the last row's values exactly as
// the driver returned them, so that comparing them in SQL never rounds or
// reformats:
//
//	{"ts":"2024-05-01 10:00:00.123456789+00:00","id":42}   after row (ts, 42)
//	{"ts":"2024-05-01T09:58:00.123456Z","id":"c-7"}        Postgres: RFC 3339, nanoseconds
//	{"ts":"2024-05-01 09:58:00"}                           rewound: from ts inclusive, any id
//	{"ts":null,"id":17}                                    among the rows without a timestamp
//	{"ts":"...","id":null}                                 after a row whose id is NULL
//
// On SQLite "ts" is the stored text itself; on Postgres it is the
// timestamp in RFC 3339 with all its digits. "id" is a JSON number for an
// integer id and a string for a text id; the rare other SQLite values are
// tagged ({"real":1.5}, {"blob":"base64"}). "" is the beginning.
//
// # Timestamps
//
// Postgres: timestamp or timestamptz (microseconds). Order and cursors use
// the stored values, so the time zone never matters to paging; a timestamp
// without time zone is read as UTC, and Create writes Now() in UTC into it.
//
// SQLite has no timestamp type: SQL compares the stored text, so the feed
// is in text order, which is time order among values written the same way.
// Supported is one consistent text layout per table, in UTC, as written by:
//
//   - the glebarez/modernc driver for a time.Time parameter in UTC (an
//     ordinary `INSERT ... VALUES (?, ...)` with time.Now().UTC(), or gorm
//     with NowFunc returning UTC): "2006-01-02 15:04:05.999999999+00:00",
//     fraction trimmed; this is what Create writes into an empty table;
//   - SQLite's CURRENT_TIMESTAMP and datetime('now'): "2006-01-02 15:04:05";
//   - strftime('%Y-%m-%d %H:%M:%f', 'now'): "2006-01-02 15:04:05.000".
//
// These three sort correctly against each other. Create writes its row in
// the layout and UTC offset of the table's newest timestamp, so that the row
// sorts after those already read (the engine settles an unknown outcome from
// the next pull) and never ahead of what the application writes next. Every
// layout the driver reads is parsed ("T" separator, "Z", other offsets,
// time.Time.String()), so a table written consistently in one of them works
// too, except that text order breaks where the offset changes: in the hour
// after a daylight-saving change, or where two applications write
// differently, a change can be picked up late or missed. Write UTC.
// Unparsable text, numbers and NULL are quarantined with the column named;
// an INTEGER or REAL declared type for updated_at is refused by Open.
//
// # Ids
//
// The id column must be unique (the primary key): the keyset cannot tell
// two rows with the same (updated_at, id) apart. A NULL id (possible in a
// SQLite TEXT PRIMARY KEY) is quarantined; on Postgres, where NULLs sort
// last, a NULL-id row that shares its timestamp with a page's last row is
// not seen.
//
// # Writes
//
// Create inserts a row and reads it back with RETURNING. A local database
// has no idempotency key, so the key argument is unused; a creation whose
// outcome is unknown is settled by the engine from the next pull, which finds
// the row through its upstream-id column. SetExternalRef writes only the
// upstream-id column, never updated_at; SetExternalRefs does the same for a
// chunk of creations in one transaction.
package sqltable
