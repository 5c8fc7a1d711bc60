package scenario

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
)

// hideFromFeed answers the change feed without the given customers and
// reports one of them missing when asked directly, as a merge or a lost
// update would look.
func hideFromFeed(hidden map[string]bool, gone string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/customers/"+gone) {
				w.WriteHeader(http.StatusNotFound)
				_, _ = w.Write([]byte(`{"error":"Not Found","message":"customer not found"}`))
				return
			}
			if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, "/customers") {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptestRecorder()
			next.ServeHTTP(rec, r)
			var body struct {
				Data    []map[string]any `json:"data"`
				Version json.RawMessage  `json:"version,omitempty"`
			}
			_ = json.Unmarshal(rec.Body.Bytes(), &body)
			kept := body.Data[:0]
			for _, c := range body.Data {
				if !hidden[c["id"].(string)] {
					kept = append(kept, c)
				}
			}
			body.Data = kept
			out, _ := json.Marshal(body)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(rec.Code)
			_, _ = w.Write(out)
		})
	}
}

// The ghost sweep catches what the feed missed, reports it as a late
// arrival and hands it to the normal pipeline: a vanished record becomes a
// delete for review, a lost update a refreshed conflict. Nothing is written.
func TestGhostSweepReportsLateArrivals(t *testing.T) {
	dialects(t, func(t *testing.T, dialect string) {
		c := newCrafted(t, dialect, "lightspeed")
		h := c.h
		h.rec.SweepSize, h.rec.SweepAge = 100, time.Nanosecond
		h.run()
		if err := h.prov.setPhone(c.U["dan"], "021 555 0777"); err != nil {
			t.Fatal(err)
		}
		h.wrap = hideFromFeed(map[string]bool{c.U["dan"]: true}, c.U["cat"])
		shopBefore := h.shopRows()
		h.prov.resetStats()

		run := h.run()
		if got := run.Counts.Get(engine.OutcomeLateArrival, engine.ReasonMissedByFeed); got != 1 {
			t.Errorf("late arrivals missed by the feed = %d, want 1 (counts %v)", got, run.Counts)
		}
		if got := run.Counts.Get(engine.OutcomeLateArrival, engine.ReasonGoneUpstream); got != 1 {
			t.Errorf("late arrivals gone upstream = %d, want 1", got)
		}
		if l := h.links()[c.L["cat"]+"|"+c.U["cat"]]; l.State != engine.LinkUpstreamDeleted {
			t.Errorf("cat's link is %s, want %s", l.State, engine.LinkUpstreamDeleted)
		}
		found := false
		for _, cf := range h.conflicts(engine.ConflictOpen) {
			if cf.LocalID == c.L["dan"] && cf.Field == engine.FieldPhone {
				found = cf.UpstreamValue == "021 555 0777"
			}
		}
		if !found {
			t.Error("dan's conflict does not show the update the sweep found")
		}
		if st := h.prov.stats(); st.Create+st.Update+st.Delete != 0 {
			t.Errorf("the sweep led to writes upstream: %+v", st)
		}
		for id, before := range shopBefore {
			if h.shopRows()[id] != before {
				t.Errorf("the sweep led to a write of shop row %s", id)
			}
		}
		// Swept links are verified now: the next sweep reads others first,
		// and finds nothing new.
		again := h.run()
		if n := again.Counts.Kind(engine.OutcomeLateArrival); n != 0 {
			t.Errorf("the next sweep reported %d late arrivals again", n)
		}
	})
}
