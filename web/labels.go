package web

import (
	"slices"
	"strings"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/web/views"
)

// Labels turn the engine's words into the dashboard's. Anything without a
// label is shown as its code with underscores as spaces, so a new reason
// is never hidden.

func humanize(code string) string {
	s := strings.ReplaceAll(code, "_", " ")
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

var fieldLabels = map[string]string{
	engine.FieldEmail: "Email", engine.FieldFirstName: "First name", engine.FieldLastName: "Last name",
	engine.FieldCompany: "Company", engine.FieldPhone: "Phone", engine.FieldMobile: "Mobile",
	engine.FieldAccountCode: "Account code", engine.FieldExternalRef: "Reference",
	engine.FieldLine1: "Address", engine.FieldLine2: "Address line 2", engine.FieldCity: "City",
	engine.FieldState: "State", engine.FieldPostcode: "Postcode", engine.FieldCountry: "Country",
	engine.FieldBirthday: "Birthday",
}

func fieldLabel(f string) string {
	if l, ok := fieldLabels[f]; ok {
		return l
	}
	return humanize(f)
}

var reasonLabels = map[engine.Reason]string{
	engine.ReasonExternalID: "Same id", engine.ReasonEmail: "Same email", engine.ReasonAccountCode: "Same account code",
	engine.ReasonAmbiguousExternal: "Id shared by several records", engine.ReasonAmbiguousEmail: "Email shared by several records",
	engine.ReasonAmbiguousCode:      "Account code shared by several records",
	engine.ReasonContradictingTiers: "Email and account code point at different customers",
	engine.ReasonCandidateLinked:    "The match is already linked to someone else",
	engine.ReasonFuzzy:              "Similar details (fuzzy match)",
	engine.ReasonFuzzyDuplicate:     "Similar details on one side (fuzzy match)",
	engine.ReasonSharedEmail:        "Same email", engine.ReasonSharedAccountCode: "Same account code",
	engine.ReasonAlreadyLinked: "Already linked", engine.ReasonNoMatch: "No match on the other side",
	engine.ReasonAwaitingReview: "Waits for your review", engine.ReasonMerged: "Merged into the survivor of a duplicate set",
	engine.ReasonAwaitingSettlement: "Waiting to confirm an earlier write", engine.ReasonIncomplete: "Missing what the other side requires",
	engine.ReasonCreateDisabled: "Creating records on that side is turned off", engine.ReasonPushed: "Created upstream",
	engine.ReasonPulled: "Created locally", engine.ReasonSettledFromFeed: "Confirmed from the change feed",
	engine.ReasonFieldsDiffer: "Fields differ", engine.ReasonFieldsAgree: "Fields agree",
	engine.ReasonUpstreamDeleted: "Deleted upstream", engine.ReasonDeletedUnlinked: "Deleted, and not linked",
	engine.ReasonMalformed: "Could not be read", engine.ReasonHeld: "Held for approval", engine.ReasonDryRun: "Dry run",
	engine.ReasonUnknownOutcome: "Outcome unknown; will be checked", engine.ReasonRetryScheduled: "Failed; will retry",
	engine.ReasonRejectedByProvider: "Refused by the other side", engine.ReasonDeadLetter: "Gave up after repeated failures",
	engine.ReasonRefWriteFailed: "Created, but the id could not be recorded",
	engine.ReasonResolution:     "A person's decision", engine.ReasonMissedByFeed: "Missed by the change feed",
	engine.ReasonGoneUpstream: "No longer upstream", engine.ReasonSweepFailed: "Could not be re-read",
	engine.ReasonUnknownExternalRef: "Names a record the other side does not have",
	engine.ReasonCannotUpdate:       "The other side cannot take this update",
}

func reasonLabel(r engine.Reason) string {
	if l, ok := reasonLabels[r]; ok {
		return l
	}
	return humanize(string(r))
}

var kindLabels = map[engine.OutcomeKind]views.Badge{
	engine.OutcomeLinked: {Label: "Linked", Tone: "ok"}, engine.OutcomeSuggested: {Label: "Suggested", Tone: "info"},
	engine.OutcomeDuplicate: {Label: "Duplicate", Tone: "info"}, engine.OutcomeConflict: {Label: "Conflict", Tone: "warn"},
	engine.OutcomePlanned: {Label: "Planned", Tone: "idle"}, engine.OutcomeCreatedUpstream: {Label: "Created upstream", Tone: "ok"},
	engine.OutcomeCreatedLocal: {Label: "Created locally", Tone: "ok"}, engine.OutcomeSettled: {Label: "Settled", Tone: "ok"},
	engine.OutcomeUnchanged: {Label: "Unchanged", Tone: "idle"}, engine.OutcomeSkipped: {Label: "Skipped", Tone: "warn"},
	engine.OutcomeFailed: {Label: "Failed", Tone: "bad"}, engine.OutcomeQuarantined: {Label: "Quarantined", Tone: "bad"},
	engine.OutcomeDeleted:         {Label: "Deleted upstream", Tone: "warn"},
	engine.OutcomeUpdatedUpstream: {Label: "Updated upstream", Tone: "ok"}, engine.OutcomeUpdatedLocal: {Label: "Updated locally", Tone: "ok"},
	engine.OutcomeLateArrival: {Label: "Late arrival", Tone: "warn"},
}

func kindBadge(k engine.OutcomeKind) views.Badge {
	if b, ok := kindLabels[k]; ok {
		return b
	}
	return views.Badge{Label: humanize(string(k)), Tone: "idle"}
}

func runBadge(s engine.RunStatus) views.Badge {
	switch s {
	case engine.RunRunning:
		return views.Badge{Label: "Running", Tone: "info"}
	case engine.RunSucceeded:
		return views.Badge{Label: "Succeeded", Tone: "ok"}
	case engine.RunFailed:
		return views.Badge{Label: "Failed", Tone: "bad"}
	case engine.RunHeld:
		return views.Badge{Label: "Held", Tone: "warn"}
	case engine.RunCancelled:
		return views.Badge{Label: "Cancelled", Tone: "idle"}
	}
	return views.Badge{Label: humanize(string(s)), Tone: "idle"}
}

func linkStateBadge(s engine.LinkState) views.Badge {
	switch s {
	case engine.LinkActive:
		return views.Badge{Label: "Active", Tone: "ok"}
	case engine.LinkPending:
		return views.Badge{Label: "Being created", Tone: "info"}
	case engine.LinkUpstreamDeleted:
		return views.Badge{Label: "Deleted upstream", Tone: "warn"}
	}
	return views.Badge{Label: humanize(string(s)), Tone: "idle"}
}

var methodLabels = map[engine.LinkMethod]string{
	engine.MethodExternalID: "Same id", engine.MethodEmail: "Same email", engine.MethodAccountCode: "Same account code",
	engine.MethodPushed: "Created upstream by accord", engine.MethodPulled: "Created locally by accord",
	engine.MethodManual: "Approved by a person",
}

func methodLabel(m engine.LinkMethod) string {
	if l, ok := methodLabels[m]; ok {
		return l
	}
	return humanize(string(m))
}

func reviewBadge(s engine.ReviewStatus) views.Badge {
	switch s {
	case engine.ReviewOpen:
		return views.Badge{}
	case engine.ReviewApproved, engine.ReviewResolved:
		return views.Badge{Label: humanize(string(s)), Tone: "ok"}
	case engine.ReviewRejected, engine.ReviewDismissed:
		return views.Badge{Label: humanize(string(s)), Tone: "idle"}
	}
	return views.Badge{Label: humanize(string(s)), Tone: "idle"}
}

func writeBadge(s engine.WriteStatus) views.Badge {
	switch s {
	case engine.WriteDead:
		return views.Badge{Label: "Dead letter", Tone: "bad"}
	case engine.WritePending:
		return views.Badge{Label: "Pending", Tone: "info"}
	case engine.WriteInflight:
		return views.Badge{Label: "Being checked", Tone: "info"}
	case engine.WriteHeld:
		return views.Badge{Label: "Held", Tone: "warn"}
	case engine.WriteDone:
		return views.Badge{Label: "Done", Tone: "ok"}
	case engine.WriteDiscarded:
		return views.Badge{Label: "Discarded", Tone: "idle"}
	}
	return views.Badge{Label: humanize(string(s)), Tone: "idle"}
}

// upstreamName names the upstream platform of a pair for people.
func upstreamName(p PairInfo) string {
	switch p.UpstreamType {
	case "lightspeed":
		return "Lightspeed"
	case "square":
		return "Square"
	}
	return humanize(p.UpstreamType)
}

// sideName names a side of a pair for people: the shop's table, or the
// platform.
func sideName(p PairInfo, s engine.Side) string {
	if s == engine.Upstream {
		return upstreamName(p)
	}
	return "local"
}

// sideTitle is the longer name shown above a record: "Local · customers".
func sideTitle(p PairInfo, s engine.Side) string {
	if s == engine.Upstream {
		if p.UpstreamType == "lightspeed" {
			return "Lightspeed X-Series"
		}
		return upstreamName(p)
	}
	if p.LocalTable != "" {
		return "Local · " + p.LocalTable
	}
	return "Local"
}

var auditLabels = map[string]string{
	"suggestion.approve": "Approved a match", "suggestion.reject": "Rejected a match", "link.unlink": "Unlinked",
	"duplicates.choose_survivor": "Chose a survivor", "duplicates.dismiss": "Dismissed duplicates",
	"conflict.keep_both": "Kept both values", "conflict.resolve": "Resolved a conflict", "plan.approve": "Approved a plan",
	"plan.reject": "Rejected a plan", "write.retry": "Retried a write", "write.discard": "Discarded a write",
	"token.create": "Created an API token", "token.revoke": "Revoked an API token", "settings.save": "Changed settings",
}

func auditLabel(a string) string {
	if l, ok := auditLabels[a]; ok {
		return l
	}
	return humanize(strings.ReplaceAll(a, ".", " "))
}

// kindOrder lists outcome kinds with what needs attention first.
var kindOrder = []engine.OutcomeKind{
	engine.OutcomeFailed, engine.OutcomeQuarantined, engine.OutcomeSkipped, engine.OutcomeConflict,
	engine.OutcomeLateArrival, engine.OutcomeSuggested, engine.OutcomeDuplicate, engine.OutcomeDeleted,
	engine.OutcomeLinked, engine.OutcomeCreatedUpstream, engine.OutcomeCreatedLocal, engine.OutcomeUpdatedUpstream,
	engine.OutcomeUpdatedLocal, engine.OutcomeSettled, engine.OutcomePlanned,
	engine.OutcomeUnchanged,
}

// orderedKinds returns the kinds counted, in kindOrder, then any other.
func orderedKinds(c engine.Counts) []engine.OutcomeKind {
	var out []engine.OutcomeKind
	for _, k := range kindOrder {
		if _, ok := c[k]; ok {
			out = append(out, k)
		}
	}
	for _, k := range c.Kinds() {
		if !slices.Contains(kindOrder, k) {
			out = append(out, k)
		}
	}
	return out
}
