package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

// The demo's run must do exactly what its data contains: every tier, every
// kind of review item and every creation, in the numbers the generator put
// there.
func TestDemoMatchesItsData(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"demo", "--no-serve", "--customers", "300", "--dir", dir}, noEnv, &out, &errOut)
	if code != exitOK {
		t.Fatalf("demo exited %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{`Run 1 of pair "main" succeeded`, "exports/links.csv", "exports/suggestions.csv"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
	want := buildDemoData(300).Expect

	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "accord.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	links, _, err := db.FindLinks(ctx, store.LinkFilter{Pair: "main"})
	if err != nil {
		t.Fatal(err)
	}
	byMethod := map[engine.LinkMethod]int{}
	deleted, pending := 0, 0
	for _, l := range links {
		if l.State == engine.LinkUpstreamDeleted {
			deleted++
			continue
		}
		if l.State == engine.LinkPending { // the dead letter's creation, never confirmed
			pending++
			continue
		}
		if l.State != engine.LinkActive {
			t.Errorf("link %d is %s after the demo run", l.ID, l.State)
		}
		byMethod[l.Method]++
	}
	check := func(what string, got, want int) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %d, want %d", what, got, want)
		}
	}
	check("external_id links", byMethod[engine.MethodExternalID], want.ExternalID)
	check("email links", byMethod[engine.MethodEmail], want.Email)
	check("account_code links", byMethod[engine.MethodAccountCode], want.AccountCode)
	check("pushed links", byMethod[engine.MethodPushed], want.Pushed)
	check("pulled links", byMethod[engine.MethodPulled], want.Pulled)
	check("links to deleted customers", deleted, want.UpstreamDeleted)
	check("pending links", pending, want.DeadLetters)

	_, nSug, err := db.FindSuggestions(ctx, store.SuggestionFilter{Pair: "main", Status: engine.ReviewOpen})
	if err != nil {
		t.Fatal(err)
	}
	check("open suggestions", nSug, want.Suggestions)
	_, nDup, err := db.FindDuplicateSets(ctx, store.DuplicateFilter{Pair: "main", Status: engine.ReviewOpen})
	if err != nil {
		t.Fatal(err)
	}
	check("open duplicate sets", nDup, want.DuplicateSets)
	cs, _, err := db.FindConflicts(ctx, store.ConflictFilter{Pair: "main", Status: engine.ConflictOpen})
	if err != nil {
		t.Fatal(err)
	}
	conflictLinks := map[int64]bool{}
	for _, c := range cs {
		conflictLinks[c.LinkID] = true
	}
	check("links with conflicts", len(conflictLinks), want.ConflictLinks)
	_, nInc, err := db.FindOutcomes(ctx, store.OutcomeFilter{Pair: "main", Kind: engine.OutcomeSkipped, Reason: engine.ReasonIncomplete})
	if err != nil {
		t.Fatal(err)
	}
	check("skipped as incomplete", nInc, want.Incomplete)
	_, nDead, err := db.FindWrites(ctx, store.WriteFilter{Pair: "main", Status: engine.WriteDead})
	if err != nil {
		t.Fatal(err)
	}
	check("dead letters", nDead, want.DeadLetters)
}

func noEnv(string) string { return "" }
