package scenario

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/glebarez/go-sqlite" // database/sql driver "sqlite" for the shop table

	"github.com/accordhq/accord/connectors/lightspeed/sim"
	"github.com/accordhq/accord/connectors/sqltable"
	sqsim "github.com/accordhq/accord/connectors/square/sim"
	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/matchers"
	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/store/storetest"
)

const pairName = "main"

// dialects runs fn once per database: SQLite always, Postgres when
// configured (storetest skips it otherwise, or fails when it is required).
func dialects(t *testing.T, fn func(t *testing.T, dialect string)) {
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, d)
		})
	}
}

// providers runs fn for every upstream provider on every database.
func providers(t *testing.T, fn func(t *testing.T, dialect, provider string)) {
	for _, p := range []string{"lightspeed", "square"} {
		t.Run(p, func(t *testing.T) {
			t.Parallel()
			dialects(t, func(t *testing.T, dialect string) { fn(t, dialect, p) })
		})
	}
}

// harness is one pair wired from real parts: store, shop table, simulator,
// client and reconciler.
type harness struct {
	t       *testing.T
	dialect string
	db      *store.DB
	shop    *sql.DB
	prov    provider
	sim     *sim.Server // the X-Series simulator, for X-Series-only tests; nil on Square
	srv     *httptest.Server
	local   *sqltable.Table
	up      upstreamConn
	rec     *engine.Reconciler
	// wrap, when set before the first request, intercepts simulator calls.
	wrap func(next http.Handler) http.Handler
}

type harnessOpts struct {
	createUpstream, createLocal bool
	guard                       engine.Guard
	provider                    string // "lightspeed" (default) or "square"
	simOpts                     sim.Options
	squareOpts                  sqsim.Options
	// budget, when set, caps the upstream API calls through a meter.
	budget engine.Budget
	// now, when set, is the clock of the simulator, the client and the
	// reconciler alike (a skew between them would be a different test).
	now func() time.Time
}

func defaultOpts() harnessOpts {
	return harnessOpts{createUpstream: true, createLocal: true}
}

const sqliteShopSchema = `CREATE TABLE customers (
	id INTEGER PRIMARY KEY AUTOINCREMENT, first_name TEXT, last_name TEXT, email TEXT, phone TEXT,
	account_no TEXT, company TEXT, lightspeed_id TEXT, updated_at DATETIME NOT NULL)`

const postgresShopSchema = `CREATE TABLE customers (
	id BIGSERIAL PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT, phone TEXT,
	account_no TEXT, company TEXT, lightspeed_id TEXT, updated_at TIMESTAMPTZ NOT NULL)`

func newHarness(t *testing.T, dialect string, o harnessOpts) *harness {
	t.Helper()
	h := &harness{t: t, dialect: dialect}
	var shopDSN string
	switch dialect {
	case "sqlite":
		h.db = storetest.OpenSQLite(t)
		shopDSN = "sqlite:" + filepath.Join(t.TempDir(), "shop.db")
	case "postgres":
		h.db = storetest.OpenPostgres(t)
		shopDSN = storetest.PostgresDSN(t)
	}
	driver, src, schema := "sqlite", strings.TrimPrefix(shopDSN, "sqlite:"), sqliteShopSchema
	if dialect == "postgres" {
		driver, src, schema = "pgx", shopDSN, postgresShopSchema
	}
	var err error
	if h.shop, err = sql.Open(driver, src); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.shop.Close() })
	h.exec(schema)

	if o.now != nil {
		o.simOpts.Now = o.now
	}
	if o.simOpts.RateLimit == 0 {
		o.simOpts.RateLimit = 1 << 30 // tests that need the provider's limit set it
	}
	if o.provider == "" {
		o.provider = "lightspeed"
	}
	prov, err := newProvider(o.provider, o)
	if err != nil {
		t.Fatal(err)
	}
	h.prov = prov
	if lp, ok := prov.(*lightspeedProv); ok {
		h.sim = lp.s
	}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next := h.prov.handler()
		if h.wrap != nil {
			next = h.wrap(next)
		}
		next.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { h.prov.close(); h.srv.Close() })

	ctx := context.Background()
	fields := map[string]string{engine.FieldEmail: "email", engine.FieldFirstName: "first_name",
		engine.FieldLastName: "last_name", engine.FieldPhone: "phone", engine.FieldAccountCode: "account_no",
		engine.FieldCompany: "company"}
	if h.local, err = sqltable.Open(ctx, sqltable.Config{DSN: shopDSN, Table: "customers", ID: "id",
		UpdatedAt: "updated_at", UpstreamID: "lightspeed_id", Fields: fields}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.local.Close() })
	var gate func(context.Context) error
	if o.budget != (engine.Budget{}) {
		gate = (&engine.Meter{Conn: pairName + ":upstream", Budget: o.budget, Store: h.db, Now: o.now}).Take
	}
	if h.up, err = h.prov.client(h.srv.URL, o, gate); err != nil {
		t.Fatal(err)
	}
	norm, err := matchers.NewNormalizer("NZ")
	if err != nil {
		t.Fatal(err)
	}
	h.rec = &engine.Reconciler{
		Pair: engine.Pair{Name: pairName, CreateUpstream: o.createUpstream, CreateLocal: o.createLocal,
			Guard: o.guard, Fields: []string{engine.FieldFirstName, engine.FieldLastName, engine.FieldEmail,
				engine.FieldPhone, engine.FieldCompany, engine.FieldAccountCode}},
		Local: h.local, Upstream: h.up, Store: h.db, Match: matchers.Deterministic, Normalizer: norm,
		SettleDelay: 50 * time.Millisecond, Now: o.now,
		Retry: engine.RetryPolicy{MaxAttempts: 5, Base: time.Millisecond, Max: 10 * time.Millisecond},
	}
	return h
}

