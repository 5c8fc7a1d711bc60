package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrBudgetExhausted: a connection used up its API budget for the day or
// the month. It comes wrapped with a RetryAfterError naming when the budget
// renews; the run stops cleanly and the next one resumes.
var ErrBudgetExhausted = errors.New("API budget used up")

// Budget caps the API calls of one connection. Zero means no cap.
type Budget struct {
	PerDay   int64
	PerMonth int64
}

// UsageStore keeps API usage per connection, per UTC day and month.
type UsageStore interface {
	// Usage returns the calls counted for the day and the month of at.
	Usage(ctx context.Context, conn string, at time.Time) (day, month int64, err error)
	// AddUsage counts n calls in the day and the month of at.
	AddUsage(ctx context.Context, conn string, at time.Time, n int64) error
}

// Meter charges every API call of a connection to its budget before the
// call is sent, so pulls, creations, retries and sweeps share one budget,
// across runs and processes (the count is in the store).
type Meter struct {
	Conn   string
	Budget Budget
	Store  UsageStore
	Now    func() time.Time

	mu sync.Mutex
}

// Take reserves one call. When the budget is used up it returns an error
// wrapping ErrBudgetExhausted and a RetryAfterError with the start of the
// next day or month (UTC), and nothing is counted.
func (m *Meter) Take(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now
	if m.Now != nil {
		now = m.Now
	}
	at := now().UTC()
	day, month, err := m.Store.Usage(ctx, m.Conn, at)
	if err != nil {
		return fmt.Errorf("engine: API usage of %s: %w", m.Conn, err)
	}
	var over string
	var renews time.Time
	switch {
	case m.Budget.PerMonth > 0 && month >= m.Budget.PerMonth:
		over, renews = fmt.Sprintf("%d calls this month", m.Budget.PerMonth),
			time.Date(at.Year(), at.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	case m.Budget.PerDay > 0 && day >= m.Budget.PerDay:
		over, renews = fmt.Sprintf("%d calls today", m.Budget.PerDay),
			time.Date(at.Year(), at.Month(), at.Day()+1, 0, 0, 0, 0, time.UTC)
	}
	if over != "" {
		return &RetryAfterError{After: renews,
			Err: fmt.Errorf("%s: %w of %s (UTC)", m.Conn, ErrBudgetExhausted, over)}
	}
	if err := m.Store.AddUsage(ctx, m.Conn, at, 1); err != nil {
		return fmt.Errorf("engine: count API call of %s: %w", m.Conn, err)
	}
	return nil
}
