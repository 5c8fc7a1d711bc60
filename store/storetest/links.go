package storetest

import (
	"strconv"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

var linkTests = []test{
	{"Links/InsertedAndFound", func(t *testing.T, db *store.DB) {
		l := link(t, db, "L1", "U1")
		eq(t, "link", []any{l.LocalID, l.UpstreamID, l.Method, l.State, l.CreatedBy, l.CreatedAt, l.Evidence.Rule},
			[]any{"L1", "U1", engine.MethodEmail, engine.LinkActive, "accord", t0, "email"})
		up, err := db.LinksFor(bg(), pair, engine.Upstream, []string{"U1", "U2"})
		ok(t, err)
		eq(t, "links of U1 by upstream id", len(up), 1)
		ls, total, err := db.FindLinks(bg(), store.LinkFilter{Pair: pair, Method: engine.MethodEmail})
		ok(t, err)
		eq(t, "found", []int{len(ls), total}, []int{1, 1})
		_, total, err = db.FindLinks(bg(), store.LinkFilter{Pair: pair, Method: engine.MethodManual})
		ok(t, err)
		eq(t, "filtered out", total, 0)
	}},
	{"Links/UniquePerSide", func(t *testing.T, db *store.DB) {
		save(t, db, engine.Local, "", cust("L1", ""), cust("L2", ""))
		link(t, db, "L1", "U1")
		for _, l := range []engine.Link{
			{LocalID: "L1", UpstreamID: "U2", Method: engine.MethodManual}, // same local id
			{LocalID: "L2", UpstreamID: "U1", Method: engine.MethodManual}, // same upstream id
		} {
			err := applyErr(db, engine.Batch{Clean: []string{"L2"}, Links: []engine.Link{l}})
			isErr(t, err, engine.ErrConflict)
		}
		// The failed batches stored nothing, not even their clean marks.
		eq(t, "dirty after failed batches", dirtyIDs(t, db, engine.Local), []string{"L1", "L2"})
		_, total, err := db.FindLinks(bg(), store.LinkFilter{Pair: pair})
		ok(t, err)
		eq(t, "links", total, 1)
	}},
	{"Links/SupersedeOpenSuggestions", func(t *testing.T, db *store.DB) {
		apply(t, db, engine.Batch{Suggestions: []engine.Suggestion{
			{LocalID: "L1", UpstreamID: "U2", Score: 0.8}, {LocalID: "L3", UpstreamID: "U1", Score: 0.7},
			{LocalID: "L4", UpstreamID: "U4", Score: 0.9}}})
		link(t, db, "L1", "U1")
		ss, _, err := db.FindSuggestions(bg(), store.SuggestionFilter{Pair: pair})
		ok(t, err)
		got := map[string]engine.ReviewStatus{}
		for _, s := range ss {
			got[s.LocalID+"/"+s.UpstreamID] = s.Status
		}
		eq(t, "statuses", got, map[string]engine.ReviewStatus{
			"L1/U2": engine.ReviewSuperseded, "L3/U1": engine.ReviewSuperseded, "L4/U4": engine.ReviewOpen})
	}},
	{"Links/StoredWithTheirState", func(t *testing.T, db *store.DB) {
		apply(t, db, engine.Batch{Links: []engine.Link{{LocalID: "L1", UpstreamID: "U1",
			Method: engine.MethodExternalID, State: engine.LinkUpstreamDeleted}}})
		ls, err := db.LinksFor(bg(), pair, engine.Local, []string{"L1"})
		ok(t, err)
		eq(t, "state", ls[0].State, engine.LinkUpstreamDeleted)
	}},
	{"Links/StateChange", func(t *testing.T, db *store.DB) {
		l := link(t, db, "L1", "U1")
		apply(t, db, engine.Batch{Side: engine.Upstream, LinkStates: []engine.LinkStateChange{
			{LinkID: l.ID, State: engine.LinkUpstreamDeleted}}})
		ls, _, err := db.FindLinks(bg(), store.LinkFilter{ID: l.ID})
		ok(t, err)
		eq(t, "state", ls[0].State, engine.LinkUpstreamDeleted)
		err = applyErr(db, engine.Batch{LinkStates: []engine.LinkStateChange{{LinkID: 999, State: engine.LinkActive}}})
		isErr(t, err, engine.ErrNotFound)
	}},
	{"Links/UnlinkRejectsForeverAndRequeues", func(t *testing.T, db *store.DB) {
		save(t, db, engine.Local, "", cust("L1", "a@x.io"))
		save(t, db, engine.Upstream, "", cust("U1", "a@x.io"))
		l := link(t, db, "L1", "U1")
		apply(t, db, engine.Batch{Clean: []string{"L1"}, Conflicts: []engine.Conflict{{LinkID: l.ID, LocalID: "L1",
			UpstreamID: "U1", Field: engine.FieldPhone, LocalValue: "1", UpstreamValue: "2"}}})
		apply(t, db, engine.Batch{Side: engine.Upstream, Clean: []string{"U1"}})
		ok(t, db.Unlink(bg(), l.ID, "ann"))
		ls, err := db.LinksFor(bg(), pair, engine.Local, []string{"L1"})
		ok(t, err)
		eq(t, "links after unlink", len(ls), 0)
		rj, err := db.Rejections(bg(), pair, engine.Upstream, []string{"U1"})
		ok(t, err)
		if len(rj) != 1 || !rj[0].Involves(engine.Ref{Side: engine.Local, ID: "L1"}, engine.Ref{Side: engine.Upstream, ID: "U1"}) || rj[0].By != "ann" {
			t.Fatalf("rejections = %+v, want L1/U1 by ann", rj)
		}
		eq(t, "local dirty", dirtyIDs(t, db, engine.Local), []string{"L1"})
		eq(t, "upstream dirty", dirtyIDs(t, db, engine.Upstream), []string{"U1"})
		cs, _, err := db.FindConflicts(bg(), store.ConflictFilter{LinkID: l.ID, Status: engine.ConflictOpen})
		ok(t, err)
		eq(t, "open conflicts of the removed link", len(cs), 0)
		audited(t, db, "link:"+itoa(l.ID), store.ActionUnlink, "ann")
		isErr(t, db.Unlink(bg(), l.ID, "ann"), engine.ErrNotFound)
	}},
	{"Links/UnlinkPendingRefused", func(t *testing.T, db *store.DB) {
		apply(t, db, engine.Batch{Writes: []engine.Write{{Kind: engine.WriteCreateUpstream, SourceID: "L1", Customer: cust("L1", "")}}})
		ls, err := db.LinksFor(bg(), pair, engine.Local, []string{"L1"})
		ok(t, err)
		isErr(t, db.Unlink(bg(), ls[0].ID, "ann"), engine.ErrConflict)
	}},
}

var suggestionTests = []test{
	{"Suggestions/InsertedOncePerPair", func(t *testing.T, db *store.DB) {
		s := engine.Suggestion{LocalID: "L1", UpstreamID: "U1", Score: 0.81, Reason: engine.ReasonAmbiguousEmail,
			Evidence: engine.Evidence{Rule: "fuzzy", Score: 0.81, Fields: []engine.FieldEvidence{
				{Field: "last_name", Left: "Lee", Right: "Li", Weight: 0.5}}}}
		apply(t, db, engine.Batch{Suggestions: []engine.Suggestion{s}})
		s.Score = 0.9
		apply(t, db, engine.Batch{RunID: 2, Suggestions: []engine.Suggestion{s}})
		ss, total, err := db.FindSuggestions(bg(), store.SuggestionFilter{Pair: pair})
		ok(t, err)
		eq(t, "suggestions", total, 1)
		eq(t, "first kept", []any{ss[0].Score, ss[0].RunID, ss[0].Status, ss[0].Reason, ss[0].Evidence, ss[0].CreatedAt},
			[]any{0.81, int64(1), engine.ReviewOpen, engine.ReasonAmbiguousEmail, engine.Evidence{Rule: "fuzzy", Score: 0.81,
				Fields: []engine.FieldEvidence{{Field: "last_name", Left: "Lee", Right: "Li", Weight: 0.5}}}, t0})
	}},
	{"Suggestions/NeverReinsertedAfterRejection", func(t *testing.T, db *store.DB) {
		apply(t, db, engine.Batch{Suggestions: []engine.Suggestion{{LocalID: "L1", UpstreamID: "U1", Score: 0.8}}})
		ss, _, err := db.FindSuggestions(bg(), store.SuggestionFilter{Pair: pair})
		ok(t, err)
		ok(t, db.RejectSuggestion(bg(), ss[0].ID, "ann"))
		apply(t, db, engine.Batch{RunID: 2, Suggestions: []engine.Suggestion{{LocalID: "L1", UpstreamID: "U1", Score: 0.99}}})
		ss, total, err := db.FindSuggestions(bg(), store.SuggestionFilter{Pair: pair})
		ok(t, err)
		eq(t, "suggestions", total, 1)
		eq(t, "status", ss[0].Status, engine.ReviewRejected)
	}},
	{"Suggestions/RejectStoresRejectionRequeuesAndAudits", func(t *testing.T, db *store.DB) {
		save(t, db, engine.Local, "", cust("L1", ""))
		save(t, db, engine.Upstream, "", cust("U1", ""))
		apply(t, db, engine.Batch{Clean: []string{"L1"}, Suggestions: []engine.Suggestion{{LocalID: "L1", UpstreamID: "U1"}}})
		apply(t, db, engine.Batch{Side: engine.Upstream, Clean: []string{"U1"}})
		ss, _, err := db.FindSuggestions(bg(), store.SuggestionFilter{Pair: pair, Status: engine.ReviewOpen})
		ok(t, err)
		ok(t, db.RejectSuggestion(bg(), ss[0].ID, "ann"))
		ss, _, err = db.FindSuggestions(bg(), store.SuggestionFilter{ID: ss[0].ID})
		ok(t, err)
		eq(t, "decided", []any{ss[0].Status, ss[0].DecidedBy, ss[0].DecidedAt.IsZero()}, []any{engine.ReviewRejected, "ann", false})
		for _, side := range []engine.Side{engine.Local, engine.Upstream} {
			id := map[engine.Side]string{engine.Local: "L1", engine.Upstream: "U1"}[side]
			rj, err := db.Rejections(bg(), pair, side, []string{id})
			ok(t, err)
			eq(t, "rejections of "+id, len(rj), 1)
			eq(t, "dirty "+string(side), dirtyIDs(t, db, side), []string{id})
		}
		audited(t, db, "suggestion:"+itoa(ss[0].ID), store.ActionRejectSuggestion, "ann")
		isErr(t, db.RejectSuggestion(bg(), ss[0].ID, "bob"), engine.ErrConflict)
		isErr(t, db.RejectSuggestion(bg(), 12345, "bob"), engine.ErrNotFound)
	}},
	{"Suggestions/ApproveLinksAndSupersedesOthers", func(t *testing.T, db *store.DB) {
		apply(t, db, engine.Batch{Suggestions: []engine.Suggestion{
			{LocalID: "L1", UpstreamID: "U1", Score: 0.8, Evidence: engine.Evidence{Rule: "fuzzy"}},
			{LocalID: "L1", UpstreamID: "U2", Score: 0.7},
			{LocalID: "L2", UpstreamID: "U1", Score: 0.6}}})
		ss, _, err := db.FindSuggestions(bg(), store.SuggestionFilter{LocalID: "L1", UpstreamID: "U1"})
		ok(t, err)
		l, err := db.ApproveSuggestion(bg(), ss[0].ID, "ann")
		ok(t, err)
		eq(t, "link", []any{l.LocalID, l.UpstreamID, l.Method, l.State, l.CreatedBy, l.Evidence.Rule},
			[]any{"L1", "U1", engine.MethodManual, engine.LinkActive, "ann", "fuzzy"})
		all, _, err := db.FindSuggestions(bg(), store.SuggestionFilter{Pair: pair})
		ok(t, err)
		var st []engine.ReviewStatus
		for _, s := range all {
			st = append(st, s.Status)
		}
		eq(t, "statuses", st, []engine.ReviewStatus{engine.ReviewApproved, engine.ReviewSuperseded, engine.ReviewSuperseded})
		audited(t, db, "suggestion:"+itoa(ss[0].ID), store.ActionApproveSuggestion, "ann")
		_, err = db.ApproveSuggestion(bg(), ss[0].ID, "ann")
		isErr(t, err, engine.ErrConflict)
	}},
	{"Suggestions/ApproveRefusedWhenAlreadyLinked", func(t *testing.T, db *store.DB) {
		apply(t, db, engine.Batch{Suggestions: []engine.Suggestion{{LocalID: "L1", UpstreamID: "U1"}}})
		// Linked another way after the suggestion was made.
		apply(t, db, engine.Batch{Links: []engine.Link{{LocalID: "L9", UpstreamID: "U1", Method: engine.MethodEmail}}})
		// The link superseded the suggestion; reopen the question with a
		// fresh suggestion for a record linked elsewhere.
		apply(t, db, engine.Batch{Suggestions: []engine.Suggestion{{LocalID: "L2", UpstreamID: "U1"}}})
		ss, _, err := db.FindSuggestions(bg(), store.SuggestionFilter{LocalID: "L2"})
		ok(t, err)
		_, err = db.ApproveSuggestion(bg(), ss[0].ID, "ann")
		isErr(t, err, engine.ErrConflict)
		es, _, err := db.FindAudit(bg(), store.AuditFilter{Pair: pair})
		ok(t, err)
		eq(t, "audit entries of a refused decision", len(es), 0)
	}},
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
