package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/accordhq/accord/engine"
)

// apiTokenRow is a bearer token of the JSON API, stored as a SHA-256 hash.
type apiTokenRow struct {
	ID         int64 `gorm:"primaryKey"`
	UserID     int64
	Name       string
	TokenHash  string
	Prefix     string
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

func (apiTokenRow) TableName() string { return "api_tokens" }

// APIToken is an API token as shown to people: never the token itself.
type APIToken struct {
	ID         int64
	UserID     int64
	Email      string // the owner's
	Name       string
	Prefix     string
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// Audit actions of API tokens and settings.
const (
	ActionCreateToken  = "token.create"
	ActionRevokeToken  = "token.revoke"
	ActionSaveSettings = "settings.save"
)

func (r apiTokenRow) toToken(email string) APIToken {
	return APIToken{ID: r.ID, UserID: r.UserID, Email: email, Name: r.Name, Prefix: r.Prefix,
		CreatedAt: r.CreatedAt.UTC(), LastUsedAt: fromNull(r.LastUsedAt), RevokedAt: fromNull(r.RevokedAt)}
}

// CreateAPIToken stores a new token of a user, by its hash, and audits it.
// It fails with engine.ErrInvalid when the name or hash is empty and
// engine.ErrNotFound for an unknown user.
func (db *DB) CreateAPIToken(ctx context.Context, userID int64, name, tokenHash, prefix string) (APIToken, error) {
	if name == "" || tokenHash == "" {
		return APIToken{}, invalidf("create API token: name and hash are required")
	}
	var out APIToken
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		now := db.now()
		var u userRow
		if err := tx.Where("id = ?", userID).Take(&u).Error; err != nil {
			return err
		}
		row := apiTokenRow{UserID: userID, Name: clip(name, 100), TokenHash: tokenHash, Prefix: prefix, CreatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		out = row.toToken(u.Email)
		return audit(tx, now, "", u.Email, ActionCreateToken, fmt.Sprintf("token:%d", row.ID),
			map[string]any{"name": row.Name, "prefix": prefix})
	})
	if err != nil {
		return APIToken{}, wrapf(err, "create API token of user %d", userID)
	}
	return out, nil
}

// FindAPIToken returns the unrevoked token whose hash is tokenHash, with
// its owner's email, or an error wrapping engine.ErrNotFound.
func (db *DB) FindAPIToken(ctx context.Context, tokenHash string) (APIToken, error) {
	var row struct {
		ID, UserID                     int64
		Name, Prefix, Email, TokenHash string
		CreatedAt                      time.Time
		LastUsedAt, RevokedAt          *time.Time
	}
	res := db.orm(ctx).Table("api_tokens").
		Select("api_tokens.id, api_tokens.user_id, api_tokens.name, api_tokens.prefix, api_tokens.token_hash, "+
			"api_tokens.created_at, api_tokens.last_used_at, api_tokens.revoked_at, users.email").
		Joins("JOIN users ON users.id = api_tokens.user_id").
		Where("api_tokens.token_hash = ? AND api_tokens.revoked_at IS NULL", tokenHash).Limit(1).Find(&row)
	if res.Error != nil {
		return APIToken{}, wrapf(res.Error, "find API token")
	}
	if res.RowsAffected == 0 {
		return APIToken{}, notFound("API token", "(by hash)")
	}
	return apiTokenRow{ID: row.ID, UserID: row.UserID, Name: row.Name, Prefix: row.Prefix, TokenHash: row.TokenHash,
		CreatedAt: row.CreatedAt, LastUsedAt: row.LastUsedAt, RevokedAt: row.RevokedAt}.toToken(row.Email), nil
}

// FindAPITokens returns a user's tokens, revoked ones included, newest
// first.
func (db *DB) FindAPITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	var rows []apiTokenRow
	if err := db.orm(ctx).Where("user_id = ?", userID).Order("id DESC").Find(&rows).Error; err != nil {
		return nil, wrapf(err, "find API tokens of user %d", userID)
	}
	out := make([]APIToken, len(rows))
	for i, r := range rows {
		out[i] = r.toToken("")
	}
	return out, nil
}

// TouchAPIToken records when a token was last used.
func (db *DB) TouchAPIToken(ctx context.Context, id int64, at time.Time) error {
	err := db.orm(ctx).Model(&apiTokenRow{}).Where("id = ?", id).Update("last_used_at", ts(at)).Error
	return wrapf(err, "touch API token %d", id)
}

// RevokeAPIToken revokes one of a user's tokens and audits it. It fails
// with engine.ErrNotFound when the user has no such token and
// engine.ErrConflict when it is already revoked.
func (db *DB) RevokeAPIToken(ctx context.Context, userID, id int64) error {
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		now := db.now()
		var row apiTokenRow
		if err := tx.Where("id = ? AND user_id = ?", id, userID).Take(&row).Error; err != nil {
			return err
		}
		if row.RevokedAt != nil {
			return fmt.Errorf("token is already revoked: %w", engine.ErrConflict)
		}
		if err := tx.Model(&apiTokenRow{}).Where("id = ?", id).Update("revoked_at", now).Error; err != nil {
			return err
		}
		var u userRow
		if err := tx.Where("id = ?", userID).Take(&u).Error; err != nil {
			return err
		}
		return audit(tx, now, "", u.Email, ActionRevokeToken, fmt.Sprintf("token:%d", id),
			map[string]any{"name": row.Name, "prefix": row.Prefix})
	})
	return wrapf(err, "revoke API token %d", id)
}
