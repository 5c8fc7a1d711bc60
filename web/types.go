package web

import (
	"time"

	"github.com/accordhq/accord/engine"
)

// PairInfo describes a configured pair and its effective policy: the
// configuration file's values with the dashboard's overrides applied.
type PairInfo struct {
	Name           string
	LocalType      string // "sqltable"
	LocalTable     string
	UpstreamType   string // "lightspeed"
	UpstreamURL    string
	Fields         []string // the canonical fields compared on linked pairs
	CreateUpstream bool
	CreateLocal    bool
	Schedule       Setting[string]
	MaxCreates     Setting[int]
	MaxPercent     Setting[float64]
	CallsPerDay    Setting[int]
	SettingsBy     string
	SettingsAt     time.Time
	SettingsSaved  bool
}

// Setting is one effective policy value and where it comes from.
type Setting[T any] struct {
	Value      T
	Configured T    // the value in accord.yaml
	Overridden bool // Value was set in the dashboard
}

// SettingsInput is what the settings form saves; nil keeps (or returns to)
// the configured value.
type SettingsInput struct {
	Schedule    *string
	MaxCreates  *int
	MaxPercent  *float64
	CallsPerDay *int
}

// User is a person who may sign in.
type User struct {
	ID           int64
	Email        string
	PasswordHash string // bcrypt
}

// Session is a signed-in browser, found by the hash of its cookie.
type Session struct {
	TokenHash  string
	UserID     int64
	Email      string
	ExpiresAt  time.Time
	LastSeenAt time.Time
	RemoteAddr string
	UserAgent  string
}

// APIToken is an API bearer token as shown to people.
type APIToken struct {
	ID         int64
	UserID     int64
	Email      string
	Name       string
	Prefix     string
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// Search is a search box's text, prepared for the store: ID matches a
// record id exactly, Email and Name match key prefixes. cmd/accord fills
// Email and Name with the matchers' normalisation (Options.PrepareSearch).
type Search struct {
	Text  string
	ID    string
	Email string
	Name  string
}

// QueueQuery selects a page of the review queue.
type QueueQuery struct {
	Pair       string
	Status     engine.ReviewStatus
	Reason     engine.Reason
	MinScore   float64
	Search     Search
	Oldest     bool
	AfterScore float64
	AfterID    int64
	Limit      int
}

// QueueItem is a suggestion with both records as last seen.
type QueueItem struct {
	Suggestion  engine.Suggestion
	Local       engine.Record
	Upstream    engine.Record
	HasLocal    bool
	HasUpstream bool
}

// DuplicateQuery selects duplicate sets.
type DuplicateQuery struct {
	Pair   string
	Side   engine.Side
	Status engine.ReviewStatus
	ID     int64
	Limit  int
	Offset int
}

// LinkQuery selects links, newest first.
type LinkQuery struct {
	Pair     string
	State    engine.LinkState
	Method   engine.LinkMethod
	Search   Search
	BeforeID int64
	Limit    int
}

// RunQuery selects runs, newest first.
type RunQuery struct {
	Pair   string
	Status engine.RunStatus
	Limit  int
	Offset int
}

// OutcomeQuery selects the outcomes of a run.
type OutcomeQuery struct {
	RunID  int64
	Kind   engine.OutcomeKind
	Reason engine.Reason
	Limit  int
	Offset int
}

// WriteQuery selects outbox rows.
type WriteQuery struct {
	Pair   string
	ID     int64
	RunID  int64
	Status engine.WriteStatus
	Limit  int
	Offset int
}

// AuditQuery selects audit entries, newest first.
type AuditQuery struct {
	Pair   string
	Actor  string
	Action string
	Limit  int
	Offset int
}

// AuditEntry is one audited decision.
type AuditEntry struct {
	ID      int64
	Pair    string
	Actor   string
	Action  string
	Subject string
	Detail  map[string]any
	At      time.Time
}

// OpenWork counts what waits for a person on a pair.
type OpenWork struct {
	Suggestions     int
	Conflicts       int
	ConflictLinks   int
	DuplicateSets   int
	UpstreamDeletes int
	HeldPlans       int
	HeldWrites      int
	DeadLetters     int
	PendingWrites   int
}

// ConnectionCheck is the result of testing one side of a pair.
type ConnectionCheck struct {
	Side    engine.Side
	Label   string // "Local table customers", "Lightspeed X-Series"
	OK      bool
	Auth    bool // the failure is an authorisation failure (needs reconnecting)
	Message string
	Took    time.Duration
}
