package scenario

import (
	"reflect"
	"sort"
	"testing"

	"github.com/accordhq/accord/engine"
)

// crafted is a scenario with one or more records for every row of the
// decision table (DESIGN.md §3).
type crafted struct {
	h *harness
	L map[string]string // local ids by label
	U map[string]string // upstream ids by label
}

func newCrafted(t *testing.T, dialect, provider string) *crafted {
	o := defaultOpts()
	o.provider = provider
	h := newHarness(t, dialect, o)
	// The production default: links fresher than the sweep age are not
	// re-read, so an idle run still costs one call.
	h.rec.SweepSize = 25
	c := &crafted{h: h, L: map[string]string{}, U: map[string]string{}}
	up := []struct {
		label string
		c     map[string]any
	}{
		{"ext1", map[string]any{"first_name": "Ann", "last_name": "Ext", "email": "ann.pos@mail.nz"}},
		{"rev", map[string]any{"first_name": "Bob", "last_name": "Rev", "email": "bob@mail.nz", "custom_field_1": "2"}},
		{"cat", map[string]any{"first_name": "Cat", "last_name": "Email", "email": " CAT@mail.nz ", "phone": "+64 21 555 0101"}},
		{"dan", map[string]any{"first_name": "Dan", "last_name": "Phone", "email": "dan@mail.nz", "phone": "021 555 0999"}},
		{"eve", map[string]any{"first_name": "Eve", "last_name": "Code", "email": "eve.pos@mail.nz", "customer_code": "C-5"}},
		{"shared", map[string]any{"first_name": "Sam", "last_name": "Shared", "email": "shared@mail.nz"}},
		{"two_a", map[string]any{"first_name": "Tia", "last_name": "Two", "email": "two@mail.nz"}},
		{"two_b", map[string]any{"first_name": "Tia", "last_name": "Two", "email": "two@mail.nz"}},
		{"contra_email", map[string]any{"first_name": "Kim", "last_name": "Contra", "email": "contra@mail.nz"}},
		{"contra_code", map[string]any{"first_name": "Kim", "last_name": "Other", "email": "kim.other@mail.nz", "customer_code": "K-9"}},
		{"hal", map[string]any{"first_name": "Hal", "last_name": "Gone", "email": "hal@mail.nz", "deleted_at": "2026-10-01T00:00:00+00:00"}},
		{"only1", map[string]any{"first_name": "Ivy", "last_name": "Upstream", "email": "ivy@mail.nz"}},
		{"only2", map[string]any{"first_name": "Jay", "last_name": "Upstream", "phone": "027 123 4567"}},
	}
	for i, u := range up {
		u.c["id"] = "00000000-0000-4000-8000-" + pad12(i+1)
		c.U[u.label] = u.c["id"].(string)
	}
	cs := make([]map[string]any, len(up))
	for i, u := range up {
		cs[i] = u.c
	}
	h.addUpstream(cs...)

	local := []struct {
		label string
		r     shopRow
	}{
		{"ext1", shopRow{First: "Ann", Last: "Ext", Email: "ann.shop@mail.nz", LightspeedID: c.U["ext1"]}},
		{"rev", shopRow{First: "Bob", Last: "Rev", Email: "bob@mail.nz"}}, // id 2, named by custom_field_1
		{"cat", shopRow{First: "Cat", Last: "Email", Email: "cat@mail.nz", Phone: "021 555 0101"}},
		{"dan", shopRow{First: "Dan", Last: "Phone", Email: "dan@mail.nz", Phone: "021 555 0102"}},
		{"eve", shopRow{First: "Eve", Last: "Code", AccountNo: "C-5"}},
		{"shared1", shopRow{First: "Sam", Last: "Shared", Email: "shared@mail.nz"}},
		{"shared2", shopRow{First: "Sue", Last: "Shared", Email: "Shared@mail.nz"}},
		{"two", shopRow{First: "Tia", Last: "Two", Email: "two@mail.nz"}},
		{"contra", shopRow{First: "Kim", Last: "Contra", Email: "contra@mail.nz", AccountNo: "K-9"}},
		{"fay", shopRow{First: "Fay", Last: "Local", Email: "fay@mail.nz"}},
		{"gus", shopRow{First: "Gus", Last: "Local"}},
		{"nameless", shopRow{Email: "nameless@mail.nz"}},
		{"hal", shopRow{First: "Hal", Last: "Gone", Email: "hal.shop@mail.nz", LightspeedID: c.U["hal"]}},
	}
	rows := make([]shopRow, len(local))
	for i, l := range local {
		rows[i] = l.r
	}
	for i, id := range h.addLocal(rows...) {
		c.L[local[i].label] = id
	}
	if c.L["rev"] != "2" {
		t.Fatalf("the reverse-reference row got id %s, want 2", c.L["rev"])
	}
	return c
}

