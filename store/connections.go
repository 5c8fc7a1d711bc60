package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/accordhq/accord/engine"
)

// connectionRow is an OAuth connection. Sealed is ciphertext: the store is
// given tokens only after they are encrypted, so it can neither leak nor
// log them.
type connectionRow struct {
	Name        string `gorm:"primaryKey"`
	Provider    string
	State       string
	Sealed      []byte
	Generation  int64
	Account     string
	Reason      string
	ConnectedBy string
	ConnectedAt time.Time `gorm:"autoCreateTime:false"`
	RefreshedAt *time.Time
	UpdatedAt   time.Time `gorm:"autoUpdateTime:false"`
}

func (connectionRow) TableName() string { return "connections" }

func (r connectionRow) toEngine() engine.Connection {
	return engine.Connection{Name: r.Name, Provider: r.Provider, State: engine.ConnectionState(r.State),
		Sealed: r.Sealed, Generation: r.Generation, Account: r.Account, Reason: r.Reason,
		ConnectedBy: r.ConnectedBy, ConnectedAt: r.ConnectedAt.UTC(), RefreshedAt: fromNull(r.RefreshedAt),
		UpdatedAt: r.UpdatedAt.UTC()}
}

// Audit actions of connections.
const (
	ActionConnect        = "connection.connect"
	ActionNeedsReauth    = "connection.needs_reauth"
	ActionRepointLink    = "link.repoint"
	ActionUpstreamDelete = "link.upstream_deleted"
	ActionMergeToReview  = "link.merge_review"
)

var _ engine.ConnectionStore = (*DB)(nil)

// FindConnection returns the named connection, or an error wrapping
// engine.ErrNotFound.
func (db *DB) FindConnection(ctx context.Context, name string) (engine.Connection, error) {
	var row connectionRow
	if err := db.orm(ctx).Where("name = ?", name).Take(&row).Error; err != nil {
		return engine.Connection{}, wrapf(err, "find connection %s", name)
	}
	return row.toEngine(), nil
}

// FindConnections returns every connection, by name.
func (db *DB) FindConnections(ctx context.Context) ([]engine.Connection, error) {
	var rows []connectionRow
	if err := db.orm(ctx).Order("name").Find(&rows).Error; err != nil {
		return nil, wrapf(err, "find connections")
	}
	out := make([]engine.Connection, len(rows))
	for i, r := range rows {
		out[i] = r.toEngine()
	}
	return out, nil
}

// SaveConnection stores a new grant and makes the connection active, with
// the next generation. It fails with engine.ErrInvalid without a name,
// provider or sealed token.
func (db *DB) SaveConnection(ctx context.Context, c engine.Connection, actor string) (engine.Connection, error) {
	if c.Name == "" || c.Provider == "" || len(c.Sealed) == 0 {
		return engine.Connection{}, invalidf("save connection %q: name, provider and sealed token are required", c.Name)
	}
	var out connectionRow
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		now := db.now()
		var prev connectionRow
		res := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("name = ?", c.Name).Limit(1).Find(&prev)
		if res.Error != nil {
			return res.Error
		}
		out = connectionRow{Name: c.Name, Provider: c.Provider, State: string(engine.ConnectionActive),
			Sealed: c.Sealed, Generation: prev.Generation + 1, Account: c.Account, ConnectedBy: actor,
			ConnectedAt: now, UpdatedAt: now}
		if res.RowsAffected == 0 {
			if err := tx.Create(&out).Error; err != nil {
				return err
			}
		} else {
			err := tx.Model(&connectionRow{}).Where("name = ?", c.Name).Updates(map[string]any{
				"provider": out.Provider, "state": out.State, "sealed": out.Sealed, "generation": out.Generation,
				"account": out.Account, "reason": "", "connected_by": actor, "connected_at": now,
				"refreshed_at": nil, "updated_at": now,
			}).Error
			if err != nil {
				return err
			}
		}
		return audit(tx, now, c.Name, actor, ActionConnect, "connection:"+c.Name, map[string]any{
			"provider": c.Provider, "account": c.Account, "generation": out.Generation,
			"previous_state": prev.State,
		})
	})
	if err != nil {
		return engine.Connection{}, wrapf(err, "save connection %s", c.Name)
	}
	return out.toEngine(), nil
}

// SaveToken replaces the sealed token of generation gen. A connection that
// needs re-authorisation keeps that state: only a new grant clears it.
func (db *DB) SaveToken(ctx context.Context, name string, gen int64, sealed []byte, at time.Time) error {
	if len(sealed) == 0 {
		return invalidf("save token of %s: empty", name)
	}
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&connectionRow{}).Where("name = ? AND generation = ?", name, gen).
			Updates(map[string]any{"sealed": sealed, "refreshed_at": ts(at), "updated_at": ts(at)})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
			return nil
		}
		var n int64
		if err := tx.Model(&connectionRow{}).Where("name = ?", name).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return engine.ErrNotFound
		}
		return fmt.Errorf("generation %d was replaced by a new grant: %w", gen, engine.ErrConflict)
	})
	return wrapf(err, "save token of connection %s", name)
}

// MarkNeedsReauth records that generation gen was refused, once, audited
// as accord's.
func (db *DB) MarkNeedsReauth(ctx context.Context, name string, gen int64, reason string, at time.Time) error {
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&connectionRow{}).
			Where("name = ? AND generation = ? AND state <> ?", name, gen, string(engine.ConnectionNeedsReauth)).
			Updates(map[string]any{"state": string(engine.ConnectionNeedsReauth), "reason": clip(reason, 500),
				"updated_at": ts(at)})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return audit(tx, ts(at), name, "accord", ActionNeedsReauth, "connection:"+name, map[string]any{
			"generation": gen, "reason": clip(reason, 500),
		})
	})
	return wrapf(err, "mark connection %s as needing re-authorisation", name)
}
