package notify

import (
	"testing"

	"github.com/accordhq/accord/engine"
)

func TestDecide(t *testing.T) {
	t.Parallel()
	st := func(kind Kind, active bool, v int64) *engine.NoticeState {
		return &engine.NoticeState{Pair: "main", Kind: string(kind), Active: active, Value: v}
	}
	cases := []struct {
		name                    string
		prev                    *engine.NoticeState
		cond                    Condition
		changed, send, resolved bool
		wantActive              bool
		wantValue               int64
	}{
		{"first success stores nothing", nil, Condition{Kind: RunsFailing, Value: 3}, false, false, false, false, 0},
		{"runs start failing", nil, Condition{Kind: RunsFailing, Active: true, Value: 4}, true, true, false, true, 4},
		{"still failing: quiet", st(RunsFailing, true, 4), Condition{Kind: RunsFailing, Active: true, Value: 5}, true, false, false, true, 5},
		{"recovery is news", st(RunsFailing, true, 5), Condition{Kind: RunsFailing, Value: 6}, true, true, true, false, 5},
		{"still fine: nothing", st(RunsFailing, false, 5), Condition{Kind: RunsFailing, Value: 7}, false, false, false, false, 5},

		{"first dead letter", nil, Condition{Kind: DeadLetters, Active: true, Value: 1}, true, true, false, true, 1},
		{"same dead letters: nothing", st(DeadLetters, true, 1), Condition{Kind: DeadLetters, Active: true, Value: 1}, false, false, false, true, 1},
		{"more, unacknowledged: quiet", st(DeadLetters, true, 1), Condition{Kind: DeadLetters, Active: true, Value: 3}, true, false, false, true, 3},
		{"a person acted: acknowledged", st(DeadLetters, true, 3), Condition{Kind: DeadLetters, Active: true, Value: 2}, true, false, false, false, 2},
		{"growth after acknowledgement", st(DeadLetters, false, 2), Condition{Kind: DeadLetters, Active: true, Value: 3}, true, true, false, true, 3},
		{"all cleared", st(DeadLetters, true, 3), Condition{Kind: DeadLetters}, true, false, false, false, 0},
		{"appear again after clearing", st(DeadLetters, false, 0), Condition{Kind: DeadLetters, Active: true, Value: 1}, true, true, false, true, 1},

		{"plan held", nil, Condition{Kind: PlanHeld, Active: true, Value: 9}, true, true, false, true, 9},
		{"same plan still held", st(PlanHeld, true, 9), Condition{Kind: PlanHeld, Active: true, Value: 9}, false, false, false, true, 9},
		{"another plan held", st(PlanHeld, true, 9), Condition{Kind: PlanHeld, Active: true, Value: 12}, true, true, false, true, 12},
		{"plan decided", st(PlanHeld, true, 12), Condition{Kind: PlanHeld, Value: 12}, true, false, false, false, 0},

		{"needs reauth", nil, Condition{Kind: NeedsReauth, Active: true, Value: 2}, true, true, false, true, 2},
		{"reconnected: quiet", st(NeedsReauth, true, 2), Condition{Kind: NeedsReauth}, true, false, false, false, 0},
		{"budget used up", st(BudgetExhausted, false, 0), Condition{Kind: BudgetExhausted, Active: true, Value: 8}, true, true, false, true, 8},
		{"budget still used up", st(BudgetExhausted, true, 8), Condition{Kind: BudgetExhausted, Active: true, Value: 10}, true, false, false, true, 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.cond.Pair = "main"
			next, changed, send, resolved := decide(tc.prev, tc.cond)
			if changed != tc.changed || send != tc.send || resolved != tc.resolved {
				t.Errorf("changed, send, resolved = %v %v %v; want %v %v %v", changed, send, resolved,
					tc.changed, tc.send, tc.resolved)
			}
			if changed && (next.Active != tc.wantActive || next.Value != tc.wantValue) {
				t.Errorf("next = active %v value %d; want %v %d", next.Active, next.Value, tc.wantActive, tc.wantValue)
			}
		})
	}
}
