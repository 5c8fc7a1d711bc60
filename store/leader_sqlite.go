package store

import (
	"context"
	"fmt"

	"github.com/accordhq/accord/engine"
)

// leaseName is the role's row in the lease table. A colon cannot appear in
// a pair name, so a role never shares a pair's lease.
func leaseName(role string) string { return "accord:leader:" + role }

// leaderLease takes the role as a lease row, like a pair lease but renewed
// by the election's own checks rather than by a heartbeat of its own, so
// that a failed renewal is seen by the election at once. The transaction is
// IMMEDIATE (see sqliteDSN): two processes taking the lease are serialised
// by SQLite itself.
func (db *DB) leaderLease(ctx context.Context, name string) (leaderLock, error) {
	row := leaseName(name)
	holder, err := db.takeLease(ctx, row)
	if err != nil {
		return leaderLock{}, wrapf(err, "lead %s", name)
	}
	renew := func(ctx context.Context) error {
		res := db.orm(ctx).Model(&leaseRow{}).Where("pair = ? AND holder = ?", row, holder).
			Update("expires_at", ts(db.now().Add(db.opts.LeaseTTL)))
		switch {
		case res.Error != nil:
			return wrapf(res.Error, "renew leadership of %s", name)
		case res.RowsAffected == 0:
			return fmt.Errorf("store: renew leadership of %s: the lease was taken over: %w", name, engine.ErrLocked)
		}
		return nil
	}
	free := func(ctx context.Context) error {
		err := db.orm(ctx).Where("pair = ? AND holder = ?", row, holder).Delete(&leaseRow{}).Error
		return wrapf(err, "resign %s", name)
	}
	return leaderLock{verify: renew, free: free, drop: free}, nil
}
