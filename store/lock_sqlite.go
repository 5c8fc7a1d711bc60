package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/accordhq/accord/engine"
)

// leaseRow is a pair lock on SQLite, which has no advisory locks.
type leaseRow struct {
	Pair       string `gorm:"primaryKey"`
	Holder     string
	Host       string
	PID        int `gorm:"column:pid"`
	AcquiredAt time.Time
	ExpiresAt  time.Time
}

func (leaseRow) TableName() string { return "pair_leases" }

// takeLease takes the lease row named row for a new holder, unless a live
// holder has it (ErrLocked): an expired lease, or one left by a dead
// process of this host, is taken over.
func (db *DB) takeLease(ctx context.Context, row string) (string, error) {
	holder := newHolderID()
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		now := db.now()
		var cur leaseRow
		err := tx.Where("pair = ?", row).Take(&cur).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
		case err != nil:
			return err
		case cur.ExpiresAt.After(now) && !db.deadHere(cur):
			return fmt.Errorf("held by %s (host %s, pid %d) until %s: %w", cur.Holder, cur.Host, cur.PID,
				cur.ExpiresAt.UTC().Format(time.RFC3339), engine.ErrLocked)
		default:
			if err := tx.Where("pair = ? AND holder = ?", row, cur.Holder).Delete(&leaseRow{}).Error; err != nil {
				return err
			}
		}
		return tx.Create(&leaseRow{Pair: row, Holder: holder, Host: db.opts.Host, PID: db.opts.PID,
			AcquiredAt: now, ExpiresAt: ts(now.Add(db.opts.LeaseTTL))}).Error
	})
	return holder, err
}

// lockLease takes the pair's lease and renews it until unlock. The
// transaction is IMMEDIATE (see sqliteDSN), so two processes checking the
// same lease are serialised by SQLite itself.
func (db *DB) lockLease(ctx context.Context, pair string) (func(context.Context) error, error) {
	holder, err := db.takeLease(ctx, pair)
	if err != nil {
		return nil, wrapf(err, "lock pair %s", pair)
	}

	stop := make(chan struct{})
	done := make(chan struct{})
	go db.heartbeat(pair, holder, stop, done)
	return func(ctx context.Context) error {
		close(stop)
		<-done
		err := db.orm(ctx).Where("pair = ? AND holder = ?", pair, holder).Delete(&leaseRow{}).Error
		return wrapf(err, "unlock pair %s", pair)
	}, nil
}

// heartbeat renews the lease every third of its TTL, so a live run never
// loses it while a crashed one lets it lapse.
func (db *DB) heartbeat(pair, holder string, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(db.opts.LeaseTTL / 3)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), db.opts.LeaseTTL/3)
		res := db.orm(ctx).Model(&leaseRow{}).Where("pair = ? AND holder = ?", pair, holder).
			Update("expires_at", ts(db.now().Add(db.opts.LeaseTTL)))
		cancel()
		switch {
		case res.Error != nil:
			db.log.Warn("store: renew pair lease", "pair", pair, "err", res.Error)
		case res.RowsAffected == 0:
			db.log.Error("store: pair lease lost; another process may run this pair", "pair", pair)
			return
		}
	}
}

// deadHere reports whether a lease belongs to a process of this host that
// no longer exists: a SIGKILLed run must not leave a stuck lock for a TTL.
// A process of another host cannot be checked, so its lease must expire.
func (db *DB) deadHere(l leaseRow) bool {
	if l.Host != db.opts.Host || l.PID <= 0 {
		return false
	}
	return processGone(l.PID)
}

func newHolderID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
