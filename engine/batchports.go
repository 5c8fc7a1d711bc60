package engine

import (
	"context"
	"time"
)

// Creation is one record to create through a BatchCreator.
type Creation struct {
	Customer Customer // as for Connector.Create; ExternalRef holds the other side's id
	Key      string   // the idempotency key, stable across retries of this creation
}

// CreateResult is the outcome of one Creation: the record as stored, or an
// error classified as Connector.Create's are (ErrUnknownOutcome, Terminal,
// a RetryAfterError).
type CreateResult struct {
	Customer Customer
	Err      error
}

// BatchCreator is implemented by sides that create many records in one API
// call (Square's BulkCreateCustomers). The reconciler uses it, when the
// side has it, for every creation on that side.
type BatchCreator interface {
	// CreateMany creates cs and returns one result per creation, in the
	// same order. A call that fails as a whole gives every entry its
	// error. Each request, whatever its number of entries, is one API
	// call for the budget.
	CreateMany(ctx context.Context, cs []Creation) []CreateResult
}

// ExternalRef pairs a record of a side with the other side's id for it.
type ExternalRef struct {
	ID  string // the record on this side
	Ref string // its id on the other side
}

// BatchRefWriter is implemented by sides that record many external refs at
// once (in one transaction), as RefWriter does one at a time.
type BatchRefWriter interface {
	// SetExternalRefs stores each ref and returns one error per ref, nil
	// where it was stored; an error wraps ErrNotFound when the record is
	// gone. A failure of the whole batch gives every ref its error.
	SetExternalRefs(ctx context.Context, refs []ExternalRef) []error
}

// BatchOutboxStore is implemented by outbox stores that start and complete
// many writes in one transaction each. The reconciler applies creations in
// chunks through it when its Store has it, and one at a time otherwise.
type BatchOutboxStore interface {
	// StartWrites marks the pending or inflight writes among ids inflight
	// and counts an attempt for each, in one transaction committed before
	// any call is made; at is recorded as their last attempt. It returns
	// the writes it started, ordered by id; writes in any other state are
	// left alone and not returned.
	StartWrites(ctx context.Context, ids []int64, at time.Time) ([]Write, error)
	// CompleteWrites records confirmed writes, as CompleteWrite does, in
	// one transaction: all of them or, on error, none.
	CompleteWrites(ctx context.Context, cs []Completion) error
	// RestoreWrites undoes StartWrites for writes whose call was never
	// made: each goes back to the status, attempts and last attempt it
	// had when it was read (ws are the writes as DueWrites returned them).
	RestoreWrites(ctx context.Context, ws []Write) error
}
