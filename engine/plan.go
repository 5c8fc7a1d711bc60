package engine

import (
	"fmt"
	"time"
)

// WriteKind is the kind of write in the outbox.
type WriteKind string

// Write kinds. Creations come from runs; updates only from a person's
// resolution of a conflict (invariant 1).
const (
	WriteCreateUpstream WriteKind = "create_upstream"
	WriteCreateLocal    WriteKind = "create_local"
	WriteUpdateUpstream WriteKind = "update_upstream"
	WriteUpdateLocal    WriteKind = "update_local"
)

// Target returns the side a write of this kind changes.
func (k WriteKind) Target() Side {
	if k == WriteCreateLocal || k == WriteUpdateLocal {
		return Local
	}
	return Upstream
}

// IsUpdate reports whether the kind changes an existing, linked record.
func (k WriteKind) IsUpdate() bool { return k == WriteUpdateUpstream || k == WriteUpdateLocal }

// WriteStatus is the state of an outbox row.
type WriteStatus string

// Outbox states.
//
// A write is planned when its run computes it, then becomes pending (or held
// when the plan is over the guard). Inflight means the call was started; the
// outcome is unknown until it is confirmed by the response or, after a crash
// or timeout, by the other side's change feed. An inflight write is never
// retried before it is settled.
const (
	WritePlanned   WriteStatus = "planned"
	WriteHeld      WriteStatus = "held"
	WritePending   WriteStatus = "pending"
	WriteInflight  WriteStatus = "inflight"
	WriteDone      WriteStatus = "done"
	WriteDead      WriteStatus = "dead"
	WriteDiscarded WriteStatus = "discarded"
)

// Write is a row of the durable outbox.
type Write struct {
	ID       int64
	Pair     string
	RunID    int64
	Kind     WriteKind
	SourceID string // the record's id on the side it comes from
	LinkID   int64  // the pending link written with this row, or the link an update is for
	// Customer is the record to create, or for an update the values of
	// Fields to set on the record TargetID.
	Customer       Customer
	TargetID       string   // updates: the record changed on the target side
	Fields         []string // updates: the canonical fields set
	ConflictID     int64    // updates: the conflict a person resolved
	IdempotencyKey string
	Status         WriteStatus
	Attempts       int
	NextAttemptAt  time.Time
	LastAttemptAt  time.Time
	LastError      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// IdempotencyKey derives the provider idempotency key of a write from its
// pending link row, so every retry of the same creation carries the same key.
func IdempotencyKey(pair string, linkID int64) string {
	return fmt.Sprintf("accord-%s-link-%d", pair, linkID)
}

// PlanSummary counts a run's planned writes and the size of each side.
type PlanSummary struct {
	CreateUpstream int
	CreateLocal    int
	UpstreamSize   int
	LocalSize      int
}

// Guard limits how much a run may write before a person approves it.
type Guard struct {
	MaxCreates int     // 0 means no count limit
	MaxPercent float64 // 0 means no percentage limit
}

// guardPercentFloor keeps the percentage guard from holding a handful of
// creates on a small store, where any change is a large percentage.
const guardPercentFloor = 10

// Check reports whether the plan must be held, and why.
func (g Guard) Check(p PlanSummary) (bool, string) {
	for _, c := range []struct {
		what  string
		n     int
		size  int
		where string
	}{
		{"upstream creates", p.CreateUpstream, p.UpstreamSize, "upstream"},
		{"local inserts", p.CreateLocal, p.LocalSize, "local"},
	} {
		if g.MaxCreates > 0 && c.n > g.MaxCreates {
			return true, fmt.Sprintf("%d %s exceed the guard of %d", c.n, c.what, g.MaxCreates)
		}
		if g.MaxPercent > 0 && c.n > guardPercentFloor {
			pct := 100.0
			if c.size > 0 {
				pct = float64(c.n) * 100 / float64(c.size)
			}
			if pct > g.MaxPercent {
				return true, fmt.Sprintf("%d %s are %.0f%% of the %s side (%d records), over the guard of %.0f%%",
					c.n, c.what, pct, c.where, c.size, g.MaxPercent)
			}
		}
	}
	return false, ""
}
