package sqltable

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/accordhq/accord/engine"
)

func TestSetExternalRefsStoresEachAndReportsMissingRows(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, tdb *testDB) {
		tdb.createCustomers(t, "{serial}")
		tdb.exec(t, `INSERT INTO customers VALUES (1, $1, NULL, 'a@example.com', 'Ann', 'Lee', '021')`, t0)
		tdb.exec(t, `INSERT INTO customers VALUES (2, $1, NULL, 'b@example.com', 'Bo', 'Ng', '022')`, t0)
		tdb.exec(t, `INSERT INTO customers VALUES (3, $1, 'ls-3', 'c@example.com', 'Cy', 'Oh', '023')`, t0)
		snapshot := func(id int) []string {
			return tdb.queryRow(t, `SELECT id, CAST(updated_at AS TEXT), lightspeed_id, email, first_name, last_name, phone
				FROM customers WHERE id = $1`, id)
		}
		before1, before3 := snapshot(1), snapshot(3)
		tbl := open(t, baseConfig(tdb))
		ctx := context.Background()
		errs := tbl.SetExternalRefs(ctx, []engine.ExternalRef{{ID: "1", Ref: "ls-1"}, {ID: "9", Ref: "ls-9"},
			{ID: "abc", Ref: "ls-x"}, {ID: "2", Ref: "ls-2"}})
		if len(errs) != 4 || errs[0] != nil || errs[3] != nil {
			t.Fatalf("errors %v, want rows 1 and 2 stored", errs)
		}
		for _, i := range []int{1, 2} {
			if !errors.Is(errs[i], engine.ErrNotFound) {
				t.Errorf("ref %d: %v, want ErrNotFound", i, errs[i])
			}
		}
		want := slices.Clone(before1)
		want[2] = "ls-1"
		if got := snapshot(1); !slices.Equal(got, want) {
			t.Errorf("row 1\n got %q\nwant %q (only the upstream id changes)", got, want)
		}
		if got := snapshot(2)[2]; got != "ls-2" {
			t.Errorf("row 2 upstream id %q, want ls-2", got)
		}
		if got := snapshot(3); !slices.Equal(got, before3) {
			t.Errorf("row 3 changed: %q -> %q", before3, got)
		}

		cfg := baseConfig(tdb)
		cfg.UpstreamID = ""
		noRef := open(t, cfg)
		if errs := noRef.SetExternalRefs(ctx, []engine.ExternalRef{{ID: "3", Ref: "ls-x"}}); len(errs) != 1 || errs[0] != nil {
			t.Errorf("without a column: %v, want a no-op", errs)
		}
	})
}
