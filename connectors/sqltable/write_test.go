package sqltable

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/accordhq/accord/engine"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestCreate(t *testing.T) {
	t.Parallel()
	for _, idType := range []string{"{serial}", "{textid}"} {
		t.Run(strings.Trim(idType, "{}"), func(t *testing.T) {
			t.Parallel()
			forEachDialect(t, func(t *testing.T, tdb *testDB) {
				tdb.createCustomers(t, idType)
				if idType == "{serial}" {
					tdb.exec(t, `INSERT INTO customers (updated_at, email) VALUES ($1, 'old@example.com')`, t0)
				} else {
					tdb.exec(t, `INSERT INTO customers (id, updated_at, email) VALUES ('1', $1, 'old@example.com')`, t0)
				}
				cfg := baseConfig(tdb)
				tbl := open(t, cfg)
				cursor := lastCursor(pullAll(t, tbl, ""))

				in := engine.Customer{ID: "ignored", Email: "new@example.com", FirstName: "Nia", ExternalRef: "ls-123"}
				got, err := tbl.Create(context.Background(), in, "key-1")
				if err != nil {
					t.Fatalf("Create: %v", err)
				}
				switch {
				case idType == "{serial}" && got.ID != "2",
					idType == "{textid}" && !uuidRE.MatchString(got.ID):
					t.Errorf("id %q", got.ID)
				}
				if got.Email != in.Email || got.FirstName != "Nia" || got.ExternalRef != "ls-123" ||
					!got.UpdatedAt.Equal(cfg.Now()) || len(got.Raw) == 0 {
					t.Errorf("created %+v", got)
				}
				// Empty fields are NULL in nullable columns.
				row := tdb.queryRow(t, `SELECT lightspeed_id, phone, last_name IS NULL FROM customers WHERE id = $1`, got.ID)
				if row[0] != "ls-123" || row[1] != "<nil>" || !strings.Contains("1 true", row[2]) {
					t.Errorf("stored row %q", row)
				}

				next := pullAll(t, tbl, cursor)
				if ids := ids(next...); !slices.Equal(ids, []string{got.ID}) {
					t.Fatalf("next pull: %v, want the created row", ids)
				}
				if c := next[0].Customers[0]; c.ExternalRef != "ls-123" || !c.UpdatedAt.Equal(cfg.Now()) {
					t.Errorf("pulled %+v", c)
				}
				if g, err := tbl.Get(context.Background(), got.ID); err != nil || g.Email != in.Email {
					t.Errorf("Get: %+v, %v", g, err)
				}
			})
		})
	}
}

func TestCreateRejectedRowIsTerminal(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, tdb *testDB) {
		tdb.exec(t, `CREATE TABLE customers (id {serial}, updated_at {ts}, lightspeed_id TEXT,
			email TEXT UNIQUE, first_name TEXT, last_name TEXT, phone TEXT CONSTRAINT phone_digits CHECK (phone <> 'x'))`)
		tbl := open(t, baseConfig(tdb))
		ctx := context.Background()
		if _, err := tbl.Create(ctx, engine.Customer{Email: "a@example.com"}, ""); err != nil {
			t.Fatal(err)
		}
		_, err := tbl.Create(ctx, engine.Customer{Email: "a@example.com"}, "")
		if !engine.IsTerminal(err) || !errors.Is(err, engine.ErrInvalid) || !errors.Is(err, engine.ErrConflict) ||
			!strings.Contains(err.Error(), `column "email"`) || errors.Is(err, engine.ErrUnknownOutcome) {
			t.Errorf("duplicate email: %v", err)
		}
		_, err = tbl.Create(ctx, engine.Customer{Email: "b@example.com", Phone: "x"}, "")
		if !engine.IsTerminal(err) || !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), "phone") {
			t.Errorf("check constraint: %v", err)
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		_, err = tbl.Create(cancelled, engine.Customer{Email: "c@example.com"}, "")
		if !errors.Is(err, context.Canceled) || errors.Is(err, engine.ErrUnknownOutcome) {
			t.Errorf("context cancelled before sending: %v, want a plain retryable error", err)
		}
	})
}

