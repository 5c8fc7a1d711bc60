package matchers

import "github.com/accordhq/accord/engine"

// BatchOpts configures Link and Dedupe.
type BatchOpts struct {
	// Model scores the pairs. Nil: Train one on the data, unsupervised.
	Model *Model
	// Train configures training when Model is nil.
	Train TrainOpts
	// Suggest is the match probability at or above which a pair is
	// suggested (or joins a duplicate set). Zero means DefaultSuggest.
	Suggest float64
	// Keep is the probability at or above which compared pairs are
	// returned in Result.Scored, for reports and evaluation. Zero keeps
	// only suggested pairs' level (Suggest).
	Keep float64
	// Rejected pairs are never suggested.
	Rejected PairSet
	// Taken records are already linked (automatically or by a person) and
	// are not suggested again. Link only.
	Taken map[engine.Ref]bool
	// MaxSet bounds a duplicate set. Default 20. Dedupe only.
	MaxSet int
}

func (o BatchOpts) withDefaults() BatchOpts {
	if o.Suggest <= 0 {
		o.Suggest = DefaultSuggest
	}
	if o.Keep <= 0 || o.Keep > o.Suggest {
		o.Keep = o.Suggest
	}
	if o.MaxSet <= 0 {
		o.MaxSet = 20
	}
	return o
}

// Result is the outcome of Link or Dedupe.
type Result struct {
	Model    *Model
	Compared int     // candidate pairs compared
	Scored   []Match // compared pairs with probability ≥ Keep, best first
	// Suggestions are the pairs to show a person, with evidence: Link's
	// one-to-one best links, or Dedupe's matches at or above Suggest that
	// fall inside one duplicate set.
	Suggestions []Suggestion
	Sets        [][]string // Dedupe's duplicate sets
}

// Link matches the profiles of two sides (local and upstream) of a pair
// offline: it trains a model unless one is given, compares every pair that
// shares a blocking key, and suggests each record's best link above the
// threshold, one to one. It never links: the deterministic tiers do that,
// and their linked records belong in opts.Taken.
func Link(local, upstream []*Profile, opts BatchOpts) Result {
	opts = opts.withDefaults()
	model, pairs := opts.Model, []candidatePair(nil)
	if model == nil {
		model, pairs = train(local, upstream, opts.Train)
	} else {
		pairs = candidatePairs(local, upstream, opts.Train.Index)
	}
	res := Result{Model: model, Compared: len(pairs), Scored: weighPairs(model, local, upstream, pairs, opts.Keep)}
	byID := profilesByID(local, upstream)
	for _, m := range OneToOne(res.Scored, opts.Suggest, opts.Rejected, opts.Taken) {
		res.Suggestions = append(res.Suggestions, Suggestion{Match: m, Evidence: model.Explain(byID[0][m.A], byID[1][m.B], m)})
	}
	return res
}

// Dedupe finds duplicate sets among the profiles of one side, like Link.
func Dedupe(ps []*Profile, opts BatchOpts) Result {
	opts = opts.withDefaults()
	model, pairs := opts.Model, []candidatePair(nil)
	if model == nil {
		model, pairs = train(ps, ps, opts.Train)
	} else {
		pairs = candidatePairs(ps, ps, opts.Train.Index)
	}
	res := Result{Model: model, Compared: len(pairs), Scored: weighPairs(model, ps, ps, pairs, opts.Keep)}
	res.Sets = DuplicateSets(res.Scored, opts.Suggest, opts.MaxSet, opts.Rejected)
	set := map[string]int{}
	for i, s := range res.Sets {
		for _, id := range s {
			set[id] = i + 1
		}
	}
	byID := profilesByID(ps, nil)
	for _, m := range res.Scored {
		if m.Probability >= opts.Suggest && set[m.A] != 0 && set[m.A] == set[m.B] && !opts.Rejected.Has(m.A, m.B) {
			res.Suggestions = append(res.Suggestions, Suggestion{Match: m, Evidence: model.Explain(byID[0][m.A], byID[0][m.B], m)})
		}
	}
	return res
}

// weighPairs weighs compared pairs and returns those at or above keep,
// best first.
func weighPairs(m *Model, left, right []*Profile, pairs []candidatePair, keep float64) []Match {
	var out []Match
	for _, p := range pairs {
		a, b := left[p.a], right[p.b]
		w := m.weigh(a, p.v)
		if pr := Probability(w); pr >= keep {
			out = append(out, Match{A: a.ID, B: b.ID, Weight: w, Probability: pr, Vector: p.v})
		}
	}
	sortMatches(out)
	return out
}

func profilesByID(left, right []*Profile) [2]map[string]*Profile {
	var out [2]map[string]*Profile
	for i, ps := range [][]*Profile{left, right} {
		out[i] = make(map[string]*Profile, len(ps))
		for _, p := range ps {
			out[i][p.ID] = p
		}
	}
	return out
}
