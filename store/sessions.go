package store

import (
	"context"
	"strings"
	"time"
)

// sessionRow is a signed-in browser. The cookie holds a random token; the
// row holds only its SHA-256 hash.
type sessionRow struct {
	TokenHash  string `gorm:"primaryKey"`
	UserID     int64
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`
	ExpiresAt  time.Time
	LastSeenAt time.Time
	RemoteAddr string
	UserAgent  string
}

func (sessionRow) TableName() string { return "sessions" }

// Session is a dashboard session with its user's email.
type Session struct {
	TokenHash  string
	UserID     int64
	Email      string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
	RemoteAddr string
	UserAgent  string
}

// CreateSession stores a session. TokenHash, UserID and ExpiresAt are
// required (engine.ErrInvalid otherwise); a zero CreatedAt is now.
func (db *DB) CreateSession(ctx context.Context, s Session) error {
	if s.TokenHash == "" || s.UserID == 0 || s.ExpiresAt.IsZero() {
		return invalidf("create session: token hash, user and expiry are required")
	}
	now := db.now()
	if s.CreatedAt.IsZero() {
		s.CreatedAt = now
	}
	row := sessionRow{TokenHash: s.TokenHash, UserID: s.UserID, CreatedAt: ts(s.CreatedAt),
		ExpiresAt: ts(s.ExpiresAt), LastSeenAt: ts(s.CreatedAt), RemoteAddr: clip(s.RemoteAddr, 64),
		UserAgent: clip(s.UserAgent, 256)}
	return wrapf(db.orm(ctx).Create(&row).Error, "create session of user %d", s.UserID)
}

// FindSession returns the session whose token hashes to tokenHash, if it
// has not expired at now; otherwise an error wrapping engine.ErrNotFound.
func (db *DB) FindSession(ctx context.Context, tokenHash string, now time.Time) (Session, error) {
	var row struct {
		TokenHash, RemoteAddr, UserAgent, Email string
		UserID                                  int64
		CreatedAt, ExpiresAt, LastSeenAt        time.Time
	}
	res := db.orm(ctx).Table("sessions").
		Select("sessions.token_hash, sessions.user_id, sessions.created_at, sessions.expires_at, sessions.last_seen_at, "+
			"sessions.remote_addr, sessions.user_agent, users.email").
		Joins("JOIN users ON users.id = sessions.user_id").
		Where("sessions.token_hash = ? AND sessions.expires_at > ?", tokenHash, ts(now)).
		Limit(1).Find(&row)
	if res.Error != nil {
		return Session{}, wrapf(res.Error, "find session")
	}
	if res.RowsAffected == 0 {
		return Session{}, notFound("session", "(by token)")
	}
	r := row
	return Session{TokenHash: r.TokenHash, UserID: r.UserID, Email: r.Email, CreatedAt: r.CreatedAt.UTC(),
		ExpiresAt: r.ExpiresAt.UTC(), LastSeenAt: r.LastSeenAt.UTC(), RemoteAddr: r.RemoteAddr,
		UserAgent: r.UserAgent}, nil
}

// ExtendSession moves a session's expiry (a sliding session) and records
// when it was last seen.
func (db *DB) ExtendSession(ctx context.Context, tokenHash string, expires, seen time.Time) error {
	err := db.orm(ctx).Model(&sessionRow{}).Where("token_hash = ?", tokenHash).
		Updates(map[string]any{"expires_at": ts(expires), "last_seen_at": ts(seen)}).Error
	return wrapf(err, "extend session")
}

// DeleteSession ends a session (sign-out). Ending one that does not exist
// is not an error.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	return wrapf(db.orm(ctx).Where("token_hash = ?", tokenHash).Delete(&sessionRow{}).Error, "delete session")
}

// DeleteExpiredSessions removes the sessions that expired before now and
// returns how many.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	res := db.orm(ctx).Where("expires_at <= ?", ts(now)).Delete(&sessionRow{})
	if res.Error != nil {
		return 0, wrapf(res.Error, "delete expired sessions")
	}
	return int(res.RowsAffected), nil
}

// clip bounds a client-supplied string kept for display, and drops
// invalid UTF-8, which Postgres refuses in text columns.
func clip(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "")
}
