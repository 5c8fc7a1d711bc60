package scenario

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/matchers"
)

// withFuzzy turns fuzzy matching on, as cmd/accord does by default.
func withFuzzy(h *harness) {
	h.t.Helper()
	norm, err := matchers.NewNormalizer("NZ")
	if err != nil {
		h.t.Fatal(err)
	}
	h.rec.Fuzzy = matchers.NewFuzzy(norm, matchers.DefaultSuggest)
}

// fuzzyBystanders are customers unrelated to each other and to the
// scenario's subjects, on both sides, so the model is trained on a shop
// rather than on two records.
func fuzzyBystanders(h *harness) {
	h.t.Helper()
	first := []string{"Hemi", "Grace", "Oliver", "Priya", "Tane", "Lucy", "Wiremu", "Sofia"}
	last := []string{"Walker", "Tipene", "Chen", "Kaur", "Smith", "Brown", "Horomona", "Rossi"}
	var locals []shopRow
	var ups []map[string]any
	for i := range first {
		j := (i + 3) % len(last)
		locals = append(locals, shopRow{First: first[i], Last: last[i],
			Email: strings.ToLower(first[i]+"."+last[i]) + "@shop.nz", Phone: fmt.Sprintf("021 400 %04d", 100+i)})
		ups = append(ups, map[string]any{"first_name": first[i], "last_name": last[j],
			"email": strings.ToLower(first[i]+last[j]) + "@pos.nz", "phone": fmt.Sprintf("022 700 %04d", 300+i)})
	}
	h.addLocal(locals...)
	h.addUpstream(ups...)
}

// fuzzyPair is one local customer with a typo in the email and the same
// name and phone as an upstream customer.
func fuzzyPair(h *harness) (localID, upstreamID string) {
	h.t.Helper()
	upstreamID = h.addUpstream(map[string]any{"first_name": "Mere", "last_name": "Parata",
		"email": "mere.parata@gmail.com", "phone": "021 555 0123"})[0]
	localID = h.addLocal(shopRow{First: "Mere", Last: "Parata", Email: "mere.parrata@gmail.com", Phone: "021 555 0123"})[0]
	return localID, upstreamID
}

// insertedFrom returns the shop rows accord inserted for upstream id.
func insertedFrom(h *harness, upstreamID string) []string {
	var out []string
	for id, r := range h.shopRows() {
		if r.LightspeedID == upstreamID {
			out = append(out, id)
		}
	}
	return out
}

func openSuggestionOf(t *testing.T, h *harness, localID, upstreamID string) engine.Suggestion {
	t.Helper()
	for _, s := range h.suggestions(engine.ReviewOpen) {
		if s.LocalID == localID && s.UpstreamID == upstreamID {
			return s
		}
	}
	t.Fatalf("no open suggestion %s|%s; open: %+v", localID, upstreamID, h.suggestions(engine.ReviewOpen))
	return engine.Suggestion{}
}

func TestFuzzySuggestionIsHeldThenApproved(t *testing.T) {
	dialects(t, func(t *testing.T, dialect string) {
		h := newHarness(t, dialect, defaultOpts())
		withFuzzy(h)
		fuzzyBystanders(h)
		l, u := fuzzyPair(h)

		run := h.run()
		if run.Status != engine.RunSucceeded {
			t.Fatalf("run status %s: %s", run.Status, run.Error)
		}
		s := openSuggestionOf(t, h, l, u)
		if s.Reason != engine.ReasonFuzzy || s.Evidence.Rule != "fuzzy" || s.Score < matchers.DefaultSuggest {
			t.Errorf("suggestion = %+v, want a fuzzy_match above the threshold", s)
		}
		// The dashboard shows why: each field with both values, local left.
		fields := map[string]engine.FieldEvidence{}
		for _, f := range s.Evidence.Fields {
			fields[f.Field] = f
		}
		if f := fields[engine.FieldEmail]; f.Left != "mere.parrata@gmail.com" || f.Right != "mere.parata@gmail.com" {
			t.Errorf("email evidence = %+v, want local left and upstream right", f)
		}
		if f := fields[engine.FieldLastName]; f.Weight <= 0 {
			t.Errorf("last name evidence = %+v, want a positive weight", f)
		}
		if len(h.suggestions("")) != 1 {
			t.Errorf("suggestions = %+v, want only the fuzzy one", h.suggestions(""))
		}
		if _, linked := h.links()[l+"|"+u]; linked {
			t.Fatal("a fuzzy match was linked automatically")
		}
		if got := h.byRef(l); len(got) != 0 {
			t.Errorf("the local customer under review was pushed: %+v", got)
		}
		if got := insertedFrom(h, u); len(got) != 0 {
			t.Errorf("the upstream customer under review was inserted locally as %v", got)
		}
		if n := run.Counts.Get(engine.OutcomeSuggested, engine.ReasonFuzzy); n != 2 {
			t.Errorf("suggested fuzzy_match outcomes = %d, want 2 (one per side): %v", n, run.Counts)
		}

		if _, err := h.db.ApproveSuggestion(context.Background(), s.ID, "merchant@shop.nz"); err != nil {
			t.Fatal(err)
		}
		h.run()
		if l, ok := h.links()[l+"|"+u]; !ok || l.Method != engine.MethodManual {
			t.Fatalf("link after approval = %+v, want a manual link", l)
		}
		if got := h.byRef(l); len(got) != 0 {
			t.Errorf("the approved customer was pushed: %+v", got)
		}
		if got := insertedFrom(h, u); len(got) != 0 {
			t.Errorf("the approved customer was inserted locally as %v", got)
		}
		if open := h.suggestions(engine.ReviewOpen); len(open) != 0 {
			t.Errorf("open suggestions after approval: %+v", open)
		}
	})
}

