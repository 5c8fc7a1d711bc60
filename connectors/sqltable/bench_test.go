package sqltable

import (
	"context"
	"database/sql"
	"strings"
	"testing"
)

// BenchmarkPull100k pulls a 100,000-row table from the beginning in pages of
// 1,000, with the (updated_at, id) index the package documentation asks for.
// In "spread" every 100 rows share a timestamp; in "one-timestamp" all do,
// as after a bulk UPDATE, which must not make paging quadratic.
func BenchmarkPull100k(b *testing.B) {
	const n = 100_000
	for _, bc := range []struct{ dialect, shape string }{
		{"sqlite", "spread"}, {"sqlite", "one-timestamp"}, {"postgres", "spread"}, {"postgres", "one-timestamp"},
	} {
		b.Run(bc.dialect+"/"+bc.shape, func(b *testing.B) {
			var tdb *testDB
			if bc.dialect == "sqlite" {
				tdb = newSQLite(b)
			} else {
				tdb = newPostgres(b)
			}
			per := 100
			if bc.shape == "one-timestamp" {
				per = n
			}
			tdb.createCustomers(b, "{serial}")
			tdb.exec(b, `CREATE INDEX customers_feed ON customers (updated_at, id)`)
			if bc.dialect == "sqlite" {
				tdb.exec(b, `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1)
					INSERT INTO customers (id, updated_at, lightspeed_id, email, first_name, last_name, phone)
					SELECT i, strftime('%Y-%m-%d %H:%M:%f', '2024-05-01', '+' || (i / $2) || ' seconds'),
						NULL, 'c' || i || '@example.com', 'First' || i, 'Last', '021 555 ' || i FROM seq`, n, per)
			} else {
				tdb.exec(b, `INSERT INTO customers (id, updated_at, lightspeed_id, email, first_name, last_name, phone)
					SELECT i, timestamptz '2024-05-01' + (i / $2::int) * interval '1 second',
						NULL, 'c' || i || '@example.com', 'First' || i, 'Last', '021 555 ' || i
					FROM generate_series(1, $1::int) AS i`, n, per)
				tdb.exec(b, `ANALYZE customers`)
			}
			cfg := baseConfig(tdb)
			cfg.PageSize = 1000
			tbl := open(b, cfg)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				rows, cursor := 0, ""
				for {
					p, err := tbl.Pull(ctx, cursor)
					if err != nil {
						b.Fatal(err)
					}
					rows += len(p.Customers)
					if p.Done {
						break
					}
					cursor = p.Cursor
				}
				if rows != n {
					b.Fatalf("pulled %d rows, want %d", rows, n)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// TestPullUsesTheFeedIndex checks that every query of a page starts at the
// cursor in the (updated_at, id) index instead of sorting the table or
// filtering a run of equal timestamps, which is what keeps the benchmark
// above linear.
func TestPullUsesTheFeedIndex(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, tdb *testDB) {
		tdb.createCustomers(t, "{serial}")
		tdb.exec(t, `CREATE INDEX customers_feed ON customers (updated_at, id)`)
		tbl := open(t, baseConfig(tdb))
		var ts any = "2024-05-01 10:00:00+00:00"
		explain := "EXPLAIN QUERY PLAN "
		if tdb.dialect == dialectPostgres {
			ts, explain = t0, "EXPLAIN "
		}
		// One connection, so that the SETs apply to the EXPLAIN. The planner
		// would scan and sort a table this small; the test asks whether it
		// can walk the index when it has to.
		ctx := context.Background()
		conn, err := tdb.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if tdb.dialect == dialectPostgres {
			if _, err := conn.ExecContext(ctx, `SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_sort = off`); err != nil {
				t.Fatal(err)
			}
		}
		var steps []step
		for _, p := range []*position{nil, {ts: ts}, {ts: ts, hasID: true, id: int64(5)}, {ts: ts, hasID: true}} {
			steps = append(steps, tbl.mainSteps(p)...)
		}
		for _, s := range steps {
			plan := explainPlan(t, conn, explain+tbl.selectWhere(s, 1000), s.args)
			t.Logf("%s:\n%s", s.where, plan)
			seek := strings.Contains(plan, "USING INDEX customers_feed (updated_at") || strings.Contains(plan, "Index Cond")
			if s.where == `"updated_at" IS NOT NULL` {
				seek = strings.Contains(plan, "customers_feed")
			}
			if !seek || strings.Contains(plan, "TEMP B-TREE") || strings.Contains(plan, "Sort") || strings.Contains(plan, "Filter") {
				t.Errorf("%s: plan does not start at the cursor in the index:\n%s", s.where, plan)
			}
		}
	})
}

func explainPlan(t *testing.T, conn *sql.Conn, q string, args []any) string {
	t.Helper()
	rows, err := conn.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	all, err := scanAll(rows)
	if err != nil {
		t.Fatal(err)
	}
	var plan strings.Builder
	for _, r := range all {
		for _, v := range r {
			if s, ok := v.(string); ok {
				plan.WriteString(s + "\n")
			}
		}
	}
	return plan.String()
}
