package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"text/tabwriter"
	"time"
)

// load runs closed-loop clients against the review queue.
type load struct {
	base, cookie, token string
	api                 bool
	links, suggestions  int
	// think is the mean pause of a client between two pages (a person
	// reading the queue); 0 is a closed loop that asks again at once.
	think time.Duration
}

func (l load) target() string {
	if l.api {
		return l.base + "/api/v1/pairs/main/suggestions"
	}
	return l.base + "/pairs/main/suggestions"
}

// url is the first page half the time, else a page further down the queue.
func (l load) url(rng *rand.Rand) (string, string) {
	if rng.IntN(2) == 0 {
		return l.target(), "first page"
	}
	score := float64(60+rng.IntN(40)) / 100
	id := l.links + 1 + rng.IntN(l.suggestions)
	return fmt.Sprintf("%s?after=%g:%d", l.target(), score, id), "later page"
}

type sample struct {
	kind string
	d    time.Duration
}

type result struct {
	clients  int
	elapsed  time.Duration
	samples  []sample
	errors   int
	firstErr string
	bytes    int64
}

func (l load) run(ctx context.Context, clients int, warmup, duration time.Duration) (result, error) {
	tr := &http.Transport{MaxIdleConns: clients * 2, MaxIdleConnsPerHost: clients * 2, DisableCompression: true}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	req := func(u string) (int64, error) {
		r, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if l.api {
			r.Header.Set("Authorization", "Bearer "+l.token)
		} else {
			r.Header.Set("Cookie", l.cookie)
		}
		res, err := client.Do(r)
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		n, err := io.Copy(io.Discard, res.Body)
		if err == nil && res.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET %s: %s", u, res.Status)
		}
		return n, err
	}
	if _, err := req(l.target()); err != nil {
		return result{}, fmt.Errorf("first request: %w", err)
	}
	start := time.Now()
	measureFrom, end := start.Add(warmup), start.Add(warmup+duration)
	var mu sync.Mutex
	res := result{clients: clients}
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			var mine []sample
			var errs int
			var first string
			var bytes int64
			if l.think > 0 { // spread the clients' first requests over one pause
				time.Sleep(time.Duration(rng.Int64N(int64(l.think))))
			}
			for {
				t0 := time.Now()
				if t0.After(end) {
					break
				}
				u, kind := l.url(rng)
				n, err := req(u)
				d := time.Since(t0)
				switch {
				case t0.Before(measureFrom):
				case err != nil:
					errs++
					if first == "" {
						first = err.Error()
					}
				default:
					bytes += n
					mine = append(mine, sample{kind, d})
				}
				if l.think > 0 {
					time.Sleep(l.think/2 + time.Duration(rng.Int64N(int64(l.think))))
				}
			}
			mu.Lock()
			res.samples = append(res.samples, mine...)
			res.errors += errs
			res.bytes += bytes
			if res.firstErr == "" {
				res.firstErr = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(measureFrom)
	return res, nil
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	i := int(float64(len(ds)-1) * p)
	return ds[i]
}

func (r result) print(w io.Writer) {
	by := map[string][]time.Duration{}
	for _, s := range r.samples {
		by["all"] = append(by["all"], s.d)
		by[s.kind] = append(by[s.kind], s.d)
	}
	fmt.Fprintf(w, "\n%d requests in %s: %.0f requests/s, %d errors, %.1f KiB per page\n", len(r.samples),
		r.elapsed.Round(time.Millisecond), float64(len(r.samples))/r.elapsed.Seconds(), r.errors,
		float64(r.bytes)/float64(max(1, len(r.samples)))/1024)
	if r.firstErr != "" {
		fmt.Fprintf(w, "first error: %s\n", r.firstErr)
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\trequests\tp50\tp90\tp99\tp99.9\tmax\t")
	for _, k := range []string{"all", "first page", "later page"} {
		ds := by[k]
		slices.Sort(ds)
		if len(ds) == 0 {
			continue
		}
		ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t\n", k, len(ds), ms(percentile(ds, 0.5)), ms(percentile(ds, 0.9)),
			ms(percentile(ds, 0.99)), ms(percentile(ds, 0.999)), ms(ds[len(ds)-1]))
	}
	_ = tw.Flush()
}
