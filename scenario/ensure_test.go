package scenario

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
)

// The sale-time ensure returns the upstream id of a local customer, linking
// or creating it at once, and creates it exactly once however many callers
// ask at the same time.
func TestEnsureCreatesExactlyOnceUnderConcurrency(t *testing.T) {
	providers(t, func(t *testing.T, dialect, provider string) {
		c := newCrafted(t, dialect, provider)
		h := c.h
		ctx := context.Background()
		h.run()
		fresh := h.addLocal(shopRow{First: "Sal", Last: "Now", Email: "sal@mail.nz"})[0]

		const callers = 8
		ids := make([]string, callers)
		errs := make([]error, callers)
		var wg sync.WaitGroup
		for i := range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ids[i], errs[i] = h.rec.Ensure(ctx, fresh)
			}()
		}
		wg.Wait()
		for i := range callers {
			if errs[i] != nil {
				t.Fatalf("caller %d: %v", i, errs[i])
			}
			if ids[i] == "" || ids[i] != ids[0] {
				t.Fatalf("callers got ids %v, want one id for all", ids)
			}
		}
		if got := h.byRef(fresh); len(got) != 1 || got[0].ID != ids[0] {
			t.Fatalf("upstream holds %d customers for local %s, want exactly the one returned", len(got), fresh)
		}

		// A linked customer is answered from the link, with no API call.
		before := h.up.Calls()
		if id, err := h.rec.Ensure(ctx, c.L["cat"]); err != nil || id != c.U["cat"] {
			t.Errorf("ensure of a linked customer = %q, %v; want %s", id, err, c.U["cat"])
		}
		if n := h.up.Calls() - before; n != 0 {
			t.Errorf("ensure of a linked customer made %d API calls", n)
		}
		// A customer under review is not linked or created behind the
		// reviewer's back.
		if _, err := h.rec.Ensure(ctx, c.L["shared1"]); !errors.Is(err, engine.ErrNeedsReview) {
			t.Errorf("ensure of a customer in review: err = %v, want ErrNeedsReview", err)
		}
		if got := h.byRef(c.L["shared1"]); len(got) != 0 {
			t.Errorf("ensure created a customer that waits for review")
		}
	})
}

// "Sync this record now" reads one record from its side, whatever the feed
// says, and decides it again.
func TestSyncRecordReadsBothSidesNow(t *testing.T) {
	dialects(t, func(t *testing.T, dialect string) {
		c := newCrafted(t, dialect, "lightspeed")
		h := c.h
		h.run()
		if err := h.prov.setPhone(c.U["dan"], "021 555 0444"); err != nil {
			t.Fatal(err)
		}
		// The feed does not show the change; syncing the record finds it.
		h.wrap = hideFromFeed(map[string]bool{c.U["dan"]: true}, "")
		run, err := h.rec.SyncRecord(context.Background(), engine.Local, c.L["dan"])
		if err != nil || run.Status != engine.RunSucceeded || run.Trigger != "record" {
			t.Fatalf("sync record: %+v, %v", run, err)
		}
		found := false
		for _, cf := range h.conflicts(engine.ConflictOpen) {
			found = found || (cf.LocalID == c.L["dan"] && cf.UpstreamValue == "021 555 0444")
		}
		if !found {
			t.Error("syncing dan did not read his upstream record afresh")
		}
	})
}

// Ensure between runs matches against the other side as it is now, and
// decides only the customer asked about. A customer created at the point of
// sale since the last run, and entered in the shop too, is linked by the
// next run, not inserted locally by the ensure (which read the feed that
// brought it); and a new shop customer whose address is already upstream is
// linked to it, not created a second time.
func TestEnsureBetweenRunsCreatesNothingElse(t *testing.T) {
	providers(t, func(t *testing.T, dialect, provider string) {
		c := newCrafted(t, dialect, provider)
		h := c.h
		ctx := context.Background()
		h.run()
		// Since the run: Wiremu was added at the till and in the shop;
		// Tui was added at the till, and then to the shop for a sale.
		wiremuUp := h.addUpstream(map[string]any{"first_name": "Wiremu", "last_name": "Till", "email": "wiremu@mail.nz"})[0]
		tuiUp := h.addUpstream(map[string]any{"first_name": "Tui", "last_name": "Sale", "email": "tui@mail.nz"})[0]
		now := time.Now().UTC()
		wiremu := h.addLocal(shopRow{First: "Wiremu", Last: "Till", Email: "wiremu@mail.nz", UpdatedAt: now})[0]
		tui := h.addLocal(shopRow{First: "Tui", Last: "Sale", Email: "tui@mail.nz", UpdatedAt: now})[0]
		localsBefore := len(h.shopRows())

		id, err := h.rec.Ensure(ctx, tui)
		if err != nil || id != tuiUp {
			t.Fatalf("ensure of a customer already upstream = %q, %v; want the existing %s", id, err, tuiUp)
		}
		if n := len(h.shopRows()); n != localsBefore {
			t.Fatalf("ensure changed the shop from %d to %d customers", localsBefore, n)
		}
		if got := h.byRef(tui); len(got) > 1 {
			t.Fatalf("upstream holds %d customers for local %s", len(got), tui)
		}

		before := h.shopRows()
		h.run()
		if n := len(h.shopRows()); n != localsBefore {
			for id, r := range h.shopRows() {
				if _, ok := before[id]; !ok {
					t.Logf("new shop row %s: %+v", id, r)
				}
			}
			t.Fatalf("the run after ensure changed the shop from %d to %d customers", localsBefore, n)
		}
		links := h.links()
		if l, ok := links[wiremu+"|"+wiremuUp]; !ok || l.State != engine.LinkActive {
			t.Errorf("Wiremu's link after the run = %+v (%v), want an active link to upstream %s", l, ok, wiremuUp)
		}
		emails := map[string]int{}
		for _, up := range h.upstream() {
			if !up.Deleted {
				emails[up.Email]++
			}
		}
		for _, e := range []string{"wiremu@mail.nz", "tui@mail.nz"} {
			if emails[e] != 1 {
				t.Errorf("upstream holds %d customers with %s, want 1", emails[e], e)
			}
		}
	})
}
