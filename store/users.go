package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// userRow is a person who may sign in to the dashboard.
type userRow struct {
	ID           int64 `gorm:"primaryKey"`
	Email        string
	PasswordHash string
	CreatedAt    time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt    time.Time `gorm:"autoUpdateTime:false"`
	LastLoginAt  *time.Time
}

func (userRow) TableName() string { return "users" }

// User is a dashboard user. PasswordHash is a bcrypt hash; the store never
// sees a password.
type User struct {
	ID           int64
	Email        string
	PasswordHash string
	CreatedAt    time.Time
	LastLoginAt  time.Time
}

func (r userRow) toUser() User {
	return User{ID: r.ID, Email: r.Email, PasswordHash: r.PasswordHash, CreatedAt: r.CreatedAt.UTC(),
		LastLoginAt: fromNull(r.LastLoginAt)}
}

// normEmail is the form emails are stored and looked up in, so one person
// cannot hold two accounts that differ only in case.
func normEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CreateUser adds a user with a bcrypt password hash. It fails with
// engine.ErrInvalid for an empty email or hash and engine.ErrConflict when
// the email is taken.
func (db *DB) CreateUser(ctx context.Context, email, passwordHash string) (User, error) {
	email = normEmail(email)
	if email == "" || passwordHash == "" {
		return User{}, invalidf("create user %q: email and password hash are required", email)
	}
	now := db.now()
	row := userRow{Email: email, PasswordHash: passwordHash, CreatedAt: now, UpdatedAt: now}
	if err := db.orm(ctx).Create(&row).Error; err != nil {
		return User{}, wrapf(err, "create user %s", email)
	}
	return row.toUser(), nil
}

// SetUserPassword replaces a user's password hash and ends their sessions,
// so a changed password signs out every browser. It fails with
// engine.ErrNotFound for an unknown email.
func (db *DB) SetUserPassword(ctx context.Context, email, passwordHash string) error {
	email = normEmail(email)
	if passwordHash == "" {
		return invalidf("set password of %s: empty hash", email)
	}
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		var u userRow
		if err := tx.Where("email = ?", email).Take(&u).Error; err != nil {
			return err
		}
		err := tx.Model(&userRow{}).Where("id = ?", u.ID).
			Updates(map[string]any{"password_hash": passwordHash, "updated_at": db.now()}).Error
		if err != nil {
			return err
		}
		return tx.Where("user_id = ?", u.ID).Delete(&sessionRow{}).Error
	})
	return wrapf(err, "set password of %s", email)
}

// FindUserByEmail returns the user with that email (in any case), or an
// error wrapping engine.ErrNotFound.
func (db *DB) FindUserByEmail(ctx context.Context, email string) (User, error) {
	var row userRow
	if err := db.orm(ctx).Where("email = ?", normEmail(email)).Take(&row).Error; err != nil {
		return User{}, wrapf(err, "find user %s", normEmail(email))
	}
	return row.toUser(), nil
}

// CountUsers counts the dashboard's users.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int64
	if err := db.orm(ctx).Model(&userRow{}).Count(&n).Error; err != nil {
		return 0, wrapf(err, "count users")
	}
	return int(n), nil
}

// NoteLogin records a successful sign-in.
func (db *DB) NoteLogin(ctx context.Context, userID int64, at time.Time) error {
	err := db.orm(ctx).Model(&userRow{}).Where("id = ?", userID).Update("last_login_at", ts(at)).Error
	return wrapf(err, "note login of user %d", userID)
}