func pad12(n int) string {
	s := "000000000000" + itoa(n)
	return s[len(s)-12:]
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestCraftedScenario(t *testing.T) {
	providers(t, func(t *testing.T, dialect, provider string) {
		c := newCrafted(t, dialect, provider)
		h := c.h
		shopBefore, upBefore := h.shopRows(), h.upstream()

		run := h.run()
		if run.Status != engine.RunSucceeded {
			t.Fatalf("run status %s: %s", run.Status, run.Error)
		}

		// Links per tier.
		links := h.links()
		want := map[string]engine.LinkMethod{
			c.L["ext1"] + "|" + c.U["ext1"]: engine.MethodExternalID,
			c.L["rev"] + "|" + c.U["rev"]:   engine.MethodExternalID,
			c.L["cat"] + "|" + c.U["cat"]:   engine.MethodEmail,
			c.L["dan"] + "|" + c.U["dan"]:   engine.MethodEmail,
			c.L["eve"] + "|" + c.U["eve"]:   engine.MethodAccountCode,
		}
		if provider == "lightspeed" {
			// X-Series keeps deleted customers in its feed, so the link to
			// one is made, straight into review. Square forgets them.
			want[c.L["hal"]+"|"+c.U["hal"]] = engine.MethodExternalID
		}
		for key, m := range want {
			if l, ok := links[key]; !ok || l.Method != m {
				t.Errorf("link %s = %+v, want method %s", key, l, m)
			}
		}
		if l := links[c.L["hal"]+"|"+c.U["hal"]]; provider == "lightspeed" && l.State != engine.LinkUpstreamDeleted {
			t.Errorf("link to the deleted customer is %s, want %s", l.State, engine.LinkUpstreamDeleted)
		}
		// Either way the shop customer whose upstream record is gone is not
		// created again.
		if got := h.byRef(c.L["hal"]); len(got) != 0 {
			t.Errorf("the customer deleted upstream was created again: %+v", got)
		}

		// Local-only customers were created upstream exactly once, as the
		// simulator's own API shows, and linked as pushed.
		for _, label := range []string{"fay", "gus"} {
			got := h.byRef(c.L[label])
			if len(got) != 1 {
				t.Fatalf("%s: %d upstream customers carry its id, want exactly 1", label, len(got))
			}
			if l, ok := links[c.L[label]+"|"+got[0].ID]; !ok || l.Method != engine.MethodPushed || l.State != engine.LinkActive {
				t.Errorf("%s: link = %+v, want an active pushed link", label, l)
			}
			if h.shopRows()[c.L[label]].LightspeedID != got[0].ID {
				t.Errorf("%s: the shop's lightspeed_id was not written back", label)
			}
		}
		// X-Series needs a name; Square needs any one of name, company,
		// email or phone, so the customer with only an email is created there.
		wantNameless := map[string]int{"lightspeed": 0, "square": 1}[provider]
		if got := h.byRef(c.L["nameless"]); len(got) != wantNameless {
			t.Errorf("the customer without a name is upstream %d times, want %d", len(got), wantNameless)
		}
		for _, label := range []string{"shared1", "shared2", "two", "contra"} {
			if got := h.byRef(c.L[label]); len(got) != 0 {
				t.Errorf("%s waits for review but was created upstream", label)
			}
		}

		// Upstream-only customers were inserted locally, once each.
		for _, label := range []string{"only1", "only2"} {
			n := 0
			for id, r := range h.shopRows() {
				if r.LightspeedID == c.U[label] {
					n++
					if l, ok := links[id+"|"+c.U[label]]; !ok || l.Method != engine.MethodPulled {
						t.Errorf("%s: link = %+v, want pulled", label, l)
					}
				}
			}
			if n != 1 {
				t.Errorf("%s: inserted %d times locally, want 1", label, n)
			}
		}
		for _, label := range []string{"shared", "two_a", "two_b", "contra_email", "contra_code", "hal"} {
			for _, r := range h.shopRows() {
				if r.LightspeedID == c.U[label] && label != "hal" {
					t.Errorf("upstream %s waits for review but was inserted locally", label)
				}
			}
		}

		// Ambiguity became suggestions and duplicate sets, never links.
		gotSug := map[string]engine.Reason{}
		for _, s := range h.suggestions(engine.ReviewOpen) {
			gotSug[s.LocalID+"|"+s.UpstreamID] = s.Reason
		}
		wantSug := map[string]engine.Reason{
			c.L["shared1"] + "|" + c.U["shared"]:      engine.ReasonAmbiguousEmail,
			c.L["shared2"] + "|" + c.U["shared"]:      engine.ReasonAmbiguousEmail,
			c.L["two"] + "|" + c.U["two_a"]:           engine.ReasonAmbiguousEmail,
			c.L["two"] + "|" + c.U["two_b"]:           engine.ReasonAmbiguousEmail,
			c.L["contra"] + "|" + c.U["contra_email"]: engine.ReasonContradictingTiers,
			c.L["contra"] + "|" + c.U["contra_code"]:  engine.ReasonContradictingTiers,
		}
		if !reflect.DeepEqual(gotSug, wantSug) {
			t.Errorf("open suggestions = %v\nwant %v", gotSug, wantSug)
		}
		var gotDup [][]string
		for _, d := range h.duplicateSets(engine.ReviewOpen) {
			gotDup = append(gotDup, append([]string{string(d.Side)}, d.Members...))
		}
		wantDup := [][]string{sorted("local", c.L["shared1"], c.L["shared2"]), sorted("upstream", c.U["two_a"], c.U["two_b"])}
		sort.Slice(gotDup, func(i, j int) bool { return gotDup[i][0] < gotDup[j][0] })
		if !reflect.DeepEqual(gotDup, wantDup) {
			t.Errorf("duplicate sets = %v, want %v", gotDup, wantDup)
		}
		for key := range wantSug {
			if _, linked := links[key]; linked {
				t.Errorf("ambiguous pair %s was linked", key)
			}
		}

		// The linked pair whose phones differ has a conflict; the one whose
		// phones differ only in format has none.
		cs := h.conflicts(engine.ConflictOpen)
		if len(cs) != 2 {
			t.Fatalf("open conflicts = %+v, want dan's phone and ann's email", cs)
		}
		for _, cf := range cs {
			switch cf.LocalID {
			case c.L["dan"]:
				if cf.Field != engine.FieldPhone || cf.LocalValue != "021 555 0102" || cf.UpstreamValue != "021 555 0999" {
					t.Errorf("dan's conflict = %+v", cf)
				}
			case c.L["ext1"]:
				if cf.Field != engine.FieldEmail {
					t.Errorf("ann's conflict = %+v", cf)
				}
			default:
				t.Errorf("unexpected conflict %+v", cf)
			}
		}

		// Not one field of a record that existed before the run changed on
		// either side, except the shop's upstream-id column of the rows
		// accord pushed.
		upAfter := h.upstream()
		for id, before := range upBefore {
			if after := upAfter[id]; !reflect.DeepEqual(before, after) {
				t.Errorf("upstream %s changed:\n%+v\n%+v", id, before, after)
			}
		}
		shopAfter := h.shopRows()
		for id, before := range shopBefore {
			after := shopAfter[id]
			if id == c.L["fay"] || id == c.L["gus"] || (id == c.L["nameless"] && wantNameless == 1) {
				after.LightspeedID = "" // the upstream id written back after a creation
			}
			if !reflect.DeepEqual(before, after) {
				t.Errorf("shop row %s changed:\n%+v\n%+v", id, before, after)
			}
		}

		// Every record the run read has an outcome with a reason
		// (invariant 8).
		explained := map[engine.Ref]bool{}
		for _, o := range h.outcomes(run.ID) {
			if o.Reason == "" {
				t.Errorf("outcome without a reason: %+v", o)
			}
			explained[engine.Ref{Side: o.Side, ID: o.RecordID}] = true
		}
		for id := range shopBefore {
			if !explained[engine.Ref{Side: engine.Local, ID: id}] {
				t.Errorf("local %s has no outcome", id)
			}
		}
		for id := range upBefore {
			if !explained[engine.Ref{Side: engine.Upstream, ID: id}] {
				t.Errorf("upstream %s has no outcome", id)
			}
		}

		// A second run with nothing changed writes nothing and makes
		// exactly one X-Series API call.
		h.prov.resetStats()
		shopBefore, upBefore = h.shopRows(), h.upstream()
		run2 := h.run()
		st := h.prov.stats()
		if run2.APICalls != 1 || st.Total != 1 {
			t.Errorf("idle run made %d API calls (simulator saw %d), want 1", run2.APICalls, st.Total)
		}
		if st.Create+st.Update+st.Delete != 0 {
			t.Errorf("idle run wrote upstream: %+v", st)
		}
		if !reflect.DeepEqual(shopBefore, h.shopRows()) || !reflect.DeepEqual(upBefore, h.upstream()) {
			t.Error("idle run changed a side")
		}
		if n := run2.Counts.Kind(engine.OutcomeCreatedUpstream) + run2.Counts.Kind(engine.OutcomeCreatedLocal) + run2.Changed[engine.Local] + run2.Changed[engine.Upstream]; n != 0 {
			t.Errorf("idle run counted %d changes or creations: %+v", n, run2)
		}
	})
}

func sorted(side string, ids ...string) []string {
	sort.Strings(ids)
	return append([]string{side}, ids...)
}
