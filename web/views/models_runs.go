package views

// RunsView is the run history.
type RunsView struct {
	RunNowURL string
	Rows      []RunRow
	Pager     Pager
	Empty     Empty
}

// RunRow is one run in the history.
type RunRow struct {
	ID, URL  string
	Status   Badge
	Trigger  string
	Started  string
	Duration string
	Pulled   string
	Changed  string
	APICalls string
	Summary  string
	Problems string // "3 skipped, 1 failed"
}

// RunView is one run: its state, live progress, counts and the outcome of
// every record it touched.
type RunView struct {
	ID        string
	Status    Badge
	Running   bool
	EventsURL string // server-sent events while running
	Progress  string // "Pulling upstream: 400 records"
	Step      string
	Started   string
	Finished  string
	Duration  string
	Trigger   string
	APICalls  string
	Pulled    string
	Changed   string
	Error     string
	Held      string
	PlanURL   string // the held plan's page
	Counts    []OutcomeLine
	Filters   []Link // all, skipped, failed…
	Outcomes  []OutcomeRow
	Pager     Pager
	Empty     Empty
}

// OutcomeRow is what a run did with one record, and why.
type OutcomeRow struct {
	Side     string
	RecordID string
	Kind     Badge
	Reason   string
	Detail   string
	At       string
	URL      string // the record's link, when one is known
}

// OutboxView lists writes waiting to be made and writes that failed.
type OutboxView struct {
	Tabs     []Link
	Status   string
	Rows     []WriteRow
	Pager    Pager
	Empty    Empty
	ReturnTo string
	Note     string
}

// WriteRow is one outbox row.
type WriteRow struct {
	ID         string
	Kind       string
	Record     string // the customer's name
	SourceID   string
	Target     string
	Status     Badge
	Attempts   string
	LastError  string
	NextTry    string
	Updated    string
	RunURL     string
	RunID      string
	RetryURL   string
	DiscardURL string
}

// PlansView lists runs whose plan waits for approval.
type PlansView struct {
	Plans    []PlanCard
	Empty    Empty
	ReturnTo string
}

// PlanCard is one held plan.
type PlanCard struct {
	RunID, RunURL string
	Reason        string
	Started       string
	Writes        string
	Sample        []WriteRow
	More          string
	ApproveURL    string
	RejectURL     string
}

// AuditView is the audit log.
type AuditView struct {
	Rows  []AuditRow
	Pager Pager
	Empty Empty
}

// AuditRow is one audited decision.
type AuditRow struct {
	At      string
	Actor   string
	Action  string
	Subject string
	URL     string
	Detail  string
}
