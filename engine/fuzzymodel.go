package engine

import (
	"context"
	"errors"
	"fmt"
)

// proposer returns the pair's fuzzy model, once per run: the saved one
// while it is fresh, else one trained now on a sample of both sides and
// saved. A model is stale when it is older than FuzzyOpts.MaxAge, or when
// it was trained on the whole of a side that has since more than doubled
// (a first run against an empty side would otherwise leave a model trained
// on nothing for a month).
func (r *Reconciler) proposer(ctx context.Context, st *runState) (Proposer, error) {
	if st.proposer != nil {
		return st.proposer, nil
	}
	saved, err := r.Store.FuzzyModel(ctx, r.Pair.Name)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return nil, fmt.Errorf("engine: read fuzzy model: %w", err)
	default:
		fresh, err := r.modelFresh(ctx, saved)
		if err != nil {
			return nil, err
		}
		if fresh {
			p, err := r.Fuzzy.Load(saved.Model)
			if err == nil {
				st.proposer = p
				return p, nil
			}
			r.Logger.Warn("saved fuzzy model unusable; training a new one", "pair", r.Pair.Name,
				"run_id", st.run.ID, "err", err)
		}
	}
	return r.trainFuzzy(ctx, st)
}

func (r *Reconciler) modelFresh(ctx context.Context, m FuzzyModel) (bool, error) {
	if r.Now().Sub(m.TrainedAt) > r.FuzzyOpts.MaxAge {
		return false, nil
	}
	for side, sampled := range map[Side]int{Local: m.Local, Upstream: m.Upstream} {
		if sampled >= r.FuzzyOpts.Sample {
			continue
		}
		n, err := r.Store.CountRecords(ctx, r.Pair.Name, side)
		if err != nil {
			return false, fmt.Errorf("engine: count %s records for the fuzzy model: %w", side, err)
		}
		if n > 2*sampled+100 {
			return false, nil
		}
	}
	return true, nil
}

func (r *Reconciler) trainFuzzy(ctx context.Context, st *runState) (Proposer, error) {
	started := r.Now()
	sample := map[Side][]Customer{}
	for _, side := range []Side{Local, Upstream} {
		recs, err := r.Store.SampleRecords(ctx, r.Pair.Name, side, r.FuzzyOpts.Sample)
		if err != nil {
			return nil, fmt.Errorf("engine: sample %s records for the fuzzy model: %w", side, err)
		}
		cs := make([]Customer, len(recs))
		for i, rec := range recs {
			cs[i] = rec.Customer
		}
		sample[side] = cs
	}
	p, data, err := r.Fuzzy.Train(sample[Local], sample[Upstream])
	if err != nil {
		return nil, fmt.Errorf("engine: train fuzzy model: %w", err)
	}
	m := FuzzyModel{Pair: r.Pair.Name, Model: data, TrainedAt: r.Now(),
		Local: len(sample[Local]), Upstream: len(sample[Upstream])}
	if err := r.Store.SaveFuzzyModel(ctx, m); err != nil {
		return nil, fmt.Errorf("engine: save fuzzy model: %w", err)
	}
	r.Logger.Info("fuzzy model trained", "pair", r.Pair.Name, "run_id", st.run.ID,
		"local", m.Local, "upstream", m.Upstream, "duration", r.Now().Sub(started))
	st.proposer = p
	return p, nil
}
