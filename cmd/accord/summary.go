package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

// runSummary is what `accord run` reports, as text or as one JSON object.
type runSummary struct {
	RunID      int64                      `json:"run_id"`
	Pair       string                     `json:"pair"`
	Status     engine.RunStatus           `json:"status"`
	Trigger    string                     `json:"trigger"`
	DryRun     bool                       `json:"dry_run"`
	StartedAt  time.Time                  `json:"started_at"`
	DurationMS int64                      `json:"duration_ms"`
	APICalls   int64                      `json:"api_calls"`
	Pulled     map[engine.Side]int        `json:"pulled"`
	Changed    map[engine.Side]int        `json:"changed"`
	Links      map[string]int             `json:"links_made"`
	Counts     engine.Counts              `json:"counts"`
	Outbox     map[engine.WriteStatus]int `json:"outbox"`
	OpenWork   openWork                   `json:"open_work"`
	HeldReason string                     `json:"held_reason,omitempty"`
	Error      string                     `json:"error,omitempty"`
}

// openWork is what waits for a person on a pair, across all runs.
type openWork struct {
	Suggestions     int `json:"suggestions"`
	DuplicateSets   int `json:"duplicate_sets"`
	Conflicts       int `json:"conflicts"`
	UpstreamDeletes int `json:"upstream_deletes"`
	HeldWrites      int `json:"held_writes"`
	DeadLetters     int `json:"dead_letters"`
}

func loadOpenWork(ctx context.Context, db *store.DB, pair string, outbox map[engine.WriteStatus]int) (openWork, error) {
	w := openWork{HeldWrites: outbox[engine.WriteHeld], DeadLetters: outbox[engine.WriteDead]}
	var err error
	if _, w.Suggestions, err = db.FindSuggestions(ctx, store.SuggestionFilter{Pair: pair, Status: engine.ReviewOpen, Limit: 1}); err != nil {
		return w, err
	}
	if _, w.DuplicateSets, err = db.FindDuplicateSets(ctx, store.DuplicateFilter{Pair: pair, Status: engine.ReviewOpen, Limit: 1}); err != nil {
		return w, err
	}
	if _, w.Conflicts, err = db.FindConflicts(ctx, store.ConflictFilter{Pair: pair, Status: engine.ConflictOpen, Limit: 1}); err != nil {
		return w, err
	}
	_, w.UpstreamDeletes, err = db.FindLinks(ctx, store.LinkFilter{Pair: pair, State: engine.LinkUpstreamDeleted, Limit: 1})
	return w, err
}

func newRunSummary(r engine.Run, outbox map[engine.WriteStatus]int, work openWork) runSummary {
	s := runSummary{RunID: r.ID, Pair: r.Pair, Status: r.Status, Trigger: r.Trigger, DryRun: r.DryRun,
		StartedAt: r.StartedAt, DurationMS: r.FinishedAt.Sub(r.StartedAt).Milliseconds(), APICalls: r.APICalls,
		Pulled: r.Pulled, Changed: r.Changed, Counts: r.Counts, Outbox: outbox, OpenWork: work,
		HeldReason: r.HeldReason, Error: r.Error, Links: linksMade(r.Counts)}
	if s.Counts == nil {
		s.Counts = engine.Counts{}
	}
	return s
}

// linksMade counts the links a run made, by how they were made.
func linksMade(c engine.Counts) map[string]int {
	m := map[string]int{}
	for r, n := range c[engine.OutcomeLinked] {
		m[string(r)] += n
	}
	m[string(engine.MethodPushed)] += c.Kind(engine.OutcomeCreatedUpstream) + c.Get(engine.OutcomeSettled, engine.ReasonSettledFromFeed)
	m[string(engine.MethodPulled)] += c.Kind(engine.OutcomeCreatedLocal)
	for k, v := range m {
		if v == 0 {
			delete(m, k)
		}
	}
	return m
}

func (s runSummary) writeJSON(w io.Writer) error {
	return json.NewEncoder(w).Encode(s)
}

// writeText prints the summary for people: what was linked and how, what
// waits for review, and every outcome of the run by reason.
func (s runSummary) writeText(w io.Writer) {
	fmt.Fprintf(w, "Run %d of pair %q %s in %s with %d upstream API calls.\n", s.RunID, s.Pair, s.Status,
		(time.Duration(s.DurationMS) * time.Millisecond).Round(time.Millisecond), s.APICalls)
	fmt.Fprintf(w, "Read %d upstream records (%d new or changed) and %d local records (%d new or changed).\n",
		s.Pulled[engine.Upstream], s.Changed[engine.Upstream], s.Pulled[engine.Local], s.Changed[engine.Local])
	if s.HeldReason != "" {
		fmt.Fprintf(w, "The plan is held for approval: %s.\n", s.HeldReason)
	}
	if s.Error != "" {
		fmt.Fprintf(w, "Error: %s\n", s.Error)
	}
	row := func(label string, n int) { fmt.Fprintf(w, "  %-20s %7d\n", label, n) }
	total := 0
	for _, n := range s.Links {
		total += n
	}
	fmt.Fprintf(w, "\n%-22s %7d\n", "Links made", total)
	for _, l := range []struct{ key, label string }{
		{"external_id", "by external id"}, {"email", "by email"}, {"account_code", "by account code"},
		{"pushed", "created upstream"}, {"pulled", "created locally"},
	} {
		if n := s.Links[l.key]; n > 0 {
			row(l.label, n)
		}
	}
	fmt.Fprintf(w, "\nWaiting for review\n")
	row("suggested matches", s.OpenWork.Suggestions)
	row("duplicate sets", s.OpenWork.DuplicateSets)
	row("field conflicts", s.OpenWork.Conflicts)
	row("upstream deletes", s.OpenWork.UpstreamDeletes)
	row("held writes", s.OpenWork.HeldWrites)
	row("dead letters", s.OpenWork.DeadLetters)
	if n := s.Outbox[engine.WritePending] + s.Outbox[engine.WriteInflight]; n > 0 {
		fmt.Fprintf(w, "\n%-22s %7d\n", "Writes to retry", n)
	}

	fmt.Fprintln(w, "\nThis run's outcomes by reason:")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, k := range s.Counts.Kinds() {
		parts := make([]string, 0, len(s.Counts[k]))
		for _, r := range s.Counts.Reasons(k) {
			parts = append(parts, fmt.Sprintf("%s %d", r, s.Counts.Get(k, r)))
		}
		fmt.Fprintf(tw, "  %s\t%d\t%s\n", k, s.Counts.Kind(k), strings.Join(parts, ", "))
	}
	_ = tw.Flush()
}
