package engine

import (
	"context"
	"time"
)

// Page is one page of changes read from a side.
type Page struct {
	Customers []Customer
	// Bad holds records that could not be read; they are quarantined.
	Bad []Quarantined
	// Cursor is where the next pull starts. It is stored in the same
	// transaction as this page's records. "" means the position did not
	// move (an empty page), so the stored cursor is kept.
	Cursor string
	// Done is true when there is nothing after this page.
	Done bool
}

// Connector is one side of a pair: the upstream platform or the local table.
type Connector interface {
	// Pull reads the next page of customers changed after cursor ("" reads
	// from the beginning). Records may repeat across pages and runs.
	Pull(ctx context.Context, cursor string) (Page, error)
	// Get reads one customer. Errors wrap ErrNotFound when it is absent.
	Get(ctx context.Context, id string) (Customer, error)
	// Create creates c on this side and returns it as stored. c.ExternalRef
	// holds the id of the same customer on the other side; the connector
	// stores it where it can be read back (the upstream reference field, the
	// local upstream-id column) so that an unknown outcome can be settled
	// from the change feed. key is stable across retries of one creation.
	//
	// Errors wrap ErrUnknownOutcome when the creation may have happened,
	// are Terminal when the side rejected the record, and carry a
	// RetryAfterError when the side asked to slow down.
	Create(ctx context.Context, c Customer, key string) (Customer, error)
	// Validate reports, without I/O, whether c has what this side requires
	// to create it. Errors wrap ErrIncomplete and name the missing field.
	Validate(c Customer) error
}

// Rewinder is implemented by sides whose cursor is a timestamp. The
// reconciler rewinds the stored cursor once at the start of each run, by the
// side's overlap window, because rows committed late with an earlier
// timestamp (or a provider's propagation delay) would otherwise be missed.
// Re-reading is harmless: records are upserted by id and hash.
type Rewinder interface {
	Rewind(cursor string) string
}

// Updater is implemented by sides that can change fields of an existing
// record. The engine uses it only to apply a person's resolution of a
// conflict, never on its own. Setting a value is idempotent, so a retry after
// an unknown outcome is safe.
type Updater interface {
	Update(ctx context.Context, id string, fields map[string]string) (Customer, error)
}

// RefWriter is implemented by sides that can record the other side's id on
// an existing record without touching its customer data (the local
// upstream-id column). It is link metadata, not a customer field.
type RefWriter interface {
	SetExternalRef(ctx context.Context, id, ref string) error
}

// CallCounter is implemented by connectors that count their API calls.
type CallCounter interface {
	Calls() int64
}

// Locker keeps one run per pair at a time across processes (invariant 7).
type Locker interface {
	// LockPair takes the pair's lock or fails with an error wrapping
	// ErrLocked. The returned function releases it.
	LockPair(ctx context.Context, pair string) (unlock func(context.Context) error, err error)
}

// RunStore keeps runs and their per-record outcomes.
type RunStore interface {
	CreateRun(ctx context.Context, r Run) (Run, error)
	FinishRun(ctx context.Context, r Run) error
	AddOutcomes(ctx context.Context, outs []Outcome) error
}

// Key names a lookup key of stored records.
type Key string

// Record lookup keys.
const (
	KeyID          Key = "id"
	KeyExternalRef Key = "external_ref"
	KeyEmail       Key = "email"
	KeyAccountCode Key = "account_code"
)

// RecordStore keeps the last seen state of every record and the cursors.
type RecordStore interface {
	// Cursor returns the stored cursor of a side, "" if none.
	Cursor(ctx context.Context, pair string, side Side) (string, error)
	// SavePage upserts recs, quarantines bad and stores cursor, in one
	// transaction. A record whose hash is unchanged is left as it is; a new
	// or changed one is stored and marked dirty. It returns the number of
	// records that were new or changed. An empty page whose cursor is
	// unchanged writes nothing.
	SavePage(ctx context.Context, p SavePage) (changed int, err error)
	// DirtyRecords returns up to limit dirty records of a side with id
	// greater than after, ordered by id.
	DirtyRecords(ctx context.Context, pair string, side Side, after string, limit int) ([]Record, error)
	// FindRecords returns the records of a side whose key is one of values.
	FindRecords(ctx context.Context, pair string, side Side, key Key, values []string) ([]Record, error)
	// CountRecords counts the live (not deleted) records of a side.
	CountRecords(ctx context.Context, pair string, side Side) (int, error)
	// MarkDirty queues records for matching again, changed or not.
	MarkDirty(ctx context.Context, pair string, side Side, ids []string) error
}

// SavePage is the input of RecordStore.SavePage.
type SavePage struct {
	Pair    string
	Side    Side
	RunID   int64
	Records []Record
	Bad     []Quarantined
	Cursor  string
	At      time.Time
}