func TestWriteErrorClasses(t *testing.T) {
	t.Parallel()
	tbl := &Table{}
	unique := &pgconn.PgError{Code: "23505", Detail: "Key (email)=(a@example.com) already exists."}
	notNull := &pgconn.PgError{Code: "23502", ColumnName: "first_name"}
	tests := []struct {
		name                       string
		err                        error
		terminal, invalid, unknown bool
		mention                    string
	}{
		{"unique", unique, true, true, false, `column "email"`},
		{"not null", notNull, true, true, false, `column "first_name"`},
		{"bad date", &pgconn.PgError{Code: "22007"}, true, true, false, ""},
		{"permission", &pgconn.PgError{Code: "42501"}, true, false, false, ""},
		{"serialization", &pgconn.PgError{Code: "40001"}, false, false, false, ""},
		{"cancelled mid-statement", context.Canceled, false, false, true, ""},
		{"deadline", fmt.Errorf("read: %w", context.DeadlineExceeded), false, false, true, ""},
		{"connection lost", errors.New("unexpected EOF"), false, false, true, ""},
	}
	for _, tt := range tests {
		err := tbl.writeError("create", tt.err)
		if engine.IsTerminal(err) != tt.terminal || errors.Is(err, engine.ErrInvalid) != tt.invalid ||
			errors.Is(err, engine.ErrUnknownOutcome) != tt.unknown || !strings.Contains(err.Error(), tt.mention) {
			t.Errorf("%s: %v (terminal %v, invalid %v, unknown %v)", tt.name, err,
				engine.IsTerminal(err), errors.Is(err, engine.ErrInvalid), errors.Is(err, engine.ErrUnknownOutcome))
		}
	}
	for msg, want := range map[string]string{
		"constraint failed: NOT NULL constraint failed: customers.email (1299)":                "email",
		"constraint failed: UNIQUE constraint failed: customers.email, customers.phone (2067)": "email, phone",
		"CHECK constraint failed: phone_digits":                                                "phone_digits",
		"disk I/O error":                                                                       "",
	} {
		if got := sqliteColumn(msg); got != want {
			t.Errorf("sqliteColumn(%q) = %q, want %q", msg, got, want)
		}
	}
}

func TestSetExternalRefChangesOnlyThatColumn(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, tdb *testDB) {
		tdb.createCustomers(t, "{serial}")
		tdb.exec(t, `INSERT INTO customers VALUES (1, $1, NULL, 'a@example.com', 'Ann', 'Lee', '021')`, t0)
		tdb.exec(t, `INSERT INTO customers VALUES (2, $1, 'ls-2', 'b@example.com', 'Bo', 'Ng', '022')`, t0)
		snapshot := func(id int) []string {
			return tdb.queryRow(t, `SELECT id, CAST(updated_at AS TEXT), lightspeed_id, email, first_name, last_name, phone
				FROM customers WHERE id = $1`, id)
		}
		before1, before2 := snapshot(1), snapshot(2)
		tbl := open(t, baseConfig(tdb))
		ctx := context.Background()
		if err := tbl.SetExternalRef(ctx, "1", "ls-1"); err != nil {
			t.Fatal(err)
		}
		after1 := snapshot(1)
		want := slices.Clone(before1)
		want[2] = "ls-1"
		if !slices.Equal(after1, want) {
			t.Errorf("row 1\n got %q\nwant %q", after1, want)
		}
		if after2 := snapshot(2); !slices.Equal(after2, before2) {
			t.Errorf("row 2 changed: %q -> %q", before2, after2)
		}
		// Not touching updated_at means the row does not come back as changed.
		if p, err := tbl.Pull(ctx, encodeCursor(position{ts: lastTS(t, tbl), hasID: true, id: int64(2)})); err != nil || len(p.Customers) != 0 {
			t.Errorf("pull after SetExternalRef: %+v, %v", p, err)
		}
		for _, id := range []string{"3", "abc"} {
			if err := tbl.SetExternalRef(ctx, id, "ls-3"); !errors.Is(err, engine.ErrNotFound) {
				t.Errorf("SetExternalRef(%s): %v, want ErrNotFound", id, err)
			}
		}

		cfg := baseConfig(tdb)
		cfg.UpstreamID = ""
		noRef := open(t, cfg)
		if noRef.HasUpstreamIDColumn() {
			t.Error("HasUpstreamIDColumn = true without the column")
		}
		if err := noRef.SetExternalRef(ctx, "2", "ls-x"); err != nil {
			t.Errorf("SetExternalRef without a column: %v", err)
		}
		if got := snapshot(2); !slices.Equal(got, before2) {
			t.Errorf("row 2 changed without a column: %q", got)
		}
	})
}