func TestFuzzyRejectionPushesAndIsNeverSuggestedAgain(t *testing.T) {
	dialects(t, func(t *testing.T, dialect string) {
		h := newHarness(t, dialect, defaultOpts())
		withFuzzy(h)
		fuzzyBystanders(h)
		l, u := fuzzyPair(h)
		h.run()
		s := openSuggestionOf(t, h, l, u)
		if err := h.db.RejectSuggestion(context.Background(), s.ID, "merchant@shop.nz"); err != nil {
			t.Fatal(err)
		}

		run := h.run()
		if run.Status != engine.RunSucceeded {
			t.Fatalf("run status %s: %s", run.Status, run.Error)
		}
		if got := h.byRef(l); len(got) != 1 {
			t.Fatalf("after the rejection the local customer was created %d times upstream, want 1", len(got))
		}
		if got := insertedFrom(h, u); len(got) != 1 {
			t.Fatalf("after the rejection the upstream customer was inserted %d times locally, want 1", len(got))
		}

		// Both change again, and still look alike: the rejected pair stays
		// rejected and is not suggested again.
		h.exec(`UPDATE customers SET phone = ?, updated_at = ? WHERE id = ?`, "021 555 0124", time.Now().UTC(), l)
		if err := h.prov.setPhone(u, "021 555 0124"); err != nil {
			t.Fatal(err)
		}
		h.run()
		all := h.suggestions("")
		if len(all) != 1 || all[0].Status != engine.ReviewRejected {
			t.Errorf("suggestions = %+v, want only the rejected one", all)
		}
	})
}

func TestFuzzyDuplicatesOnOneSide(t *testing.T) {
	dialects(t, func(t *testing.T, dialect string) {
		h := newHarness(t, dialect, defaultOpts())
		withFuzzy(h)
		fuzzyBystanders(h)
		ids := h.addLocal(
			shopRow{First: "Aroha", Last: "Ngata", Email: "aroha.ngata@xtra.co.nz", Phone: "027 111 2222"},
			shopRow{First: "Aroha", Last: "Ngatta", Email: "aroha.n@gmail.com", Phone: "027 111 2222"},
		)
		run := h.run()
		var got [][]string
		for _, d := range h.duplicateSets(engine.ReviewOpen) {
			got = append(got, append([]string{string(d.Side), string(d.Reason)}, d.Members...))
		}
		want := [][]string{append([]string{"local", string(engine.ReasonFuzzyDuplicate)}, sortedIDs(ids)...)}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("duplicate sets = %v, want %v", got, want)
		}
		for _, id := range ids {
			if got := h.byRef(id); len(got) != 0 {
				t.Errorf("local %s is in a duplicate set but was pushed", id)
			}
		}
		if n := run.Counts.Get(engine.OutcomeDuplicate, engine.ReasonFuzzyDuplicate); n != 2 {
			t.Errorf("fuzzy_duplicate outcomes = %d, want 2: %v", n, run.Counts)
		}
		if n := len(h.suggestions("")); n != 0 {
			t.Errorf("suggestions = %d, want none", n)
		}
		// The eight bystanders on each side were pushed and pulled, and no
		// more: fuzzy matching found nothing among them.
		if n := run.Counts.Kind(engine.OutcomeCreatedUpstream); n != 8 {
			t.Errorf("created upstream = %d, want the 8 bystanders", n)
		}
		if n := run.Counts.Kind(engine.OutcomeCreatedLocal); n != 8 {
			t.Errorf("created locally = %d, want the 8 bystanders", n)
		}
	})
}

