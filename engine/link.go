package engine

import "time"

// LinkMethod says how a link was made.
type LinkMethod string

// Link methods, from the strongest deterministic evidence to a person.
const (
	MethodExternalID  LinkMethod = "external_id"
	MethodEmail       LinkMethod = "email"
	MethodAccountCode LinkMethod = "account_code"
	MethodPushed      LinkMethod = "pushed" // accord created the upstream record
	MethodPulled      LinkMethod = "pulled" // accord inserted the local record
	MethodManual      LinkMethod = "manual" // a person approved it
)

// LinkState is the lifecycle state of a link.
type LinkState string

// Link states.
const (
	// LinkPending is written before accord creates the record on the other
	// side; the missing id is filled in when the creation is confirmed.
	LinkPending LinkState = "pending"
	LinkActive  LinkState = "active"
	// LinkUpstreamDeleted marks a link whose upstream record was deleted. It
	// waits for a person; nothing is propagated.
	LinkUpstreamDeleted LinkState = "upstream_deleted"
)

// Link is a row of the cross-reference table.
type Link struct {
	ID         int64
	Pair       string
	LocalID    string // "" while a local insert is pending
	UpstreamID string // "" while an upstream create is pending
	Method     LinkMethod
	State      LinkState
	Evidence   Evidence
	CreatedBy  string // "accord" or the person's login
	CreatedAt  time.Time
	UpdatedAt  time.Time
	VerifiedAt time.Time // when both records were last seen together
	// Baseline holds, per field, the hashes of both sides' values as accord
	// last left them (after its own write, or a person's "keep both"). A field
	// whose values still hash to its baseline is not a conflict.
	Baseline map[string]Baseline
}

// Baseline is the pair of value hashes recorded for one field of a link.
type Baseline struct {
	Local    string
	Upstream string
}

// SideID returns the link's id on side s.
func (l Link) SideID(s Side) string {
	if s == Local {
		return l.LocalID
	}
	return l.UpstreamID
}

// Evidence explains a decision: the rule that fired, the fields it looked
// at, and a score where one applies.
type Evidence struct {
	Rule   string
	Score  float64
	Fields []FieldEvidence
	Note   string
}

// FieldEvidence is one field's part in a decision. Left and Right are the
// two records' values: local and upstream across sides, or the two members
// of a pair on one side.
type FieldEvidence struct {
	Field  string
	Left   string
	Right  string
	Weight float64
}