// LinkStore answers the questions matching asks about links and decisions.
type LinkStore interface {
	// LinksFor returns the links whose id on side is one of ids.
	LinksFor(ctx context.Context, pair string, side Side, ids []string) ([]Link, error)
	// Rejections returns the rejections that involve one of ids on side.
	Rejections(ctx context.Context, pair string, side Side, ids []string) ([]Rejection, error)
	// Blocked returns, for those of ids that may not be created on the other
	// side, why: ReasonAwaitingReview while an open suggestion or duplicate
	// set holds them, ReasonMerged for a duplicate that is not the survivor.
	Blocked(ctx context.Context, pair string, side Side, ids []string) (map[string]Reason, error)
	// DecidedTogether returns, for those of ids that a person already
	// decided about in a duplicate set (chose its survivor, or dismissed
	// it), the other members of those sets. Automation never proposes
	// them together again (invariant 5).
	DecidedTogether(ctx context.Context, pair string, side Side, ids []string) (map[string][]string, error)
	// ApplyBatch stores the decisions of one batch of matching in one
	// transaction.
	ApplyBatch(ctx context.Context, b Batch) error
}

// Batch is what matching decided for one batch of dirty records.
type Batch struct {
	Pair  string
	Side  Side
	RunID int64
	At    time.Time
	// Clean lists the records of Side whose dirty mark is cleared.
	Clean []string
	// Links are new links, stored with their State (active, or
	// upstream_deleted when the record named by an external id is already
	// deleted). The store also supersedes open suggestions that involve
	// either record.
	Links []Link
	// Settle completes pending links whose creation the change feed
	// confirmed, and marks their writes done.
	Settle []Settlement
	// LinkStates changes link states (an upstream delete).
	LinkStates []LinkStateChange
	// Suggestions are inserted unless the same pair already has one.
	Suggestions []Suggestion
	// Duplicates are merged into an open set that shares a member, or
	// inserted.
	Duplicates []DuplicateSet
	// Conflicts are opened, or their values refreshed when the same link and
	// field already has an open one. A conflict of a link made in this same
	// batch carries LinkID 0: the store resolves it through the link's
	// LocalID after inserting Links.
	Conflicts []Conflict
	// CloseConflicts resolves open conflicts whose values now agree.
	CloseConflicts []ConflictKey
	// Writes are planned outbox rows. The store writes each one's pending
	// link first and derives its idempotency key from that link.
	Writes []Write
	// Outcomes are the per-record outcomes of the batch.
	Outcomes []Outcome
}

// Settlement completes a pending link.
type Settlement struct {
	LinkID  int64
	OtherID string // the id found on the target side
	Record  Record // the target record, as read from the feed
	Base    map[string]Baseline
}

// LinkStateChange moves a link to a new state.
type LinkStateChange struct {
	LinkID int64
	State  LinkState
}

// ConflictKey names an open conflict.
type ConflictKey struct {
	LinkID int64
	Field  string
}

// OutboxStore is the durable outbox of planned writes.
type OutboxStore interface {
	// PlanSummary counts the pair's planned writes and, when there are
	// any, the size of each side. Planned writes left by a run that crashed before its plan step
	// count too: this run adopts them.
	PlanSummary(ctx context.Context, pair string, runID int64) (PlanSummary, error)
	// ReleasePlan moves the pair's planned writes (this run's and orphans)
	// to pending, or to held when hold is true, under this run, and returns
	// how many it moved.
	ReleasePlan(ctx context.Context, pair string, runID int64, hold bool) (int, error)
	// DueWrites returns up to limit writes with id greater than after that
	// are pending and due at now, or inflight (awaiting settlement).
	DueWrites(ctx context.Context, pair string, now time.Time, after int64, limit int) ([]Write, error)
	// StartWrite marks a write inflight and counts the attempt, committed
	// before the call is made.
	StartWrite(ctx context.Context, id int64, at time.Time) (Write, error)
	// CompleteWrite records a confirmed write: the write is done and the
	// written record is stored as seen. For a creation the pending link
	// becomes active with the new id and Base as its baseline; for an update
	// Base is merged into the link's baseline.
	CompleteWrite(ctx context.Context, c Completion) error
	// RetryWrite returns a write to pending, due at next.
	RetryWrite(ctx context.Context, id int64, lastErr string, next time.Time) error
	// FailWrite moves a write to the dead letters.
	FailWrite(ctx context.Context, id int64, lastErr string, at time.Time) error
	// NoteUnknown records that the outcome of an inflight write is unknown;
	// it stays inflight until settled.
	NoteUnknown(ctx context.Context, id int64, lastErr string, at time.Time) error
	// WriteCounts counts the pair's writes by status.
	WriteCounts(ctx context.Context, pair string) (map[WriteStatus]int, error)
}

// Completion is the input of OutboxStore.CompleteWrite.
type Completion struct {
	WriteID int64
	LinkID  int64
	OtherID string
	Record  Record // the created record on the target side
	Base    map[string]Baseline
	Outcome Outcome
}

// SweepStore finds and marks the links the ghost sweep re-reads.
type SweepStore interface {
	// StaleLinks returns up to limit active links verified before before,
	// the least recently verified first.
	StaleLinks(ctx context.Context, pair string, before time.Time, limit int) ([]Link, error)
	// VerifyLinks records that the links' records were seen at at.
	VerifyLinks(ctx context.Context, pair string, ids []int64, at time.Time) error
}

// Store is everything the reconciler persists.
type Store interface {
	Locker
	RunStore
	RecordStore
	LinkStore
	OutboxStore
	SweepStore
	FuzzyStore
}
