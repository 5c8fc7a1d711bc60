package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

// withOverrides applies the policy overrides saved in the dashboard
// (schedule, guard, budget) to a pair's configuration. A pair never changed
// in the dashboard keeps its configured values.
func withOverrides(ctx context.Context, db *store.DB, p PairConfig) (PairConfig, error) {
	s, err := db.FindPairSettings(ctx, p.Name)
	if errors.Is(err, engine.ErrNotFound) {
		return p, nil
	}
	if err != nil {
		return p, fmt.Errorf("pairs.%s: read dashboard settings: %w", p.Name, err)
	}
	return applyOverrides(p, s), nil
}

func applyOverrides(p PairConfig, s store.PairSettings) PairConfig {
	if s.Schedule != nil {
		p.Schedule = *s.Schedule
	}
	if s.MaxCreates != nil {
		p.Guard.MaxCreates = ptr(*s.MaxCreates)
	}
	if s.MaxPercent != nil {
		p.Guard.MaxPercent = ptr(*s.MaxPercent)
	}
	if s.CallsPerDay != nil {
		p.Budget.CallsPerDay = *s.CallsPerDay
	}
	return p
}

// engineGuard is the guard a pair's configuration sets.
func engineGuard(p PairConfig) engine.Guard {
	return engine.Guard{MaxCreates: *p.Guard.MaxCreates, MaxPercent: *p.Guard.MaxPercent}
}
