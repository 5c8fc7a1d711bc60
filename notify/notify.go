package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/accordhq/accord/engine"
)

// Kind is a condition of a pair that people are told about.
type Kind string

// Kinds of conditions.
const (
	// RunsFailing: the pair's last finished run failed. Its recovery is
	// notified too.
	RunsFailing Kind = "runs_failing"
	// NeedsReauth: the pair's OAuth connection was refused and a person
	// must connect again.
	NeedsReauth Kind = "needs_reauth"
	// DeadLetters: writes gave up and wait in the dead letters.
	DeadLetters Kind = "dead_letters"
	// PlanHeld: a run's plan exceeded the guard and waits for approval.
	PlanHeld Kind = "plan_held"
	// BudgetExhausted: the pair's last run stopped because the API budget
	// was used up.
	BudgetExhausted Kind = "budget_exhausted"
)

// Kinds lists every kind, in the order they are checked.
var Kinds = []Kind{RunsFailing, NeedsReauth, DeadLetters, PlanHeld, BudgetExhausted}

// Condition is the current state of one kind for one pair, as read from
// the store.
type Condition struct {
	Pair   string
	Kind   Kind
	Active bool
	// Value is what the condition measures: the dead-letter count, the
	// held run's id, the failing run's id.
	Value  int64
	Detail string // for people: the run's error, the connection's reason
}

// Message is one notification.
type Message struct {
	Pair string
	Kind Kind
	// Resolved is true when the message says a condition ended (runs
	// recovered); false when it started.
	Resolved bool
	Subject  string
	Text     string
	Value    int64
	Detail   string
	URL      string // the dashboard page to act on, when known
	At       time.Time
}

// Sender delivers messages on one channel.
type Sender interface {
	// Name names the channel in logs ("email", "webhook").
	Name() string
	// Send delivers m, or returns why it could not.
	Send(ctx context.Context, m Message) error
}

// decide compares the condition c with what was last notified (prev, nil
// when nothing was ever stored) and returns the state to store, whether it
// differs from prev, and whether storing it is a change people are told
// about (and whether that change is a resolution).
func decide(prev *engine.NoticeState, c Condition) (next engine.NoticeState, changed, send, resolved bool) {
	var was engine.NoticeState
	if prev != nil {
		was = *prev
	}
	next = engine.NoticeState{Pair: c.Pair, Kind: string(c.Kind), Active: c.Active, Value: c.Value, Detail: c.Detail}
	switch c.Kind {
	case DeadLetters:
		// Active means "notified, and nobody has acted since".
		switch {
		case c.Value > was.Value && !was.Active:
			next.Active, send = true, true
		case c.Value > was.Value:
			next.Active = true // more on top of an unacknowledged notice
		default:
			// The same or fewer: a drop means a person retried or
			// discarded some, which acknowledges the notice.
			next.Active = was.Active && c.Value == was.Value
		}
	case PlanHeld:
		if !c.Active {
			next.Value = 0
		}
		send = c.Active && (!was.Active || was.Value != c.Value) // each held plan once
	case RunsFailing:
		if !c.Active {
			next.Value = was.Value // keep the failing run's id: a recovery does not move it
		}
		send = c.Active != was.Active
		resolved = send && !c.Active
	default: // NeedsReauth, BudgetExhausted: the start is news, the end is not
		send = c.Active && !was.Active
	}
	changed = prev == nil && (next.Active || next.Value != 0) ||
		prev != nil && (next.Active != was.Active || next.Value != was.Value)
	return next, changed, send && changed, resolved
}

// message words the notification of condition c.
func message(c Condition, resolved bool, at time.Time, baseURL string) Message {
	m := Message{Pair: c.Pair, Kind: c.Kind, Resolved: resolved, Value: c.Value, Detail: c.Detail, At: at}
	page := ""
	switch {
	case c.Kind == RunsFailing && resolved:
		m.Subject = fmt.Sprintf("accord: %s runs have recovered", c.Pair)
		m.Text = fmt.Sprintf("The last run of sync %q succeeded again.", c.Pair)
		page = "/runs"
	case c.Kind == RunsFailing:
		m.Subject = fmt.Sprintf("accord: %s runs are failing", c.Pair)
		m.Text = fmt.Sprintf("Run %d of sync %q failed. Later runs are retried on schedule; "+
			"you will hear again when one succeeds.", c.Value, c.Pair)
		page = fmt.Sprintf("/runs/%d", c.Value)
	case c.Kind == NeedsReauth:
		m.Subject = fmt.Sprintf("accord: %s needs to be reconnected", c.Pair)
		m.Text = fmt.Sprintf("The point-of-sale connection of sync %q was refused. Its runs are paused "+
			"until someone connects it again from the dashboard.", c.Pair)
		page = "/connections"
	case c.Kind == DeadLetters:
		m.Subject = fmt.Sprintf("accord: %s has %d dead letter(s)", c.Pair, c.Value)
		m.Text = fmt.Sprintf("%d write(s) of sync %q gave up and wait in the dead letters. "+
			"Retry or discard them in the dashboard.", c.Value, c.Pair)
		page = "/outbox?status=dead"
	case c.Kind == PlanHeld:
		m.Subject = fmt.Sprintf("accord: %s has a plan waiting for approval", c.Pair)
		m.Text = fmt.Sprintf("Run %d of sync %q planned more writes than its guard allows. "+
			"Nothing was written; approve or reject the plan in the dashboard.", c.Value, c.Pair)
		page = "/plans"
	case c.Kind == BudgetExhausted:
		m.Subject = fmt.Sprintf("accord: %s used up its API budget", c.Pair)
		m.Text = fmt.Sprintf("Sync %q stopped because its API budget is used up. "+
			"Runs resume when the budget renews.", c.Pair)
		page = "/settings"
	}
	if baseURL != "" && page != "" {
		m.URL = baseURL + "/pairs/" + c.Pair + page
	}
	return m
}
