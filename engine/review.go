package engine

import "time"

// ReviewStatus is the state of a suggestion or duplicate set.
type ReviewStatus string

// Review states. Approved, rejected and resolved are people's decisions and
// automation never changes them. Superseded closes an item that another
// decision made moot (its record got linked some other way).
const (
	ReviewOpen       ReviewStatus = "open"
	ReviewApproved   ReviewStatus = "approved"
	ReviewRejected   ReviewStatus = "rejected"
	ReviewResolved   ReviewStatus = "resolved"
	ReviewDismissed  ReviewStatus = "dismissed"
	ReviewSuperseded ReviewStatus = "superseded"
)

// Suggestion is a proposed link the engine may not make alone.
type Suggestion struct {
	ID         int64
	Pair       string
	LocalID    string
	UpstreamID string
	Score      float64
	Reason     Reason
	Evidence   Evidence
	Status     ReviewStatus
	RunID      int64
	CreatedAt  time.Time
	DecidedBy  string
	DecidedAt  time.Time
}

// DuplicateSet is a group of records on one side that look like one
// customer. A person picks the survivor; the others are never pushed.
type DuplicateSet struct {
	ID         int64
	Pair       string
	Side       Side
	Members    []string
	Reason     Reason
	Evidence   Evidence
	Status     ReviewStatus
	SurvivorID string
	RunID      int64
	CreatedAt  time.Time
	DecidedBy  string
	DecidedAt  time.Time
}

// Rejection records that a person said two records are not the same
// customer, or unlinked them. It is kept for ever: the pair is never
// suggested or linked again by automation.
type Rejection struct {
	Pair   string
	A      Ref
	B      Ref
	By     string
	At     time.Time
	Reason string
}

// Involves reports whether the rejection is about the pair of refs a and b,
// in either order.
func (r Rejection) Involves(a, b Ref) bool {
	return (r.A == a && r.B == b) || (r.A == b && r.B == a)
}

// ConflictStatus is the state of a conflict.
type ConflictStatus string

// Conflict states.
const (
	ConflictOpen ConflictStatus = "open"
	// ConflictResolved: a person chose a side, or the values came to agree.
	ConflictResolved ConflictStatus = "resolved"
	// ConflictKept: a person kept both values; hidden until one changes.
	ConflictKept ConflictStatus = "kept"
)

// Conflict is one mapped field whose values differ on a linked pair.
type Conflict struct {
	ID            int64
	Pair          string
	LinkID        int64
	LocalID       string
	UpstreamID    string
	Field         string
	LocalValue    string
	UpstreamValue string
	Status        ConflictStatus
	Resolution    string
	RunID         int64
	CreatedAt     time.Time
	ResolvedAt    time.Time
	ResolvedBy    string
}
