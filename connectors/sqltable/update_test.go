package sqltable

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/accordhq/accord/engine"
)

func TestUpdateSetsFieldsAndStampsTheRow(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, tdb *testDB) {
		tdb.createCustomers(t, "{serial}")
		tdb.exec(t, `INSERT INTO customers VALUES (1, $1, 'ls-1', 'a@example.com', 'Ann', 'Lee', '021')`, t0)
		tdb.exec(t, `INSERT INTO customers VALUES (2, $1, 'ls-2', 'b@example.com', 'Bo', 'Ng', '022')`, t0)
		snapshot := func(id int) []string {
			return tdb.queryRow(t, `SELECT id, CAST(updated_at AS TEXT), lightspeed_id, email, first_name, last_name, phone
				FROM customers WHERE id = $1`, id)
		}
		before1, before2 := snapshot(1), snapshot(2)
		tbl := open(t, baseConfig(tdb))
		ctx := context.Background()
		got, err := tbl.Update(ctx, "1", map[string]string{engine.FieldPhone: "021 555 0199", engine.FieldEmail: ""})
		if err != nil {
			t.Fatal(err)
		}
		if got.Phone != "021 555 0199" || got.Email != "" || got.FirstName != "Ann" {
			t.Errorf("updated customer = %+v", got)
		}
		after1 := snapshot(1)
		if after1[1] == before1[1] {
			t.Error("updated_at was not stamped, so the next pull would miss the change")
		}
		want := slices.Clone(before1)
		want[1], want[3], want[6] = after1[1], "<nil>", "021 555 0199" // an empty value is stored as NULL
		if !slices.Equal(after1, want) {
			t.Errorf("row 1\n got %q\nwant %q", after1, want)
		}
		if after2 := snapshot(2); !slices.Equal(after2, before2) {
			t.Errorf("row 2 changed: %q -> %q", before2, after2)
		}
		if _, err := tbl.Update(ctx, "9", map[string]string{engine.FieldPhone: "1"}); !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("unknown row: %v, want ErrNotFound", err)
		}
		if _, err := tbl.Update(ctx, "1", map[string]string{engine.FieldCompany: "x"}); !errors.Is(err, engine.ErrInvalid) || !engine.IsTerminal(err) {
			t.Errorf("unmapped field: %v, want a terminal ErrInvalid", err)
		}
	})
}
