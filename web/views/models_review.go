package views

// SuggestionsView is the review queue.
type SuggestionsView struct {
	Action     string // the page's own URL, for the filter form
	Q          string
	MinScore   string
	Statuses   []Option
	Reasons    []Option
	Sorts      []Option
	Open       bool // the queue shows open suggestions, which can be decided
	Total      string
	Cards      []SuggestionCard
	Pager      Pager
	Empty      Empty
	BulkURL    string
	BulkScore  string
	BulkNote   string
	ReturnTo   string // where actions come back to
	KeyboardOK bool
}

// SuggestionCard is one suggested match, both records side by side.
type SuggestionCard struct {
	ID         string
	Score      string
	ScoreTone  string
	Reason     string
	Rule       string
	Note       string
	Local      RecordHead
	Upstream   RecordHead
	Rows       []FieldRow
	ApproveURL string
	RejectURL  string
	Status     Badge
	Decided    string
	Open       bool
	Created    string
}

// ConflictsView lists linked pairs with fields that differ.
type ConflictsView struct {
	Total    string
	Groups   []ConflictGroup
	Pager    Pager
	Empty    Empty
	ReturnTo string
	// KeepLocal and KeepUpstream label the buttons: "Keep local" and what
	// it does ("write it to Lightspeed X-Series").
	LocalName, UpstreamName string
}

// ConflictGroup is one link with its differing fields.
type ConflictGroup struct {
	LinkID, LinkURL string
	Name            string
	Local, Upstream RecordHead
	Rows            []ConflictRow
}

// ConflictRow is one field of a conflicted link.
type ConflictRow struct {
	Label           string
	Local, Upstream string
	Differs         bool
	ConflictID      string // "" for a field without an open conflict
	ResolveURL      string
	Since           string
}

// DuplicatesView lists sets of records that look like one customer.
type DuplicatesView struct {
	Action   string
	Sides    []Option
	Total    string
	Sets     []DuplicateSetView
	Pager    Pager
	Empty    Empty
	ReturnTo string
}

// DuplicateSetView is one duplicate set with its members side by side.
type DuplicateSetView struct {
	ID          string
	Side        string
	Reason      string
	Note        string
	Fields      []string // column labels
	Members     []DuplicateMember
	SurvivorURL string
	DismissURL  string
	Open        bool
	Status      Badge
	Decided     string
}

// DuplicateMember is one record of a duplicate set.
type DuplicateMember struct {
	ID       string
	Name     string
	Values   []string // one per Fields
	Linked   string   // "linked to …", or ""
	LinkURL  string
	Survivor bool
	Missing  bool
}

// LinksView is the links search.
type LinksView struct {
	Action  string
	Q       string
	States  []Option
	Methods []Option
	Total   string
	Rows    []LinkRow
	Pager   Pager
	Empty   Empty
}

// LinkRow is one link in the list.
type LinkRow struct {
	ID, URL         string
	Local, Upstream RecordHead
	Method          string
	State           Badge
	Created         string
	By              string
}

// LinkView is one link with its evidence and both records.
type LinkView struct {
	ID              string
	Method          string
	State           Badge
	Created         string
	By              string
	Verified        string
	Rule            string
	Score           string
	Note            string
	Evidence        []FieldRow
	Local, Upstream RecordHead
	Rows            []FieldRow
	ConflictsURL    string
	OpenConflicts   int
	UnlinkURL       string
	CanUnlink       bool
	UnlinkNote      string
	// SyncURL reads both records again now ("Sync now"); empty hides it.
	SyncURL string
}
