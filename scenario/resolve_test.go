package scenario

import (
	"context"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

// A person's resolution is the only write accord makes to a linked record:
// keeping one side's value writes it to the other side only, once, audited.
func TestResolvedConflictWritesOnlyTheOtherSide(t *testing.T) {
	providers(t, func(t *testing.T, dialect, provider string) {
		c := newCrafted(t, dialect, provider)
		h := c.h
		ctx := context.Background()
		h.run()
		// dan: phones differ. ann (ext1): emails differ.
		var danPhone, annEmail engine.Conflict
		for _, cf := range h.conflicts(engine.ConflictOpen) {
			switch {
			case cf.LocalID == c.L["dan"] && cf.Field == engine.FieldPhone:
				danPhone = cf
			case cf.LocalID == c.L["ext1"] && cf.Field == engine.FieldEmail:
				annEmail = cf
			}
		}
		if danPhone.ID == 0 || annEmail.ID == 0 {
			t.Fatalf("missing conflicts: %+v %+v", danPhone, annEmail)
		}
		if err := h.db.ResolveConflict(ctx, danPhone.ID, engine.Local, "merchant@shop.nz"); err != nil {
			t.Fatal(err)
		}
		if err := h.db.ResolveConflict(ctx, annEmail.ID, engine.Upstream, "merchant@shop.nz"); err != nil {
			t.Fatal(err)
		}
		if err := h.db.ResolveConflict(ctx, danPhone.ID, engine.Upstream, "someone"); err == nil {
			t.Fatal("a resolved conflict was resolved again")
		}
		shopBefore, upBefore := h.shopRows(), h.upstream()
		h.prov.resetStats()

		run := h.run()
		if run.Counts.Get(engine.OutcomeUpdatedUpstream, engine.ReasonResolution) != 1 ||
			run.Counts.Get(engine.OutcomeUpdatedLocal, engine.ReasonResolution) != 1 {
			t.Fatalf("counts = %v, want one update on each side", run.Counts)
		}
		if st := h.prov.stats(); st.Update != 1 || st.Create != 0 {
			t.Errorf("upstream writes = %+v, want exactly one update", st)
		}
		up := h.upstream()
		if got := up[c.U["dan"]].Phone; got != "021 555 0102" {
			t.Errorf("dan's upstream phone = %q, want the kept local value", got)
		}
		if got := up[c.U["ext1"]].Email; got != "ann.pos@mail.nz" {
			t.Errorf("ann's upstream email changed to %q; the upstream value was the one kept", got)
		}
		shop := h.shopRows()
		if got := shop[c.L["ext1"]].Email; got != "ann.pos@mail.nz" {
			t.Errorf("ann's local email = %q, want the kept upstream value", got)
		}
		if shop[c.L["dan"]] != shopBefore[c.L["dan"]] {
			t.Errorf("dan's local row changed though local was kept")
		}
		for id, before := range upBefore {
			if id != c.U["dan"] && before.Version != up[id].Version {
				t.Errorf("upstream %s changed; only dan's record may", id)
			}
		}
		for id, before := range shopBefore {
			if id != c.L["ext1"] && before != shop[id] {
				t.Errorf("shop row %s changed; only ann's row may", id)
			}
		}
		// The sides agree now: no conflict reopens, and the next run is idle.
		h.run()
		for _, cf := range h.conflicts(engine.ConflictOpen) {
			if cf.ID != danPhone.ID && cf.LinkID == danPhone.LinkID && cf.Field == engine.FieldPhone {
				t.Errorf("dan's phone conflict reopened: %+v", cf)
			}
			if cf.LinkID == annEmail.LinkID && cf.Field == engine.FieldEmail {
				t.Errorf("ann's email conflict reopened: %+v", cf)
			}
		}
		entries, _, err := h.db.FindAudit(ctx, store.AuditFilter{Pair: pairName, Action: store.ActionResolveConflict})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 || entries[0].Actor != "merchant@shop.nz" {
			t.Errorf("audit = %+v, want both resolutions by the merchant", entries)
		}
	})
}
