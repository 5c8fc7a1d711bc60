package scenario

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accordhq/accord/connectors/lightspeed/sim"
	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

// Invariant 1: an automatic run never writes customer fields of a linked
// record, on either side, whatever changes on the other.
func TestNoOverwriteOfLinkedRecords(t *testing.T) {
	providers(t, func(t *testing.T, dialect, provider string) {
		c := newCrafted(t, dialect, provider)
		h := c.h
		h.run()
		if err := h.prov.setPhone(c.U["dan"], "021 555 0888"); err != nil {
			t.Fatal(err)
		}
		h.exec(`UPDATE customers SET first_name = ?, updated_at = ? WHERE id = ?`, "Catherine", time.Now().UTC(), c.L["cat"])
		shopBefore, upBefore := h.shopRows(), h.upstream()

		run := h.run()
		if run.Status != engine.RunSucceeded {
			t.Fatalf("run: %s %s", run.Status, run.Error)
		}
		if !reflect.DeepEqual(shopBefore, h.shopRows()) {
			t.Error("a run wrote the shop table after edits on linked records")
		}
		if !reflect.DeepEqual(upBefore, h.upstream()) {
			t.Error("a run wrote X-Series after edits on linked records")
		}
		got := map[string]engine.Conflict{}
		for _, cf := range h.conflicts(engine.ConflictOpen) {
			got[cf.LocalID+"/"+cf.Field] = cf
		}
		if cf := got[c.L["dan"]+"/"+engine.FieldPhone]; cf.UpstreamValue != "021 555 0888" || cf.LocalValue != "021 555 0102" {
			t.Errorf("dan's phone conflict not refreshed: %+v", cf)
		}
		if cf := got[c.L["cat"]+"/"+engine.FieldFirstName]; cf.LocalValue != "Catherine" || cf.UpstreamValue != "Cat" {
			t.Errorf("cat's new name conflict = %+v", cf)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// isCreate reports whether r creates customers: X-Series and Square
// CreateCustomer, or Square BulkCreateCustomers.
func isCreate(r *http.Request) bool {
	return r.Method == http.MethodPost &&
		(strings.HasSuffix(r.URL.Path, "/customers") || strings.HasSuffix(r.URL.Path, "/customers/bulk-create"))
}

// dropAfterForward lets a create through to the simulator and then cuts the
// connection, so the creation happens but its response is lost.
func dropAfterForward(n *int, mu *sync.Mutex) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if isCreate(r) {
				mu.Lock()
				*n++
				first := *n == 1
				mu.Unlock()
				if first {
					next.ServeHTTP(httptestRecorder(), r)
					panic(http.ErrAbortHandler) // the client sees a dropped connection
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// refuseFirst answers the first create with a 503 without forwarding it:
// the client cannot know it was not applied.
func refuseFirst(n *int, mu *sync.Mutex) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if isCreate(r) {
				mu.Lock()
				*n++
				first := *n == 1
				mu.Unlock()
				if first {
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Invariant 2: a local record is created upstream at most once, even when
// the outcome of the creation is unknown.
func TestNoDuplicateCreateOnUnknownOutcome(t *testing.T) {
	for _, tc := range []struct {
		name    string
		wrap    func(*int, *sync.Mutex) func(http.Handler) http.Handler
		creates int // creations the simulator should have seen
	}{
		{"applied but the response was lost", dropAfterForward, 1},
		{"refused before it was applied", refuseFirst, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			providers(t, func(t *testing.T, dialect, provider string) {
				o := defaultOpts()
				o.provider = provider
				h := newHarness(t, dialect, o)
				var n int
				var mu sync.Mutex
				h.wrap = tc.wrap(&n, &mu)
				ids := h.addLocal(shopRow{First: "Fay", Last: "Local", Email: "fay@mail.nz"})
				run := h.run()
				if run.Status != engine.RunSucceeded {
					t.Fatalf("run: %s %s", run.Status, run.Error)
				}
				h.run() // and again: nothing may be created twice
				got := h.byRef(ids[0])
				if len(got) != 1 {
					t.Fatalf("%d upstream customers carry local id %s, want exactly 1", len(got), ids[0])
				}
				if st := h.prov.stats(); provider == "lightspeed" && st.Create != int64(tc.creates) {
					// X-Series has no idempotency key: a retry would be a
					// second customer. (Square may replay a keyed create.)
					t.Errorf("the simulator saw %d creates, want %d", st.Create, tc.creates)
				}
				l := h.links()[ids[0]+"|"+got[0].ID]
				if l.State != engine.LinkActive || l.Method != engine.MethodPushed {
					t.Errorf("link = %+v, want an active pushed link", l)
				}
				ws, _, err := h.db.FindWrites(context.Background(), store.WriteFilter{Pair: pairName})
				if err != nil {
					t.Fatal(err)
				}
				if len(ws) != 1 || ws[0].Status != engine.WriteDone {
					t.Errorf("outbox = %+v, want one done write", ws)
				}
			})
		})
	}
}

// Invariant 3: a cursor advances only with the page it covers, so a failed
// pull loses nothing; a local row committed late inside the overlap window
// is still read.
func TestNoMissedChange(t *testing.T) {
	dialects(t, func(t *testing.T, dialect string) {
		o := defaultOpts()
		o.createLocal = false
		o.simOpts = sim.Options{Customers: 450, Seed: 7}
		h := newHarness(t, dialect, o)
		lists := 0
		var mu sync.Mutex
		h.wrap = func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/customers") {
					mu.Lock()
					lists++
					n := lists
					mu.Unlock()
					if n > 1 { // the first page succeeds, every later request fails
						w.WriteHeader(http.StatusInternalServerError)
						return
					}
				}
				next.ServeHTTP(w, r)
			})
		}
		ctx := context.Background()
		run, err := h.rec.Run(ctx, engine.RunOptions{Trigger: "test"})
		if err == nil || run.Status != engine.RunFailed {
			t.Fatalf("run with a failing feed: status %s, err %v", run.Status, err)
		}
		stored, err := h.db.CountRecords(ctx, pairName, engine.Upstream)
		if err != nil {
			t.Fatal(err)
		}
		if stored != 200 {
			t.Fatalf("stored %d upstream records after one good page, want 200", stored)
		}
		cur, err := h.db.Cursor(ctx, pairName, engine.Upstream)
		if err != nil {
			t.Fatal(err)
		}
		all := h.sim.Customers(true)
		if cur != itoa64(all[199].Version) {
			t.Fatalf("cursor = %s, want the first page's last version %d", cur, all[199].Version)
		}

		h.wrap = nil
		h.run()
		stored, _ = h.db.CountRecords(ctx, pairName, engine.Upstream)
		if stored != 450 {
			t.Fatalf("stored %d upstream records after recovery, want 450", stored)
		}
		for _, cu := range all {
			if _, err := h.db.FindRecord(ctx, pairName, engine.Upstream, cu.ID); err != nil {
				t.Fatalf("upstream %s missed: %v", cu.ID, err)
			}
		}

		// A row committed now but stamped 30 seconds ago, before the local
		// cursor, inside the overlap window.
		newest := time.Now().UTC()
		h.addLocal(shopRow{First: "Ned", Last: "Now", Email: "ned@mail.nz", UpdatedAt: newest})
		h.run()
		late := h.addLocal(shopRow{First: "Lou", Last: "Late", Email: "lou@mail.nz", UpdatedAt: newest.Add(-30 * time.Second)})
		h.run()
		if got := h.byRef(late[0]); len(got) != 1 {
			t.Fatalf("the late row was created upstream %d times, want 1", len(got))
		}
	})
}

func itoa64(n int64) string { return itoa(int(n)) }

// Invariant 5: people's decisions are sticky: a rejected pair is never
// suggested again, an approved link is kept, an unlinked pair is never
// re-linked.
func TestDecisionsAreSticky(t *testing.T) {
	providers(t, func(t *testing.T, dialect, provider string) {
		c := newCrafted(t, dialect, provider)
		h := c.h
		ctx := context.Background()
		h.run()
		var rejectID, approveID int64
		for _, s := range h.suggestions(engine.ReviewOpen) {
			if s.LocalID == c.L["two"] && s.UpstreamID == c.U["two_a"] {
				rejectID = s.ID
			}
			if s.LocalID == c.L["two"] && s.UpstreamID == c.U["two_b"] {
				approveID = s.ID
			}
		}
		if err := h.db.RejectSuggestion(ctx, rejectID, "merchant@shop.nz"); err != nil {
			t.Fatal(err)
		}
		if _, err := h.db.ApproveSuggestion(ctx, approveID, "merchant@shop.nz"); err != nil {
			t.Fatal(err)
		}
		catLink := h.links()[c.L["cat"]+"|"+c.U["cat"]]
		if err := h.db.Unlink(ctx, catLink.ID, "merchant@shop.nz"); err != nil {
			t.Fatal(err)
		}
		h.run()
		h.run()

		for _, s := range h.suggestions("") {
			if s.LocalID == c.L["two"] && s.UpstreamID == c.U["two_a"] && s.Status != engine.ReviewRejected {
				t.Errorf("rejected suggestion came back as %s", s.Status)
			}
			if s.LocalID == c.L["cat"] && s.UpstreamID == c.U["cat"] {
				t.Errorf("the unlinked pair was suggested again: %+v", s)
			}
		}
		links := h.links()
		if l, ok := links[c.L["two"]+"|"+c.U["two_b"]]; !ok || l.Method != engine.MethodManual {
			t.Errorf("approved link = %+v, want it kept as manual", l)
		}
		if _, ok := links[c.L["two"]+"|"+c.U["two_a"]]; ok {
			t.Error("the rejected pair was linked")
		}
		if _, ok := links[c.L["cat"]+"|"+c.U["cat"]]; ok {
			t.Error("the unlinked pair was linked again")
		}
		// Cat is now a customer with no counterpart, so it is created once.
		if got := h.byRef(c.L["cat"]); len(got) != 1 {
			t.Errorf("unlinked cat was created upstream %d times, want 1", len(got))
		}
	})
}

// Invariant 6: an upstream delete marks the link for review and changes
// nothing else.
func TestUpstreamDeleteGoesToReview(t *testing.T) {
	dialects(t, func(t *testing.T, dialect string) {
		c := newCrafted(t, dialect, "lightspeed")
		h := c.h
		h.run()
		if err := h.sim.Delete(c.U["cat"]); err != nil {
			t.Fatal(err)
		}
		shopBefore := h.shopRows()
		h.prov.resetStats()
		run := h.run()
		if l := h.links()[c.L["cat"]+"|"+c.U["cat"]]; l.State != engine.LinkUpstreamDeleted {
			t.Errorf("link state = %s, want %s", l.State, engine.LinkUpstreamDeleted)
		}
		if !reflect.DeepEqual(shopBefore, h.shopRows()) {
			t.Error("an upstream delete changed the shop table")
		}
		if st := h.prov.stats(); st.Create+st.Update+st.Delete != 0 {
			t.Errorf("an upstream delete caused writes upstream: %+v", st)
		}
		if run.Counts.Get(engine.OutcomeDeleted, engine.ReasonUpstreamDeleted) != 1 {
			t.Errorf("counts = %v, want one upstream_deleted outcome", run.Counts)
		}
	})
}

// Invariant 7: one run per pair at a time.
func TestOneRunPerPair(t *testing.T) {
	dialects(t, func(t *testing.T, dialect string) {
		h := newHarness(t, dialect, defaultOpts())
		ctx := context.Background()
		unlock, err := h.db.LockPair(ctx, pairName)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.rec.Run(ctx, engine.RunOptions{}); !errors.Is(err, engine.ErrLocked) {
			t.Fatalf("run while locked: err = %v, want ErrLocked", err)
		}
		if err := unlock(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := h.rec.Run(ctx, engine.RunOptions{}); err != nil {
			t.Fatalf("run after unlock: %v", err)
		}

		// Concurrent runs never overlap: each either runs alone or is refused.
		h.addUpstream(map[string]any{"first_name": "Zed", "last_name": "Z"})
		var wg sync.WaitGroup
		results := make([]engine.Run, 4)
		errs := make([]error, 4)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = h.rec.Run(ctx, engine.RunOptions{})
			}()
		}
		wg.Wait()
		var ran []engine.Run
		for i, err := range errs {
			switch {
			case err == nil:
				ran = append(ran, results[i])
			case !errors.Is(err, engine.ErrLocked):
				t.Fatalf("concurrent run failed: %v", err)
			}
		}
		for i := range ran {
			for j := range ran {
				if i != j && ran[i].StartedAt.Before(ran[j].FinishedAt) && ran[j].StartedAt.Before(ran[i].FinishedAt) {
					t.Errorf("runs %d and %d overlapped", ran[i].ID, ran[j].ID)
				}
			}
		}
		if len(ran) == 0 {
			t.Error("no concurrent run got the lock")
		}
	})
}

// Invariant 10: a malformed provider record is quarantined with its reason
// and the run goes on.
func TestMalformedRecordIsQuarantined(t *testing.T) {
	dialects(t, func(t *testing.T, dialect string) {
		h := newHarness(t, dialect, defaultOpts())
		ids := h.addUpstream(
			map[string]any{"first_name": "Good", "last_name": "One", "email": "good@mail.nz"},
			map[string]any{"first_name": "Bad", "last_name": "Date", "email": "bad@mail.nz"},
		)
		h.wrap = corruptField(ids[1], `"date_of_birth":"2023-02-31"`)
		run := h.run()
		if run.Status != engine.RunSucceeded {
			t.Fatalf("run: %s %s", run.Status, run.Error)
		}
		if run.Counts.Get(engine.OutcomeQuarantined, engine.ReasonMalformed) != 1 {
			t.Fatalf("counts = %v, want one quarantined record", run.Counts)
		}
		q, err := h.db.FindQuarantine(context.Background(), pairName)
		if err != nil {
			t.Fatal(err)
		}
		if len(q) != 1 || !strings.Contains(q[0].Reason, "date_of_birth") {
			t.Fatalf("quarantine = %+v, want the bad record with a reason naming date_of_birth", q)
		}
		// The good record went on: it was pulled into the shop.
		found := false
		for _, r := range h.shopRows() {
			found = found || r.LightspeedID == ids[0]
		}
		if !found {
			t.Error("the good record on the same page was not processed")
		}
	})
}

// corruptField rewrites one customer in list responses so its JSON carries
// field instead of its valid value.
func corruptField(id, field string) func(http.Handler) http.Handler {
	key := field[:strings.Index(field, ":")+1]
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, "/customers") {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptestRecorder()
			next.ServeHTTP(rec, r)
			body := rec.Body.String()
			if i := strings.Index(body, `"id":"`+id+`"`); i >= 0 {
				end := strings.Index(body[i:], "}") + i
				obj := body[i:end]
				if j := strings.Index(obj, key); j >= 0 {
					k := j + strings.IndexAny(obj[j+len(key):], ",}") + len(key)
					obj = obj[:j] + field + obj[k:]
				} else {
					obj += "," + field
				}
				body = body[:i] + obj + body[end:]
			}
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Del("Content-Length")
			w.WriteHeader(rec.Code)
			_, _ = w.Write([]byte(body))
		})
	}
}