// lastTS is the cursor value of the table's latest timestamp.
func lastTS(t *testing.T, tbl *Table) any {
	t.Helper()
	p, err := decodeCursor(lastCursor(pullAll(t, tbl, "")), tbl.dialect)
	if err != nil || p == nil {
		t.Fatalf("cursor: %v", err)
	}
	return p.ts
}

func TestValidateFlagsNotNullColumns(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, tdb *testDB) {
		tdb.exec(t, `CREATE TABLE customers (id {serial}, updated_at {ts} NOT NULL, lightspeed_id TEXT NOT NULL,
			email TEXT, first_name TEXT NOT NULL, last_name TEXT NOT NULL DEFAULT '', phone TEXT)`)
		tdb.exec(t, `CREATE TABLE shops (id {serial}, updated_at {ts}, tenant TEXT NOT NULL, email TEXT)`)
		tdb.exec(t, `CREATE TABLE numbered (id INT PRIMARY KEY, updated_at {ts}, email TEXT)`)
		tbl := open(t, baseConfig(tdb))

		complete := engine.Customer{FirstName: "Ann", ExternalRef: "ls-1"}
		if err := tbl.Validate(complete); err != nil {
			t.Errorf("complete customer: %v", err)
		}
		err := tbl.Validate(engine.Customer{Email: "a@example.com"})
		for _, want := range []string{`column "first_name" (local.fields.first_name)`, `column "lightspeed_id" (local.upstream_id)`} {
			if !errors.Is(err, engine.ErrIncomplete) || !strings.Contains(err.Error(), want) {
				t.Errorf("no first name, no ref: %v, want ErrIncomplete naming %s", err, want)
			}
		}
		if err == nil || strings.Contains(err.Error(), "last_name") {
			t.Errorf("last_name has a default: %v", err)
		}

		for table, col := range map[string]string{"shops": "tenant", "numbered": "id"} {
			cfg := baseConfig(tdb)
			cfg.Table, cfg.UpstreamID, cfg.Fields = table, "", map[string]string{engine.FieldEmail: "email"}
			tt := open(t, cfg)
			err := tt.Validate(engine.Customer{Email: "a@example.com", FirstName: "Ann"})
			if !errors.Is(err, engine.ErrIncomplete) || !strings.Contains(err.Error(), fmt.Sprintf("column %q", col)) {
				t.Errorf("%s: %v, want ErrIncomplete naming %s", table, err, col)
			}
			if table == "numbered" {
				if _, err := tt.Create(context.Background(), engine.Customer{Email: "a@example.com"}, ""); !engine.IsTerminal(err) {
					t.Errorf("Create without an id default: %v, want terminal", err)
				}
			}
		}
	})
}

