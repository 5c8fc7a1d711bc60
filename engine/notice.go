package engine

import (
	"context"
	"time"
)

// NoticeState is what was last notified about one condition of a pair
// (runs failing, a connection needing re-authorisation, dead letters, a
// held plan, an exhausted budget). Notifications are sent on changes of
// this state only, never on every run.
type NoticeState struct {
	Pair   string
	Kind   string
	Active bool
	// Value is what the condition was measured at: the dead-letter count,
	// the held run's id. Its meaning belongs to the kind.
	Value     int64
	Detail    string
	UpdatedAt time.Time
}

// NoticeStore keeps NoticeStates so that a restarted process, or another
// replica, does not notify the same change again.
type NoticeStore interface {
	// FindNoticeStates returns the pair's states by kind; a kind never
	// stored is absent.
	FindNoticeStates(ctx context.Context, pair string) (map[string]NoticeState, error)
	// SwapNoticeState replaces the state of next.Pair and next.Kind with
	// next if it is still prev (nil: no state stored yet), and reports
	// whether it did. Of several processes swapping the same change, one
	// wins: only the winner notifies.
	SwapNoticeState(ctx context.Context, prev *NoticeState, next NoticeState) (bool, error)
}
