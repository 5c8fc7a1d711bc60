package web

import (
	"context"
	"time"

	"github.com/accordhq/accord/engine"
)

// The interfaces below are what the handlers need, declared here so that
// web depends on engine only; cmd/accord adapts the store to them. Each
// method's errors wrap engine.ErrNotFound, ErrConflict or ErrInvalid as the
// store's do, and the handlers map those to responses in one place
// (errors.go).

// PairLister lists the configured pairs with their effective policy.
type PairLister interface {
	Pairs(ctx context.Context) ([]PairInfo, error)
}

// UserStore finds the people who may sign in.
type UserStore interface {
	FindUserByEmail(ctx context.Context, email string) (User, error)
	NoteLogin(ctx context.Context, userID int64, at time.Time) error
}

// SessionStore keeps server-side sessions by the hash of their token.
type SessionStore interface {
	CreateSession(ctx context.Context, s Session) error
	FindSession(ctx context.Context, tokenHash string, now time.Time) (Session, error)
	ExtendSession(ctx context.Context, tokenHash string, expires, seen time.Time) error
	DeleteSession(ctx context.Context, tokenHash string) error
}

// TokenStore keeps API tokens by their hash.
type TokenStore interface {
	CreateAPIToken(ctx context.Context, userID int64, name, tokenHash, prefix string) (APIToken, error)
	FindAPIToken(ctx context.Context, tokenHash string) (APIToken, error)
	FindAPITokens(ctx context.Context, userID int64) ([]APIToken, error)
	TouchAPIToken(ctx context.Context, id int64, at time.Time) error
	RevokeAPIToken(ctx context.Context, userID, id int64) error
}

// ReviewStore is the review queue of suggested matches.
type ReviewStore interface {
	ReviewQueue(ctx context.Context, q QueueQuery) ([]QueueItem, error)
	CountQueue(ctx context.Context, q QueueQuery, limit int) (n int, capped bool, err error)
	BulkApprovable(ctx context.Context, q QueueQuery, limit int) ([]int64, error)
	FindSuggestion(ctx context.Context, id int64) (engine.Suggestion, error)
	ApproveSuggestion(ctx context.Context, id int64, actor string) (engine.Link, error)
	RejectSuggestion(ctx context.Context, id int64, actor string) error
}

// ConflictStore lists and settles field conflicts.
type ConflictStore interface {
	ConflictLinks(ctx context.Context, pair string, afterLinkID int64, limit int) ([]int64, error)
	OpenConflictsOf(ctx context.Context, linkIDs []int64) ([]engine.Conflict, error)
	FindConflict(ctx context.Context, id int64) (engine.Conflict, error)
	// ResolveConflict keeps one side's value and queues an audited write of
	// it to the other side, applied by the next run.
	ResolveConflict(ctx context.Context, id int64, keep engine.Side, actor string) error
	KeepBoth(ctx context.Context, id int64, actor string) error
}

// DuplicateStore lists and settles duplicate sets.
type DuplicateStore interface {
	FindDuplicateSets(ctx context.Context, q DuplicateQuery) ([]engine.DuplicateSet, int, error)
	ChooseSurvivor(ctx context.Context, setID int64, survivorID, actor string) error
	DismissDuplicateSet(ctx context.Context, setID int64, actor string) error
}

// LinkStore finds and removes links.
type LinkStore interface {
	SearchLinks(ctx context.Context, q LinkQuery) ([]engine.Link, error)
	CountLinks(ctx context.Context, q LinkQuery, limit int) (n int, capped bool, err error)
	FindLink(ctx context.Context, id int64) (engine.Link, error)
	// LinksFor returns the links whose id on side is one of ids.
	LinksFor(ctx context.Context, pair string, side engine.Side, ids []string) ([]engine.Link, error)
	Unlink(ctx context.Context, id int64, actor string) error
}

// RecordStore reads the last seen state of records.
type RecordStore interface {
	FindRecordsByID(ctx context.Context, pair string, local, upstream []string) (map[engine.Ref]engine.Record, error)
}

// RunStore reads runs and their outcomes.
type RunStore interface {
	FindRuns(ctx context.Context, q RunQuery) ([]engine.Run, int, error)
	FindRunByID(ctx context.Context, id int64) (engine.Run, error)
	FindOutcomes(ctx context.Context, q OutcomeQuery) ([]engine.Outcome, int, error)
}

// OutboxStore reads the outbox and settles dead letters and held plans.
type OutboxStore interface {
	FindWrites(ctx context.Context, q WriteQuery) ([]engine.Write, int, error)
	RetryDeadWrite(ctx context.Context, id int64, actor string) error
	DiscardWrite(ctx context.Context, id int64, actor string) error
	ApproveHeldPlan(ctx context.Context, runID int64, actor string) (int, error)
	RejectHeldPlan(ctx context.Context, runID int64, actor string) (int, error)
}

// AuditStore reads the audit log.
type AuditStore interface {
	FindAudit(ctx context.Context, q AuditQuery) ([]AuditEntry, int, error)
}

// OverviewStore counts what the overview shows.
type OverviewStore interface {
	OpenWork(ctx context.Context, pair string) (OpenWork, error)
	// APICallsToday counts the upstream API calls of the current UTC day,
	// the period the engine meters the daily budget in.
	APICallsToday(ctx context.Context, pair string) (int64, error)
}

// SettingsStore saves the dashboard's overrides of a pair's policy.
type SettingsStore interface {
	SaveSettings(ctx context.Context, pair string, s SettingsInput, actor string) error
}

// Runner starts runs in this process and reports their progress.
type Runner interface {
	// StartRun starts a run of pair in the background and returns its id
	// once the run is recorded. When a run of the pair is already going it
	// fails with an error wrapping engine.ErrLocked, and returns that run's
	// id when this process knows it.
	StartRun(ctx context.Context, pair, trigger string) (int64, error)
	// Watch follows a run of this process: the channel gets the latest
	// progress at once, then every report, and is closed when the run ends.
	// ok is false when this process is not running it.
	Watch(runID int64) (updates <-chan engine.Progress, stop func(), ok bool)
}

// ConnectionTester checks that both sides of a pair answer.
type ConnectionTester interface {
	TestConnection(ctx context.Context, pair string) ([]ConnectionCheck, error)
}