func TestFuzzyIdleRunCostsOneCall(t *testing.T) {
	dialects(t, func(t *testing.T, dialect string) {
		h := newHarness(t, dialect, defaultOpts())
		withFuzzy(h)
		fuzzyBystanders(h)
		fuzzyPair(h)
		h.addLocal(
			shopRow{First: "Aroha", Last: "Ngata", Email: "aroha.ngata@xtra.co.nz", Phone: "027 111 2222"},
			shopRow{First: "Aroha", Last: "Ngatta", Email: "aroha.n@gmail.com", Phone: "027 111 2222"},
		)
		h.run()
		sug, dup := len(h.suggestions("")), len(h.duplicateSets(""))
		h.prov.resetStats()
		run := h.run()
		if st := h.prov.stats(); run.APICalls != 1 || st.Total != 1 {
			t.Errorf("idle run made %d API calls (simulator saw %d), want 1", run.APICalls, st.Total)
		}
		if n, m := len(h.suggestions("")), len(h.duplicateSets("")); n != sug || m != dup {
			t.Errorf("idle run changed suggestions %d→%d or duplicate sets %d→%d", sug, n, dup, m)
		}
		if n := run.Changed[engine.Local] + run.Changed[engine.Upstream]; n != 0 {
			t.Errorf("idle run counted %d changes", n)
		}
	})
}

// TestFuzzyAddsNoNoiseToCraftedScenario runs the crafted scenario with and
// without fuzzy matching: every row of the decision table has exact
// evidence or none, so the outcomes, links, suggestions and duplicate sets
// must be the same.
func TestFuzzyAddsNoNoiseToCraftedScenario(t *testing.T) {
	providers(t, func(t *testing.T, dialect, provider string) {
		summary := func(fuzzy bool) (craftedSummary, engine.Counts) {
			c := newCrafted(t, dialect, provider)
			if fuzzy {
				withFuzzy(c.h)
			}
			run := c.h.run()
			if run.Status != engine.RunSucceeded {
				t.Fatalf("run status %s: %s", run.Status, run.Error)
			}
			return summarise(c), run.Counts
		}
		plain, plainCounts := summary(false)
		fuzzy, fuzzyCounts := summary(true)
		if !reflect.DeepEqual(plain, fuzzy) {
			t.Errorf("with fuzzy matching:\n%+v\nwithout:\n%+v", fuzzy, plain)
		}
		if !reflect.DeepEqual(plainCounts, fuzzyCounts) {
			t.Errorf("outcome counts with fuzzy matching %v, without %v", fuzzyCounts, plainCounts)
		}
	})
}

// craftedSummary is what a crafted run decided, by label, so that runs on
// two stores can be compared.
type craftedSummary struct {
	Links       []string
	Suggestions []string
	Duplicates  []string
}

func summarise(c *crafted) craftedSummary {
	h := c.h
	label := func(ids map[string]string, id, fallback string) string {
		for k, v := range ids {
			if v == id {
				return k
			}
		}
		return fallback
	}
	var s craftedSummary
	for _, l := range h.links() {
		s.Links = append(s.Links, fmt.Sprintf("%s|%s|%s|%s", label(c.L, l.LocalID, "new"),
			label(c.U, l.UpstreamID, "new"), l.Method, l.State))
	}
	for _, sg := range h.suggestions("") {
		s.Suggestions = append(s.Suggestions, fmt.Sprintf("%s|%s|%s|%s", label(c.L, sg.LocalID, sg.LocalID),
			label(c.U, sg.UpstreamID, sg.UpstreamID), sg.Reason, sg.Status))
	}
	for _, d := range h.duplicateSets("") {
		ids := c.L
		if d.Side == engine.Upstream {
			ids = c.U
		}
		var ms []string
		for _, m := range d.Members {
			ms = append(ms, label(ids, m, m))
		}
		sort.Strings(ms)
		s.Duplicates = append(s.Duplicates, fmt.Sprintf("%s|%s|%s", d.Side, d.Reason, strings.Join(ms, ",")))
	}
	slices.Sort(s.Links)
	slices.Sort(s.Suggestions)
	slices.Sort(s.Duplicates)
	return s
}

func sortedIDs(ids []string) []string {
	out := slices.Clone(ids)
	sort.Strings(out)
	return out
}