// exec runs a statement on the shop database, with ? placeholders.
func (h *harness) exec(query string, args ...any) sql.Result {
	h.t.Helper()
	res, err := h.shop.Exec(h.rebind(query), args...)
	if err != nil {
		h.t.Fatalf("shop: %s: %v", query, err)
	}
	return res
}

func (h *harness) rebind(q string) string {
	if h.dialect != "postgres" {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// shopRow is a row of the shop's customers table.
type shopRow struct {
	ID                                                          string
	First, Last, Email, Phone, AccountNo, Company, LightspeedID string
	UpdatedAt                                                   time.Time
}

// addLocal inserts rows and returns their ids, in order.
func (h *harness) addLocal(rows ...shopRow) []string {
	h.t.Helper()
	ids := make([]string, len(rows))
	for i, r := range rows {
		at := r.UpdatedAt
		if at.IsZero() {
			at = time.Now().UTC().Add(-time.Hour)
		}
		var id int64
		err := h.shop.QueryRow(h.rebind(`INSERT INTO customers (first_name, last_name, email, phone, account_no,
			company, lightspeed_id, updated_at) VALUES (?,?,?,?,?,?,?,?) RETURNING id`),
			null(r.First), null(r.Last), null(r.Email), null(r.Phone), null(r.AccountNo), null(r.Company),
			null(r.LightspeedID), at).Scan(&id)
		if err != nil {
			h.t.Fatalf("insert shop row: %v", err)
		}
		ids[i] = strconv.FormatInt(id, 10)
	}
	return ids
}

func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// shopRows returns every shop row by id.
func (h *harness) shopRows() map[string]shopRow {
	h.t.Helper()
	rows, err := h.shop.Query(`SELECT id, first_name, last_name, email, phone, account_no, company, lightspeed_id, updated_at FROM customers`)
	if err != nil {
		h.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]shopRow{}
	for rows.Next() {
		var id int64
		var f [7]sql.NullString
		var at time.Time
		if err := rows.Scan(&id, &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &at); err != nil {
			h.t.Fatal(err)
		}
		r := shopRow{ID: strconv.FormatInt(id, 10), First: f[0].String, Last: f[1].String, Email: f[2].String,
			Phone: f[3].String, AccountNo: f[4].String, Company: f[5].String, LightspeedID: f[6].String, UpdatedAt: at.UTC()}
		out[r.ID] = r
	}
	if err := rows.Err(); err != nil {
		h.t.Fatal(err)
	}
	return out
}

// addUpstream loads customers into the simulator, given with X-Series-style
// keys (see provider), and returns their ids, in order.
func (h *harness) addUpstream(cs ...map[string]any) []string {
	h.t.Helper()
	ids := make([]string, len(cs))
	for i, c := range cs {
		if _, ok := c["id"]; !ok {
			c["id"] = fmt.Sprintf("0b%06x-0000-4000-8000-%012x", time.Now().UnixNano()&0xffffff, i+len(h.prov.snapshot()))
		}
		ids[i] = c["id"].(string)
	}
	if err := h.prov.load(cs); err != nil {
		h.t.Fatalf("load upstream: %v", err)
	}
	return ids
}

// upstream returns every simulator customer (on X-Series deleted ones
// too), by id.
func (h *harness) upstream() map[string]upRec { return h.prov.snapshot() }

// byRef returns the upstream customers whose external-ref field (X-Series
// custom_field_1, Square reference_id) is ref.
func (h *harness) byRef(ref string) []upRec {
	var out []upRec
	for _, c := range h.prov.snapshot() {
		if c.Ref == ref {
			out = append(out, c)
		}
	}
	return out
}

// run runs the pair once and fails the test on error.
func (h *harness) run() engine.Run {
	h.t.Helper()
	r, err := h.rec.Run(context.Background(), engine.RunOptions{Trigger: "test"})
	if err != nil {
		h.t.Fatalf("run: %v", err)
	}
	return r
}

func (h *harness) links() map[string]engine.Link {
	h.t.Helper()
	ls, _, err := h.db.FindLinks(context.Background(), store.LinkFilter{Pair: pairName})
	if err != nil {
		h.t.Fatal(err)
	}
	out := map[string]engine.Link{}
	for _, l := range ls {
		out[l.LocalID+"|"+l.UpstreamID] = l
	}
	return out
}

func (h *harness) suggestions(status engine.ReviewStatus) []engine.Suggestion {
	h.t.Helper()
	ss, _, err := h.db.FindSuggestions(context.Background(), store.SuggestionFilter{Pair: pairName, Status: status})
	if err != nil {
		h.t.Fatal(err)
	}
	return ss
}

func (h *harness) duplicateSets(status engine.ReviewStatus) []engine.DuplicateSet {
	h.t.Helper()
	ds, _, err := h.db.FindDuplicateSets(context.Background(), store.DuplicateFilter{Pair: pairName, Status: status})
	if err != nil {
		h.t.Fatal(err)
	}
	for i := range ds {
		sort.Strings(ds[i].Members)
	}
	return ds
}

func (h *harness) conflicts(status engine.ConflictStatus) []engine.Conflict {
	h.t.Helper()
	cs, _, err := h.db.FindConflicts(context.Background(), store.ConflictFilter{Pair: pairName, Status: status})
	if err != nil {
		h.t.Fatal(err)
	}
	return cs
}

func (h *harness) outcomes(runID int64) []engine.Outcome {
	h.t.Helper()
	os, _, err := h.db.FindOutcomes(context.Background(), store.OutcomeFilter{RunID: runID})
	if err != nil {
		h.t.Fatal(err)
	}
	return os
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func openSQLite(path string) (*sql.DB, error) { return sql.Open("sqlite", path) }
