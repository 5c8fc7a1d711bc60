package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/accordhq/accord/engine"
)

// oauthStateRow is an authorization in progress, or a one-time link that
// starts one, by the hash of the value the browser holds.
type oauthStateRow struct {
	Hash      string `gorm:"primaryKey"`
	Kind      string
	Pair      string
	Provider  string
	Sealed    []byte
	Actor     string
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
	ExpiresAt time.Time
}

func (oauthStateRow) TableName() string { return "oauth_states" }

var _ engine.OAuthStateStore = (*DB)(nil)

// SaveOAuthState stores s, and drops states that expired, so abandoned
// authorizations do not pile up. It fails with engine.ErrInvalid without a
// hash or an expiry, and engine.ErrConflict for a hash already stored.
func (db *DB) SaveOAuthState(ctx context.Context, s engine.OAuthState) error {
	if s.Hash == "" || s.ExpiresAt.IsZero() || (s.Kind != "state" && s.Kind != "ticket") {
		return invalidf("save oauth %s: hash, kind and expiry are required", s.Kind)
	}
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		now := db.now()
		if err := tx.Where("expires_at < ?", now).Delete(&oauthStateRow{}).Error; err != nil {
			return err
		}
		created := s.CreatedAt
		if created.IsZero() {
			created = now
		}
		return tx.Create(&oauthStateRow{Hash: s.Hash, Kind: s.Kind, Pair: s.Pair, Provider: s.Provider,
			Sealed: s.Sealed, Actor: s.Actor, CreatedAt: ts(created), ExpiresAt: ts(s.ExpiresAt)}).Error
	})
	return wrapf(err, "save oauth %s for %s", s.Kind, s.Pair)
}

// TakeOAuthState deletes the state and returns it when it had not expired.
// The delete decides who takes it: of two concurrent callbacks with one
// state, only one gets it.
func (db *DB) TakeOAuthState(ctx context.Context, kind, hash string, now time.Time) (engine.OAuthState, error) {
	var rows []oauthStateRow
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		return tx.Clauses(clause.Returning{}).Where("hash = ? AND kind = ?", hash, kind).Delete(&rows).Error
	})
	if err != nil {
		return engine.OAuthState{}, wrapf(err, "take oauth %s", kind)
	}
	if len(rows) == 0 || !ts(now).Before(rows[0].ExpiresAt) {
		return engine.OAuthState{}, notFound("oauth "+kind, "(unknown, used or expired)")
	}
	r := rows[0]
	return engine.OAuthState{Hash: r.Hash, Kind: r.Kind, Pair: r.Pair, Provider: r.Provider, Sealed: r.Sealed,
		Actor: r.Actor, CreatedAt: r.CreatedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC()}, nil
}