func TestSQLiteTimestampForms(t *testing.T) {
	t.Parallel()
	tdb := newSQLite(t)
	tdb.createCustomers(t, "{textid}")
	// An ordinary application: plain INSERTs with time.Time parameters in
	// UTC, the driver choosing the text. Several rows share one
	// nanosecond-precise timestamp across page boundaries.
	base := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	shared := base.Add(500*time.Millisecond + 7)
	ins := func(id string, ts any) {
		if _, err := tdb.db.Exec(`INSERT INTO customers (id, updated_at) VALUES (?, ?)`, id, ts); err != nil {
			t.Fatal(err)
		}
	}
	ins("s1", shared)
	ins("a", base)                    // "2024-05-01 10:00:00+00:00"
	ins("b", base.Add(time.Second))   // whole second, no fraction
	ins("c", "2024-05-01 10:00:00.6") // strftime('%f') style, fixed digits
	ins("s2", shared)
	ins("d", "2024-05-01 10:00:00") // CURRENT_TIMESTAMP style, same second as a
	ins("s3", shared)
	ins("e", base.Add(500*time.Millisecond)) // "...00.5+00:00"
	ins("s4", shared)
	ins("f", base.Add(1500*time.Microsecond))
	if _, err := tdb.db.Exec(`INSERT INTO customers (id, updated_at) VALUES ('g', strftime('%Y-%m-%d %H:%M:%f', '2024-05-01 10:00:02'))`); err != nil {
		t.Fatal(err)
	}

	cfg := baseConfig(tdb)
	cfg.PageSize = 2
	tbl := open(t, cfg)
	pages := pullAll(t, tbl, "")
	got := ids(pages...)
	want := []string{"d", "a", "f", "e", "s1", "s2", "s3", "s4", "c", "b", "g"}
	if !slices.Equal(got, want) {
		t.Fatalf("order\n got %v\nwant %v", got, want)
	}
	wantTS := map[string]time.Time{"a": base, "d": base, "b": base.Add(time.Second), "c": base.Add(600 * time.Millisecond),
		"e": base.Add(500 * time.Millisecond), "f": base.Add(1500 * time.Microsecond), "s1": shared,
		"g": base.Add(2 * time.Second)}
	for _, p := range pages {
		for _, c := range p.Customers {
			if w, ok := wantTS[c.ID]; ok && !c.UpdatedAt.Equal(w) {
				t.Errorf("%s: UpdatedAt %v, want %v", c.ID, c.UpdatedAt, w)
			}
		}
	}

	// An application's later update, and accord's own Create, both show up
	// in the next incremental pull.
	cursor := lastCursor(pages)
	if _, err := tdb.db.Exec(`UPDATE customers SET updated_at = ? WHERE id = 'a'`, time.Date(2024, 5, 1, 11, 0, 0, 1, time.UTC)); err != nil {
		t.Fatal(err)
	}
	created, err := tbl.Create(context.Background(), engine.Customer{Email: "new@example.com"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(pullAll(t, tbl, cursor)...); !slices.Equal(got, []string{"a", created.ID}) {
		t.Errorf("incremental pull: %v, want a and %s", got, created.ID)
	}
	stored := tdb.queryRow(t, `SELECT updated_at || '' FROM customers WHERE id = ?`, created.ID)
	if stored[0] != "2024-05-01 11:00:00.123456+00:00" {
		t.Errorf("Create stored updated_at as %q", stored[0])
	}
}

// A table whose application writes one non-UTC offset (or another layout)
// consistently is in time order; Create writes the same way, so its row
// sorts after the rows already read instead of hours before or after them.
func TestSQLiteCreateWritesTheTablesLayout(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 5, 1, 11, 0, 0, 123456789, time.UTC)
	nz, ny := time.FixedZone("", 12*3600), time.FixedZone("", -5*3600)
	tests := []struct {
		name   string
		sample any // what the application wrote
		stored string
	}{
		{"driver default in UTC", now.Add(-time.Hour), "2024-05-01 11:00:00.123456789+00:00"},
		{"driver default east of UTC", now.Add(-time.Hour).In(nz), "2024-05-01 23:00:00.123456789+12:00"},
		{"driver default west of UTC", now.Add(-time.Hour).In(ny), "2024-05-01 06:00:00.123456789-05:00"},
		{"CURRENT_TIMESTAMP", "2024-05-01 10:00:00", "2024-05-01 11:00:00.123456789"},
		{"JavaScript toISOString", "2024-05-01T10:00:00.000Z", "2024-05-01T11:00:00.123Z"},
		{"time.Time.String", "2024-05-01 10:00:00 +0000 UTC", "2024-05-01 11:00:00.123456789 +0000 UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tdb := newSQLite(t)
			tdb.createCustomers(t, "{serial}")
			if _, err := tdb.db.Exec(`INSERT INTO customers (updated_at, email) VALUES (?, 'app@example.com')`, tt.sample); err != nil {
				t.Fatal(err)
			}
			cfg := baseConfig(tdb)
			cfg.Now = func() time.Time { return now }
			tbl := open(t, cfg)
			cursor := lastCursor(pullAll(t, tbl, ""))
			c, err := tbl.Create(context.Background(), engine.Customer{Email: "new@example.com"}, "")
			if err != nil {
				t.Fatal(err)
			}
			if got := tdb.queryRow(t, `SELECT updated_at || '' FROM customers WHERE id = ?`, c.ID)[0]; got != tt.stored {
				t.Errorf("stored %q, want %q", got, tt.stored)
			}
			if got := ids(pullAll(t, tbl, cursor)...); !slices.Equal(got, []string{c.ID}) {
				t.Errorf("next pull %v, want the created row", got)
			}
			if !c.UpdatedAt.Equal(now) && !c.UpdatedAt.Equal(now.Truncate(time.Millisecond)) {
				t.Errorf("UpdatedAt %v, want %v", c.UpdatedAt, now)
			}
		})
	}
}

