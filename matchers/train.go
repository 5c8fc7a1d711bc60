package matchers

// TrainOpts controls how Train estimates a model.
type TrainOpts struct {
	// UPairs is the number of random pairs drawn to estimate u. Default
	// 100,000: enough to see levels that occur once in ten thousand pairs
	// several times; exact agreement on names, places and companies is
	// weighed by term frequencies anyway.
	UPairs int
	// Seed makes the random pairs repeatable. Default 1.
	Seed uint64
	// EMIterations bounds expectation maximisation. Default 50.
	EMIterations int
	// Index bounds blocking.
	Index IndexOpts
}

func (o TrainOpts) withDefaults() TrainOpts {
	if o.UPairs <= 0 {
		o.UPairs = 100_000
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.EMIterations <= 0 {
		o.EMIterations = 50
	}
	return o
}

// Train estimates a model from a pair's data without labels: term
// frequencies from every profile, u from random pairs between left and
// right, and m and Lambda by expectation maximisation over the pairs that
// share a blocking key. To deduplicate one side, pass the same slice as
// left and right.
func Train(left, right []*Profile, opts TrainOpts) *Model {
	m, _ := train(left, right, opts)
	return m
}

// train is Train that also returns the compared candidate pairs, which the
// batch functions score without comparing again.
func train(left, right []*Profile, opts TrainOpts) (*Model, []candidatePair) {
	opts = opts.withDefaults()
	m := DefaultModel()
	every := left
	if !sameSlice(left, right) {
		every = append(append(make([]*Profile, 0, len(left)+len(right)), left...), right...)
	}
	m.EstimateTF(every)
	m.EstimateU(left, right, opts.UPairs, opts.Seed)
	pairs := candidatePairs(left, right, opts.Index)
	vc := VectorCounts{}
	for _, p := range pairs {
		vc.Add(p.v)
	}
	all := float64(len(left)) * float64(len(right))
	if sameSlice(left, right) {
		all = float64(len(left)) * float64(len(left)-1) / 2
	}
	m.EM(vc, all, opts.EMIterations)
	return m, pairs
}

func sameSlice(a, b []*Profile) bool {
	return len(a) > 0 && len(b) > 0 && &a[0] == &b[0]
}