// The guard holds a plan larger than the pair allows; approving it applies
// it. A dry run holds everything.
func TestGuardHoldsLargePlans(t *testing.T) {
	dialects(t, func(t *testing.T, dialect string) {
		o := defaultOpts()
		o.guard = engine.Guard{MaxCreates: 1}
		h := newHarness(t, dialect, o)
		ids := h.addLocal(shopRow{First: "Fay", Last: "One"}, shopRow{First: "Gus", Last: "Two"})
		ctx := context.Background()

		dry, err := h.rec.Run(ctx, engine.RunOptions{DryRun: true})
		if err != nil || dry.Status != engine.RunHeld {
			t.Fatalf("dry run: status %s err %v, want held", dry.Status, err)
		}
		if st := h.prov.stats(); st.Create != 0 {
			t.Fatalf("a dry run created %d customers", st.Create)
		}
		if _, err := h.db.RejectHeldPlan(ctx, dry.ID, "merchant@shop.nz"); err != nil {
			t.Fatal(err)
		}

		run := h.run()
		if run.Status != engine.RunHeld || run.HeldReason == "" {
			t.Fatalf("run over the guard: status %s (%q), want held", run.Status, run.HeldReason)
		}
		if st := h.prov.stats(); st.Create != 0 {
			t.Fatalf("a held plan created %d customers", st.Create)
		}
		if n, err := h.db.ApproveHeldPlan(ctx, run.ID, "merchant@shop.nz"); err != nil || n != 2 {
			t.Fatalf("approve: %d, %v", n, err)
		}
		h.run()
		for _, id := range ids {
			if got := h.byRef(id); len(got) != 1 {
				t.Errorf("local %s created %d times after approval, want 1", id, len(got))
			}
		}
	})
}
