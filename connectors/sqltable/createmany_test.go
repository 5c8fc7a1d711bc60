package sqltable

import (
	"context"
	"errors"
	"testing"

	"github.com/accordhq/accord/engine"
)

// A chunk of creations is one transaction in which a refused row fails
// alone: the others are inserted, with the upstream id and one timestamp,
// and read back as Create reads them.
func TestCreateManyInsertsAllButTheRefusedRow(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, tdb *testDB) {
		tdb.createCustomers(t, "{serial}")
		tdb.exec(t, `CREATE UNIQUE INDEX customers_email ON customers (email)`)
		tdb.exec(t, `INSERT INTO customers (updated_at, email, first_name) VALUES ($1, 'taken@example.com', 'Ann')`, t0)
		tbl := open(t, baseConfig(tdb))
		res := tbl.CreateMany(context.Background(), []engine.Creation{
			{Customer: engine.Customer{Email: "new1@example.com", FirstName: "Bo", ExternalRef: "U1"}},
			{Customer: engine.Customer{Email: "taken@example.com", FirstName: "Cy", ExternalRef: "U2"}},
			{Customer: engine.Customer{Email: "new3@example.com", FirstName: "Di", ExternalRef: "U3"}},
		})
		if len(res) != 3 {
			t.Fatalf("%d results, want 3", len(res))
		}
		if !engine.IsTerminal(res[1].Err) || !errors.Is(res[1].Err, engine.ErrConflict) {
			t.Errorf("duplicate email: %v, want a terminal conflict", res[1].Err)
		}
		for _, i := range []int{0, 2} {
			r := res[i]
			if r.Err != nil || r.Customer.ID == "" || r.Customer.ExternalRef != []string{"U1", "", "U3"}[i] {
				t.Fatalf("creation %d = %+v, %v", i, r.Customer, r.Err)
			}
			if !r.Customer.UpdatedAt.Equal(res[0].Customer.UpdatedAt) {
				t.Errorf("creation %d stamped %s, want the chunk's %s", i, r.Customer.UpdatedAt, res[0].Customer.UpdatedAt)
			}
			row := tdb.queryRow(t, `SELECT lightspeed_id, email FROM customers WHERE id = `+r.Customer.ID)
			if row[0] != r.Customer.ExternalRef || row[1] != r.Customer.Email {
				t.Errorf("row %s = %q", r.Customer.ID, row)
			}
		}
		if n := tdb.queryRow(t, `SELECT COUNT(*) FROM customers`)[0]; n != "3" {
			t.Errorf("%s rows, want 3: the refused one is not inserted", n)
		}
		if res := tbl.CreateMany(context.Background(), nil); len(res) != 0 {
			t.Errorf("empty input gave %d results", len(res))
		}
	})
}
