package storetest

import (
	"slices"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

// dupes proposes duplicate sets on the local side.
func dupes(t *testing.T, db *store.DB, sets ...[]string) {
	t.Helper()
	b := engine.Batch{}
	for _, m := range sets {
		b.Duplicates = append(b.Duplicates, engine.DuplicateSet{Side: engine.Local, Members: m,
			Reason: engine.ReasonSharedEmail, Evidence: engine.Evidence{Rule: "shared_email"}})
	}
	apply(t, db, b)
}

// openSets returns the members of the open local sets.
func openSets(t *testing.T, db *store.DB) [][]string {
	t.Helper()
	ds, _, err := db.FindDuplicateSets(bg(), store.DuplicateFilter{Pair: pair, Side: engine.Local, Status: engine.ReviewOpen})
	ok(t, err)
	var out [][]string
	for _, d := range ds {
		out = append(out, d.Members)
	}
	return out
}

func setOf(t *testing.T, db *store.DB, member string) engine.DuplicateSet {
	t.Helper()
	ds, _, err := db.FindDuplicateSets(bg(), store.DuplicateFilter{Pair: pair, RecordID: member, Status: engine.ReviewOpen})
	ok(t, err)
	if len(ds) != 1 {
		t.Fatalf("open sets of %s = %d, want 1", member, len(ds))
	}
	return ds[0]
}

var duplicateTests = []test{
	{"Duplicates/MergedIntoOpenSetSharingAMember", func(t *testing.T, db *store.DB) {
		dupes(t, db, []string{"A", "B"})
		dupes(t, db, []string{"B", "C"}, []string{"C", "A"})
		eq(t, "open sets", openSets(t, db), [][]string{{"A", "B", "C"}})
		d := setOf(t, db, "A")
		eq(t, "set", []any{d.Side, d.Reason, d.Evidence.Rule, d.RunID, d.CreatedAt},
			[]any{engine.Local, engine.ReasonSharedEmail, "shared_email", int64(1), t0})
	}},
	{"Duplicates/UnitesOverlappingOpenSets", func(t *testing.T, db *store.DB) {
		dupes(t, db, []string{"A", "B"}, []string{"C", "D"})
		dupes(t, db, []string{"B", "C"})
		eq(t, "open sets", openSets(t, db), [][]string{{"A", "B", "C", "D"}})
	}},
	{"Duplicates/SidesAreSeparate", func(t *testing.T, db *store.DB) {
		dupes(t, db, []string{"A", "B"})
		apply(t, db, engine.Batch{Side: engine.Upstream, Duplicates: []engine.DuplicateSet{{Side: engine.Upstream, Members: []string{"A", "C"}}}})
		eq(t, "open local sets", openSets(t, db), [][]string{{"A", "B"}})
	}},
	{"Duplicates/DismissalIsSticky", func(t *testing.T, db *store.DB) {
		save(t, db, engine.Local, "", cust("A", ""), cust("B", ""))
		apply(t, db, engine.Batch{Clean: []string{"A", "B"}})
		dupes(t, db, []string{"A", "B"})
		d := setOf(t, db, "A")
		ok(t, db.DismissDuplicateSet(bg(), d.ID, "ann"))
		audited(t, db, "duplicate_set:"+itoa(d.ID), store.ActionDismissDuplicates, "ann")
		eq(t, "members re-queued", dirtyIDs(t, db, engine.Local), []string{"A", "B"})
		dupes(t, db, []string{"B", "A"})
		eq(t, "open sets after re-proposing a dismissed set", len(openSets(t, db)), 0)
		dupes(t, db, []string{"A", "B", "C"})
		eq(t, "a new member reopens the question", openSets(t, db), [][]string{{"A", "B", "C"}})
		isErr(t, db.DismissDuplicateSet(bg(), d.ID, "ann"), engine.ErrConflict)
	}},
	{"Duplicates/ResolutionIsSticky", func(t *testing.T, db *store.DB) {
		dupes(t, db, []string{"A", "B", "C"})
		d := setOf(t, db, "A")
		ok(t, db.ChooseSurvivor(bg(), d.ID, "B", "ann"))
		dupes(t, db, []string{"A", "C"})
		eq(t, "open sets after re-proposing resolved members", len(openSets(t, db)), 0)
	}},
	{"Duplicates/ChooseSurvivor", func(t *testing.T, db *store.DB) {
		save(t, db, engine.Local, "", cust("A", ""), cust("B", ""))
		apply(t, db, engine.Batch{Clean: []string{"A", "B"}})
		dupes(t, db, []string{"A", "B"})
		d := setOf(t, db, "A")
		isErr(t, db.ChooseSurvivor(bg(), d.ID, "Z", "ann"), engine.ErrInvalid)
		ok(t, db.ChooseSurvivor(bg(), d.ID, "B", "ann"))
		ds, _, err := db.FindDuplicateSets(bg(), store.DuplicateFilter{ID: d.ID})
		ok(t, err)
		eq(t, "set", []any{ds[0].Status, ds[0].SurvivorID, ds[0].DecidedBy}, []any{engine.ReviewResolved, "B", "ann"})
		eq(t, "survivor re-queued", dirtyIDs(t, db, engine.Local), []string{"B"})
		audited(t, db, "duplicate_set:"+itoa(d.ID), store.ActionChooseSurvivor, "ann")
		isErr(t, db.ChooseSurvivor(bg(), d.ID, "A", "ann"), engine.ErrConflict)
		isErr(t, db.ChooseSurvivor(bg(), 999, "A", "ann"), engine.ErrNotFound)
	}},
}

var blockedTests = []test{
	{"Blocked/Reasons", func(t *testing.T, db *store.DB) {
		apply(t, db, engine.Batch{Suggestions: []engine.Suggestion{{LocalID: "A", UpstreamID: "X"}, {LocalID: "K", UpstreamID: "Y"}}})
		dupes(t, db, []string{"C", "D"}, []string{"E", "F"})
		ok(t, db.ChooseSurvivor(bg(), setOf(t, db, "E").ID, "E", "ann"))
		// K's suggestion is decided: it no longer blocks.
		ss, _, err := db.FindSuggestions(bg(), store.SuggestionFilter{LocalID: "K"})
		ok(t, err)
		ok(t, db.RejectSuggestion(bg(), ss[0].ID, "ann"))
		got, err := db.Blocked(bg(), pair, engine.Local, []string{"A", "C", "D", "E", "F", "G", "K"})
		ok(t, err)
		eq(t, "blocked local", got, map[string]engine.Reason{"A": engine.ReasonAwaitingReview,
			"C": engine.ReasonAwaitingReview, "D": engine.ReasonAwaitingReview, "F": engine.ReasonMerged})
		got, err = db.Blocked(bg(), pair, engine.Upstream, []string{"X", "Y", "A"})
		ok(t, err)
		eq(t, "blocked upstream", got, map[string]engine.Reason{"X": engine.ReasonAwaitingReview})
	}},
	{"Blocked/MergedWinsOverAwaitingReview", func(t *testing.T, db *store.DB) {
		dupes(t, db, []string{"E", "F"})
		ok(t, db.ChooseSurvivor(bg(), setOf(t, db, "E").ID, "E", "ann"))
		apply(t, db, engine.Batch{Suggestions: []engine.Suggestion{{LocalID: "F", UpstreamID: "X"}}})
		got, err := db.Blocked(bg(), pair, engine.Local, []string{"F"})
		ok(t, err)
		eq(t, "blocked", got, map[string]engine.Reason{"F": engine.ReasonMerged})
	}},
}

var conflictTests = []test{
	{"Conflicts/OpenRefreshClose", func(t *testing.T, db *store.DB) {
		l := link(t, db, "L1", "U1")
		c := engine.Conflict{LinkID: l.ID, LocalID: "L1", UpstreamID: "U1", Field: engine.FieldPhone,
			LocalValue: "021 1", UpstreamValue: "021 2"}
		apply(t, db, engine.Batch{Conflicts: []engine.Conflict{c}})
		c.UpstreamValue = "021 3"
		apply(t, db, engine.Batch{RunID: 2, Conflicts: []engine.Conflict{c}})
		cs, total, err := db.FindConflicts(bg(), store.ConflictFilter{Pair: pair})
		ok(t, err)
		eq(t, "conflicts after a refresh", total, 1)
		eq(t, "refreshed", []any{cs[0].Status, cs[0].LocalValue, cs[0].UpstreamValue, cs[0].RunID},
			[]any{engine.ConflictOpen, "021 1", "021 3", int64(2)})
		apply(t, db, engine.Batch{CloseConflicts: []engine.ConflictKey{{LinkID: l.ID, Field: engine.FieldPhone}}})
		cs, _, err = db.FindConflicts(bg(), store.ConflictFilter{ID: cs[0].ID})
		ok(t, err)
		eq(t, "closed", []any{cs[0].Status, cs[0].Resolution, cs[0].ResolvedAt}, []any{engine.ConflictResolved, "agreed", t0})
		apply(t, db, engine.Batch{Conflicts: []engine.Conflict{c}})
		_, total, err = db.FindConflicts(bg(), store.ConflictFilter{LinkID: l.ID, Status: engine.ConflictOpen})
		ok(t, err)
		eq(t, "reopened as a new conflict", total, 1)
	}},
	{"Conflicts/KeepBothSetsBaseline", func(t *testing.T, db *store.DB) {
		a, b := cust("L1", "a@x.io"), cust("U1", "a@x.io")
		a.Phone, b.Phone = "021 555 0101", "+64 21 555 0199"
		save(t, db, engine.Local, "", a)
		save(t, db, engine.Upstream, "", b)
		l := link(t, db, "L1", "U1")
		apply(t, db, engine.Batch{Conflicts: []engine.Conflict{{LinkID: l.ID, LocalID: "L1", UpstreamID: "U1",
			Field: engine.FieldPhone, LocalValue: a.Phone, UpstreamValue: b.Phone}}})
		cs, _, err := db.FindConflicts(bg(), store.ConflictFilter{LinkID: l.ID})
		ok(t, err)
		ok(t, db.KeepBoth(bg(), cs[0].ID, "ann"))
		ls, _, err := db.FindLinks(bg(), store.LinkFilter{ID: l.ID})
		ok(t, err)
		eq(t, "baseline", ls[0].Baseline[engine.FieldPhone],
			engine.Baseline{Local: engine.ValueHash(a.Phone), Upstream: engine.ValueHash(b.Phone)})
		cs, _, err = db.FindConflicts(bg(), store.ConflictFilter{ID: cs[0].ID})
		ok(t, err)
		eq(t, "kept", []any{cs[0].Status, cs[0].ResolvedBy}, []any{engine.ConflictKept, "ann"})
		audited(t, db, "conflict:"+itoa(cs[0].ID), store.ActionKeepBoth, "ann")
		isErr(t, db.KeepBoth(bg(), cs[0].ID, "ann"), engine.ErrConflict)
	}},
	{"Conflicts/OfALinkMadeInTheSameBatch", func(t *testing.T, db *store.DB) {
		apply(t, db, engine.Batch{
			Links: []engine.Link{{LocalID: "L1", UpstreamID: "U1", Method: engine.MethodExternalID}},
			Conflicts: []engine.Conflict{{LocalID: "L1", UpstreamID: "U1", Field: engine.FieldEmail,
				LocalValue: "a@x.io", UpstreamValue: "b@x.io"}}})
		ls, err := db.LinksFor(bg(), pair, engine.Local, []string{"L1"})
		ok(t, err)
		cs, _, err := db.FindConflicts(bg(), store.ConflictFilter{Pair: pair})
		ok(t, err)
		if len(cs) != 1 || cs[0].LinkID != ls[0].ID {
			t.Fatalf("conflicts = %+v, want one on link %d", cs, ls[0].ID)
		}
		err = applyErr(db, engine.Batch{Conflicts: []engine.Conflict{{LocalID: "L9", Field: engine.FieldEmail}}})
		isErr(t, err, engine.ErrNotFound)
	}},
	{"Conflicts/OneOpenPerLinkAndField", func(t *testing.T, db *store.DB) {
		l := link(t, db, "L1", "U1")
		var cs []engine.Conflict
		for _, f := range []string{engine.FieldPhone, engine.FieldEmail, engine.FieldPhone} {
			cs = append(cs, engine.Conflict{LinkID: l.ID, LocalID: "L1", UpstreamID: "U1", Field: f, LocalValue: "x", UpstreamValue: "y"})
		}
		apply(t, db, engine.Batch{Conflicts: cs})
		got, _, err := db.FindConflicts(bg(), store.ConflictFilter{LinkID: l.ID, Status: engine.ConflictOpen})
		ok(t, err)
		var fields []string
		for _, c := range got {
			fields = append(fields, c.Field)
		}
		slices.Sort(fields)
		eq(t, "open conflicts", fields, []string{engine.FieldEmail, engine.FieldPhone})
	}},
}
