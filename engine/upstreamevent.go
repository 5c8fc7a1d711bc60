package engine

import (
	"context"
	"time"
)

// Upstream events are what a provider reports outside its change feed:
// Square shows neither deletes nor merges in SearchCustomers, only in
// webhooks. They change links, never customer data (invariant 6), and they
// are idempotent: an event applied twice changes nothing the second time.

// UpstreamMerge says the provider merged the customers From into To, a new
// id (Square's event_context.merge).
type UpstreamMerge struct {
	Pair    string
	EventID string // the provider's event id: a replay is recognised by it
	Actor   string // e.g. "webhook:square"
	From    []string
	To      string
	At      time.Time
}

// UpstreamDelete says the provider deleted one customer.
type UpstreamDelete struct {
	Pair       string
	EventID    string
	Actor      string
	UpstreamID string
	At         time.Time
}

// EventResult is what applying an upstream event changed.
type EventResult struct {
	// Replayed is true when the event was applied before; nothing changed.
	Replayed bool
	// Repointed are links that now name the merge's survivor.
	Repointed []Link
	// Review are links marked upstream_deleted for a person: the record
	// was deleted, or a merge could not be followed without a guess.
	Review []Link
}

// UpstreamEventStore applies upstream events to links, each in one audited
// transaction.
type UpstreamEventStore interface {
	// MergeUpstream re-points the link of a merged customer to the
	// survivor. When the survivor is already linked to another local
	// record, or several merged customers are linked, it guesses nothing:
	// those links go to review (upstream_deleted) instead.
	MergeUpstream(ctx context.Context, m UpstreamMerge) (EventResult, error)
	// DeleteUpstream marks the active link of a deleted customer
	// upstream_deleted, for review. The local record is untouched.
	DeleteUpstream(ctx context.Context, d UpstreamDelete) (EventResult, error)
}
