package main

import (
	"context"
	"sync"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/metric"
	"github.com/accordhq/accord/store"
)

// metricSource reads the store's counts for the metrics collector. Runs
// are summed incrementally: a run that ended for good (any status but
// running and held, whose status still changes) is folded into totals once,
// and each scrape reads only the runs after the last one folded.
type metricSource struct {
	cfg Config
	db  *store.DB

	mu     sync.Mutex
	mark   int64                    // every run up to this id is in totals
	totals map[[2]string]*runTotals // by pair and status
}

type runTotals struct {
	runs     int
	calls    int64
	outcomes engine.Counts
}

func (t *runTotals) add(r engine.Run) {
	t.runs++
	t.calls += r.APICalls
	for k, rs := range r.Counts {
		for reason, n := range rs {
			t.outcomes.Add(k, reason, n)
		}
	}
}

// settledAfter is how old a run must be before it is folded: a run row
// whose insert committed after a later one's (two replicas) is not skipped.
const settledAfter = time.Minute

func (s *metricSource) Snapshot(ctx context.Context) (metric.Snapshot, error) {
	var snap metric.Snapshot
	runs, err := s.runTallies(ctx)
	if err != nil {
		return snap, err
	}
	snap.Runs = runs
	depth, err := s.db.OutboxDepth(ctx)
	if err != nil {
		return snap, err
	}
	for pair, byStatus := range depth {
		for st, n := range byStatus {
			snap.Outbox = append(snap.Outbox, metric.OutboxCount{Pair: pair, Status: string(st), Writes: n})
		}
	}
	now := time.Now()
	for _, p := range s.cfg.Pairs {
		eff, err := withOverrides(ctx, s.db, p)
		if err != nil {
			return snap, err
		}
		// The budget meter's connection key (see buildPair).
		day, month, err := s.db.Usage(ctx, p.Name+":upstream", now)
		if err != nil {
			return snap, err
		}
		snap.Budgets = append(snap.Budgets,
			metric.BudgetUse{Pair: p.Name, Period: "day", Used: day, Limit: int64(eff.Budget.CallsPerDay)},
			metric.BudgetUse{Pair: p.Name, Period: "month", Used: month, Limit: int64(eff.Budget.CallsPerMonth)})
	}
	return snap, nil
}

// runTallies returns the finished runs summed by pair and status.
func (s *metricSource) runTallies(ctx context.Context) ([]metric.RunTally, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.totals == nil {
		s.totals = map[[2]string]*runTotals{}
	}
	recent := map[[2]string]*runTotals{} // ended, but not folded yet
	folding := true
	cutoff := time.Now().Add(-settledAfter)
	err := s.db.EachRunAfter(ctx, s.mark, func(r engine.Run) error {
		final := r.Status != engine.RunRunning && r.Status != engine.RunHeld
		folding = folding && final && r.StartedAt.Before(cutoff)
		if r.Status == engine.RunRunning {
			return nil
		}
		into := recent
		if folding {
			into, s.mark = s.totals, r.ID
		}
		key := [2]string{r.Pair, string(r.Status)}
		if into[key] == nil {
			into[key] = &runTotals{outcomes: engine.Counts{}}
		}
		into[key].add(r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	merged := map[[2]string]*runTotals{}
	for _, m := range []map[[2]string]*runTotals{s.totals, recent} {
		for k, t := range m {
			if merged[k] == nil {
				merged[k] = &runTotals{outcomes: engine.Counts{}}
			}
			merged[k].runs += t.runs
			merged[k].calls += t.calls
			for kind, rs := range t.outcomes {
				for reason, n := range rs {
					merged[k].outcomes.Add(kind, reason, n)
				}
			}
		}
	}
	out := make([]metric.RunTally, 0, len(merged))
	for k, t := range merged {
		rt := metric.RunTally{Pair: k[0], Provider: s.provider(k[0]), Status: k[1], Runs: t.runs, APICalls: t.calls,
			Outcomes: map[string]map[string]int{}}
		for kind, rs := range t.outcomes {
			m := map[string]int{}
			for reason, n := range rs {
				m[string(reason)] = n
			}
			rt.Outcomes[string(kind)] = m
		}
		out = append(out, rt)
	}
	return out, nil
}

// provider names the upstream type of a configured pair ("" for a pair the
// store remembers but the configuration no longer has).
func (s *metricSource) provider(pair string) string {
	p, _ := s.cfg.pair(pair)
	return p.Upstream.Type
}
