package matchers

import (
	"runtime"
	"sync"
)

// candidatePair is a pair of indexes into the left and right profiles.
type candidatePair struct {
	a, b int32
	v    Vector
}

// candidatePairs returns every pair of a left and a right profile that
// share a blocking key, compared. To deduplicate one side, pass the same
// slice twice: each pair is then returned once, with a < b. The work is
// spread over the machine's cores; the result's order is fixed.
func candidatePairs(left, right []*Profile, opts IndexOpts) []candidatePair {
	dedupe := sameSlice(left, right)
	ix := NewIndex(opts)
	at := make(map[*Profile]int32, len(right))
	for i, p := range right {
		ix.Add(p)
		at[p] = int32(i)
	}
	workers := runtime.GOMAXPROCS(0)
	parts := make([][]candidatePair, workers)
	parallel(workers, func(w int) {
		var out []candidatePair
		for i := w; i < len(left); i += workers {
			a := left[i]
			for _, c := range ix.Candidates(a) {
				j := at[c]
				if dedupe && j <= int32(i) {
					continue
				}
				out = append(out, candidatePair{a: int32(i), b: j, v: Compare(a, c)})
			}
		}
		parts[w] = out
	})
	var all []candidatePair
	for _, p := range parts {
		all = append(all, p...)
	}
	sortPairs(all)
	return all
}

// parallel runs f(0) ... f(n-1) on up to GOMAXPROCS goroutines and waits
// for them.
func parallel(n int, f func(int)) {
	workers := min(n, runtime.GOMAXPROCS(0))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				f(k)
			}
		}()
	}
	for k := range n {
		next <- k
	}
	close(next)
	wg.Wait()
}
