package engine

import (
	"context"
	"time"
)

// settle closes the run's writing: it reads back the sides it wrote to, so
// that the cursors move past accord's own writes (an idle run after this one
// costs one call per side) and so that writes with an unknown outcome are
// settled from the feed. A write the feed does not show, read long enough
// after the attempt, did not happen and is retried; one that would need a
// longer wait than MaxSettleWait is left for the next run.
func (r *Reconciler) settle(ctx context.Context, st *runState) error {
	if st.run.DryRun || st.stopped != nil {
		return nil
	}
	for round := 0; round < 3; round++ {
		sides := map[Side]bool{}
		for s, n := range st.wrote {
			if n > 0 {
				sides[s] = true
			}
		}
		unsettled := st.unsettled
		var latest time.Time
		for _, w := range unsettled {
			sides[w.Kind.Target()] = true
			if w.LastAttemptAt.After(latest) {
				latest = w.LastAttemptAt
			}
		}
		if len(sides) == 0 {
			return nil
		}
		if len(unsettled) > 0 {
			// The feed must be read strictly after the settle window.
			wait := latest.Add(r.SettleDelay).Sub(r.Now()) + time.Millisecond
			if wait > r.MaxSettleWait {
				unsettled = nil // left inflight for the next run
			} else if wait > 0 {
				if err := r.Sleep(ctx, wait); err != nil {
					return err
				}
			}
		}
		st.wrote, st.unsettled = map[Side]int{}, nil
		for _, s := range []Side{Upstream, Local} {
			if !sides[s] {
				continue
			}
			if err := r.pull(ctx, st, s); err != nil {
				if at, ok := RetryAfter(err); ok {
					// The side is rate limited: reading back our own
					// writes can wait for the next run, which settles
					// anything still unknown before it retries.
					r.Logger.Warn("read-back deferred: rate limited", "pair", r.Pair.Name,
						"run_id", st.run.ID, "side", s, "until", at)
					return nil
				}
				return err
			}
		}
		if err := r.match(ctx, st); err != nil {
			return err
		}
		if len(unsettled) == 0 {
			continue
		}
		if err := r.apply(ctx, st); err != nil {
			return err
		}
	}
	return nil
}
