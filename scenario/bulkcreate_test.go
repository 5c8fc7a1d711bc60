package scenario

import (
	"context"
	"fmt"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

// Creations are applied in chunks: on Square through BulkCreateCustomers
// (up to 100 per call), on X-Series one call each (it has no bulk create);
// on both every customer is created exactly once, its link made, and its
// upstream id written back to the shop, and the local inserts of upstream
// customers go through the same path.
func TestCreationsAreAppliedInChunks(t *testing.T) {
	providers(t, func(t *testing.T, dialect, provider string) {
		o := defaultOpts()
		o.provider = provider
		h := newHarness(t, dialect, o)
		const nLocal, nUp = 150, 30
		rows := make([]shopRow, nLocal)
		for i := range rows {
			rows[i] = shopRow{First: "Local", Last: itoa(i), Email: fmt.Sprintf("local%d@shop.nz", i)}
		}
		ids := h.addLocal(rows...)
		ups := make([]map[string]any, nUp)
		for i := range ups {
			ups[i] = map[string]any{"first_name": "Up", "last_name": itoa(i), "email": fmt.Sprintf("up%d@pos.nz", i)}
		}
		h.addUpstream(ups...)
		h.prov.resetStats()

		run := h.run()
		if run.Status != engine.RunSucceeded {
			t.Fatalf("run: %s %s", run.Status, run.Error)
		}
		if got := run.Counts.Kind(engine.OutcomeCreatedUpstream); got != nLocal {
			t.Errorf("created upstream %d, want %d", got, nLocal)
		}
		if got := run.Counts.Kind(engine.OutcomeCreatedLocal); got != nUp {
			t.Errorf("created locally %d, want %d", got, nUp)
		}
		if sq, ok := h.prov.(*squareProv); ok {
			// 150 creations are at least two bulk calls; a chunk may be cut
			// short by the outbox's paging, never split into single calls.
			if st := sq.s.Stats(); st.Create != 0 || st.BulkCreate < 2 || st.BulkCreate > 3 {
				t.Errorf("Square saw %d CreateCustomer and %d BulkCreateCustomers calls; want 0 and 2 or 3",
					st.Create, st.BulkCreate)
			}
		} else if st := h.prov.stats(); st.Create != nLocal {
			t.Errorf("X-Series saw %d creates, want %d", st.Create, nLocal)
		}
		shop := h.shopRows()
		for _, id := range ids {
			got := h.byRef(id)
			if len(got) != 1 {
				t.Fatalf("local %s is upstream %d times, want 1", id, len(got))
			}
			if shop[id].LightspeedID != got[0].ID {
				t.Errorf("local %s has upstream id %q, want %q written back", id, shop[id].LightspeedID, got[0].ID)
			}
			if l := h.links()[id+"|"+got[0].ID]; l.State != engine.LinkActive || l.Method != engine.MethodPushed {
				t.Errorf("link of %s = %+v, want active and pushed", id, l)
			}
		}
		counts, err := h.db.WriteCounts(context.Background(), pairName)
		if err != nil {
			t.Fatal(err)
		}
		if counts[engine.WriteDone] != nLocal+nUp || len(counts) != 1 {
			t.Errorf("outbox %v, want %d done", counts, nLocal+nUp)
		}
		ws, _, err := h.db.FindWrites(context.Background(), store.WriteFilter{Pair: pairName, Status: engine.WriteDone})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range ws {
			if w.Attempts != 1 {
				t.Fatalf("write %d took %d attempts, want 1", w.ID, w.Attempts)
			}
		}

		h.prov.resetStats()
		again := h.run()
		if n := again.Counts.Kind(engine.OutcomeCreatedUpstream) + again.Counts.Kind(engine.OutcomeCreatedLocal); n != 0 {
			t.Errorf("second run created %d", n)
		}
		if st := h.prov.stats(); st.Create != 0 {
			t.Errorf("second run sent %d creates", st.Create)
		}
	})
}
