package engine

import (
	"sort"
	"time"
)

// RunStatus is the state of a run.
type RunStatus string

// Run states.
const (
	RunRunning   RunStatus = "running"
	RunSucceeded RunStatus = "succeeded"
	RunFailed    RunStatus = "failed"
	// RunHeld: the plan exceeded the pair's guard (or the run was a dry
	// run) and waits for a person to approve or reject it.
	RunHeld      RunStatus = "held"
	RunCancelled RunStatus = "cancelled"
	// RunStopped: the run stopped early and cleanly (the API budget ran
	// out); what it did is kept and the next run resumes.
	RunStopped RunStatus = "stopped"
)

// Run is one execution of the pipeline for one pair.
type Run struct {
	ID         int64
	Pair       string
	Status     RunStatus
	Trigger    string // "cli", "schedule", "webhook", "demo", ...
	DryRun     bool
	StartedAt  time.Time
	FinishedAt time.Time
	Counts     Counts
	Pulled     map[Side]int // records read per side
	Changed    map[Side]int // records that differed from what was stored
	APICalls   int64        // upstream API calls made by the run
	Error      string
	HeldReason string
}

// Duration is how long the run took, or has taken so far.
func (r Run) Duration(now time.Time) time.Duration {
	if r.FinishedAt.IsZero() {
		return now.Sub(r.StartedAt)
	}
	return r.FinishedAt.Sub(r.StartedAt)
}

// OutcomeKind is what happened to one record in a run.
type OutcomeKind string

// Outcome kinds.
const (
	OutcomeLinked          OutcomeKind = "linked"
	OutcomeSuggested       OutcomeKind = "suggested"
	OutcomeDuplicate       OutcomeKind = "duplicate"
	OutcomeConflict        OutcomeKind = "conflict"
	OutcomePlanned         OutcomeKind = "planned"
	OutcomeCreatedUpstream OutcomeKind = "created_upstream"
	OutcomeCreatedLocal    OutcomeKind = "created_local"
	OutcomeSettled         OutcomeKind = "settled"
	OutcomeUpdatedUpstream OutcomeKind = "updated_upstream"
	OutcomeUpdatedLocal    OutcomeKind = "updated_local"
	OutcomeUnchanged       OutcomeKind = "unchanged"
	OutcomeSkipped         OutcomeKind = "skipped"
	OutcomeFailed          OutcomeKind = "failed"
	OutcomeQuarantined     OutcomeKind = "quarantined"
	OutcomeDeleted         OutcomeKind = "deleted"
	// OutcomeLateArrival: the ghost sweep found a change the feed had not
	// shown. It is reported, and then handled like any change.
	OutcomeLateArrival OutcomeKind = "late_arrival"
)

// Reason explains an outcome, a suggestion or a duplicate set in a word
// that the dashboard can filter on.
type Reason string

// Reasons. Tier names double as reasons for links.
const (
	ReasonExternalID         Reason = "external_id"
	ReasonEmail              Reason = "email"
	ReasonAccountCode        Reason = "account_code"
	ReasonAmbiguousExternal  Reason = "ambiguous_external_id"
	ReasonAmbiguousEmail     Reason = "ambiguous_email"
	ReasonAmbiguousCode      Reason = "ambiguous_account_code"
	ReasonContradictingTiers Reason = "contradicting_tiers"
	ReasonCandidateLinked    Reason = "candidate_linked"
	ReasonSharedEmail        Reason = "shared_email"
	ReasonSharedAccountCode  Reason = "shared_account_code"
	ReasonAlreadyLinked      Reason = "already_linked"
	ReasonNoMatch            Reason = "no_match"
	ReasonAwaitingReview     Reason = "awaiting_review"
	ReasonMerged             Reason = "merged_into_survivor"
	ReasonAwaitingSettlement Reason = "awaiting_settlement"
	ReasonIncomplete         Reason = "incomplete"
	ReasonCreateDisabled     Reason = "create_disabled"
	ReasonPushed             Reason = "pushed"
	ReasonPulled             Reason = "pulled"
	ReasonSettledFromFeed    Reason = "settled_from_feed"
	ReasonFieldsDiffer       Reason = "fields_differ"
	ReasonFieldsAgree        Reason = "fields_agree"
	ReasonUpstreamDeleted    Reason = "upstream_deleted"
	ReasonDeletedUnlinked    Reason = "deleted_unlinked"
	ReasonMalformed          Reason = "malformed"
	ReasonHeld               Reason = "held"
	ReasonDryRun             Reason = "dry_run"
	ReasonUnknownOutcome     Reason = "unknown_outcome"
	ReasonRetryScheduled     Reason = "retry_scheduled"
	ReasonRejectedByProvider Reason = "rejected_by_provider"
	ReasonDeadLetter         Reason = "dead_letter"
	ReasonRefWriteFailed     Reason = "ref_write_failed"
	ReasonResolution         Reason = "resolution"
	ReasonMissedByFeed       Reason = "missed_by_feed"
	ReasonGoneUpstream       Reason = "gone_upstream"
	ReasonSweepFailed        Reason = "sweep_failed"
	ReasonUnknownExternalRef Reason = "unknown_external_ref"
	ReasonCannotUpdate       Reason = "cannot_update"
)

// Outcome is what one run did with one record, and why.
type Outcome struct {
	RunID    int64
	Pair     string
	Side     Side
	RecordID string
	Kind     OutcomeKind
	Reason   Reason
	Detail   string
	At       time.Time
}

// Counts tallies outcomes by kind and reason.
type Counts map[OutcomeKind]map[Reason]int

// Add counts one outcome.
func (c Counts) Add(k OutcomeKind, r Reason, n int) {
	if n == 0 {
		return
	}
	m := c[k]
	if m == nil {
		m = map[Reason]int{}
		c[k] = m
	}
	m[r] += n
}

// Kind returns the total for one outcome kind.
func (c Counts) Kind(k OutcomeKind) int {
	n := 0
	for _, v := range c[k] {
		n += v
	}
	return n
}

// Get returns the count for a kind and reason.
func (c Counts) Get(k OutcomeKind, r Reason) int { return c[k][r] }

// Kinds returns the outcome kinds present, sorted.
func (c Counts) Kinds() []OutcomeKind {
	ks := make([]OutcomeKind, 0, len(c))
	for k := range c {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	return ks
}

// Reasons returns the reasons counted under kind, sorted.
func (c Counts) Reasons(k OutcomeKind) []Reason {
	rs := make([]Reason, 0, len(c[k]))
	for r := range c[k] {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
	return rs
}
