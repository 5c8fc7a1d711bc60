package matchers

import (
	"math"
	"math/rand/v2"
)

// EstimateU sets every comparison's u probabilities from random pairs:
// pairs of profiles drawn from left and right (the same slice to
// deduplicate one side), almost all of which are different customers, so
// the share of pairs at each level is P(level | different customers). This
// is the merchant's own data speaking: in a shop where half the customers
// live in one town, agreeing on that town proves little. pairs bounds the
// work; seed makes the draw repeatable.
//
// The estimate is blended with the current u as if that were uPrior
// random pairs, and a draw counts for no more than the distinct pairs it
// can come from: four records have six pairs, however many times they are
// drawn, and six pairs (most of them perhaps duplicates) must not
// overrule the prior. With thousands of records the data decides.
func (m *Model) EstimateU(left, right []*Profile, pairs int, seed uint64) {
	if len(left) == 0 || len(right) == 0 || pairs <= 0 {
		return
	}
	// Draw in fixed chunks, each with its own generator, so the result is
	// the same whatever the number of cores.
	const chunk = 10_000
	chunks := (pairs + chunk - 1) / chunk
	results := make([][numComparisons][]float64, chunks)
	parallel(chunks, func(k int) {
		r := rand.New(rand.NewPCG(seed, uint64(k)))
		counts := &results[k]
		for i, c := range comparisons {
			counts[i] = make([]float64, len(c.levels))
		}
		for n := min(chunk, pairs-k*chunk); n > 0; n-- {
			a, b := left[r.IntN(len(left))], right[r.IntN(len(right))]
			if a == b {
				continue
			}
			v := Compare(a, b)
			for i, l := range v.Levels {
				counts[i][l]++
			}
		}
	})
	distinct := float64(len(left)) * float64(len(right))
	if sameSlice(left, right) {
		distinct /= 2
	}
	scale := math.Min(1, distinct/float64(pairs))
	for i, c := range comparisons {
		total := make([]float64, len(c.levels))
		for k := range results {
			for l, n := range results[k][i] {
				total[l] += n * scale
			}
		}
		u := m.params[i].U
		for l := 1; l < len(total); l++ {
			total[l] += uPrior * u[l]
		}
		setDistribution(u, total, 0.5)
	}
}

// Prior strengths, in pairs: how much evidence the starting parameters
// count for when blended with estimates. Both are small beside real data
// (a thousand customers give half a million random pairs and hundreds of
// matches) and large beside a toy file.
const (
	uPrior = 1000
	mPrior = 10
)

// setDistribution sets dst[1:] to the smoothed shares of counts[1:]
// (level 0, a missing value, is not a level of agreement).
func setDistribution(dst, counts []float64, smooth float64) {
	total := 0.0
	for l := 1; l < len(counts); l++ {
		total += counts[l] + smooth
	}
	for l := 1; l < len(counts); l++ {
		dst[l] = (counts[l] + smooth) / total
	}
}

// VectorCounts groups identical comparison vectors with their number of
// occurrences, which is all expectation maximisation needs: a few thousand
// distinct vectors stand for millions of pairs.
type VectorCounts map[[numComparisons]uint8]float64

// Add counts one vector.
func (vc VectorCounts) Add(v Vector) { vc[v.Levels]++ }

// EM refines m and Lambda by expectation maximisation over the comparison
// vectors of candidate pairs, keeping u (estimated from random pairs) fixed,
// as Splink does. allPairs is the number of pairs the candidates were
// drawn from (n(n-1)/2 to deduplicate n records, n×k to link two sides):
// pairs that share no blocking key are taken to be different customers,
// so Lambda is the prior of a random pair, consistent with u. Because the
// posterior given a comparison vector does not depend on how the pair was
// selected, the model then scores candidate pairs correctly: agreeing on
// the surname and postcode that put two records in one block is worth
// exactly what it is worth between two random records.
//
// Each round assigns every vector the probability that its pair is one
// customer under the current parameters, then sets each m to the
// probability-weighted share of pairs at each level (blended with the m
// EM started from, as if that were mPrior matched pairs), and Lambda to the
// expected number of matches over allPairs. Comparisons whose value is
// missing in a pair do not count for that comparison. It stops after iters
// rounds or when no parameter moves by more than 1e-6, and returns the
// number of rounds run.
func (m *Model) EM(vc VectorCounts, allPairs float64, iters int) int {
	type row struct {
		lv [numComparisons]uint8
		n  float64
	}
	rows := make([]row, 0, len(vc))
	for lv, n := range vc {
		rows = append(rows, row{lv, n})
	}
	var mc, prior [numComparisons][]float64
	for i, c := range comparisons {
		mc[i] = make([]float64, len(c.levels))
		prior[i] = append([]float64(nil), m.params[i].M...)
	}
	round := 0
	for round < iters {
		round++
		for i := range mc {
			clear(mc[i])
		}
		var matched, total float64
		lp := math.Log(clampProb(m.Lambda)) - math.Log(1-clampProb(m.Lambda))
		for _, r := range rows {
			w := lp
			for i, l := range r.lv {
				if l != levelNull {
					p := m.params[i]
					w += math.Log(clampProb(p.M[l])) - math.Log(clampProb(p.U[l]))
				}
			}
			pm := 1 / (1 + math.Exp(-w))
			matched += pm * r.n
			total += r.n
			for i, l := range r.lv {
				mc[i][l] += pm * r.n
			}
		}
		total = math.Max(total, allPairs)
		moved := math.Abs(matched/total - m.Lambda)
		m.Lambda = matched / total
		for i := range comparisons {
			old := append([]float64(nil), m.params[i].M...)
			for l := 1; l < len(mc[i]); l++ {
				mc[i][l] += mPrior * prior[i][l]
			}
			setDistribution(m.params[i].M, mc[i], 0.01)
			for l := range old {
				moved = math.Max(moved, math.Abs(old[l]-m.params[i].M[l]))
			}
		}
		if moved < 1e-6 {
			break
		}
	}
	return round
}

// Label is a person's decision on a pair: Match true for an approval,
// false for a rejection.
type Label struct {
	A, B  *Profile
	Match bool
}

// LearnLabels sets m from approved pairs: the share of approved pairs at
// each level, blended with the current m by weight prior (the number of
// pseudo-pairs the current m counts for), so that a handful of approvals
// nudges the model and thousands decide it. Rejections are kept for the
// caller's never-suggest-again rule; u stays the random-pair estimate,
// because rejected pairs are the hard cases, not random ones.
func (m *Model) LearnLabels(labels []Label, prior float64) {
	var counts [numComparisons][]float64
	for i, c := range comparisons {
		counts[i] = make([]float64, len(c.levels))
	}
	for _, lb := range labels {
		if !lb.Match {
			continue
		}
		v := Compare(lb.A, lb.B)
		for i, l := range v.Levels {
			counts[i][l]++
		}
	}
	for i := range comparisons {
		p := m.params[i]
		for l := 1; l < len(p.M); l++ {
			counts[i][l] += prior * p.M[l]
		}
		setDistribution(p.M, counts[i], 0.01)
	}
}