// Other column types: a uuid id the database generates (Postgres), a
// timestamp without time zone, and a date column holding the birthday.
func TestCreateAndPullOtherColumnTypes(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, tdb *testDB) {
		ddl := `CREATE TABLE people (id TEXT PRIMARY KEY, changed TIMESTAMP NOT NULL, born DATE, mail TEXT NOT NULL DEFAULT '')`
		if tdb.dialect == dialectPostgres {
			ddl = `CREATE TABLE people (id uuid DEFAULT gen_random_uuid() PRIMARY KEY, changed timestamp NOT NULL, born date, mail text NOT NULL DEFAULT '')`
		}
		tdb.exec(t, ddl)
		cfg := baseConfig(tdb)
		cfg.Table, cfg.UpdatedAt, cfg.UpstreamID = "people", "changed", ""
		cfg.Fields = map[string]string{engine.FieldBirthday: "born", engine.FieldEmail: "mail"}
		tbl := open(t, cfg)
		ctx := context.Background()
		created, err := tbl.Create(ctx, engine.Customer{Birthday: "1990-05-01"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if !uuidRE.MatchString(created.ID) || created.Birthday != "1990-05-01" || !created.UpdatedAt.Equal(cfg.Now()) {
			t.Errorf("created %+v", created)
		}
		// An empty value in a NOT NULL column is written as given.
		if row := tdb.queryRow(t, `SELECT mail FROM people`); row[0] != "" {
			t.Errorf("mail stored as %q", row[0])
		}
		pages := pullAll(t, tbl, "")
		if got := ids(pages...); !slices.Equal(got, []string{created.ID}) {
			t.Fatalf("pulled %v", got)
		}
		if c := pages[0].Customers[0]; c.Birthday != "1990-05-01" || !c.UpdatedAt.Equal(cfg.Now()) {
			t.Errorf("pulled %+v", c)
		}
		if _, err := tbl.Create(ctx, engine.Customer{Birthday: "not a date"}, ""); tdb.dialect == dialectPostgres &&
			(!engine.IsTerminal(err) || !errors.Is(err, engine.ErrInvalid)) {
			t.Errorf("bad date: %v, want terminal ErrInvalid", err)
		}
	})
}
