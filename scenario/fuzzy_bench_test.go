package scenario

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/matchers"
	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/store/storetest"
)

// memSide is an in-memory side for benchmarks: its first pull returns every
// customer, later pulls return what was added since. It creates what it is
// asked to, at once.
type memSide struct {
	mu    sync.Mutex
	cs    []engine.Customer
	next  int
	calls int64
}

func (m *memSide) Pull(_ context.Context, cursor string) (engine.Page, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls++
	from := 0
	if cursor != "" {
		fmt.Sscan(cursor, &from)
	}
	from = min(from, len(m.cs))
	page := engine.Page{Customers: slices.Clone(m.cs[from:]), Done: true}
	if len(m.cs) > from {
		page.Cursor = fmt.Sprint(len(m.cs))
	}
	return page, nil
}

func (m *memSide) Get(context.Context, string) (engine.Customer, error) {
	return engine.Customer{}, engine.ErrNotFound
}

func (m *memSide) Create(_ context.Context, c engine.Customer, _ string) (engine.Customer, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.next++
	c.ID = fmt.Sprintf("new%08d", m.next)
	c.Version = 1
	m.cs = append(m.cs, c)
	return c, nil
}

func (m *memSide) Validate(c engine.Customer) error {
	if c.FirstName == "" && c.LastName == "" {
		return fmt.Errorf("name: %w", engine.ErrIncomplete)
	}
	return nil
}

func (m *memSide) Calls() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.calls
}

func (m *memSide) add(cs ...engine.Customer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cs = append(m.cs, cs...)
}

// people generates synthetic customers with a realistic spread of names,
// towns and phones: 300 given names, 1,000 surnames, 60 towns with 20
// postcodes each.
type people struct{ r *rand.Rand }

var (
	benchFirst = syllableNames(300, 11)
	benchLast  = syllableNames(1000, 23)
	benchTowns = syllableNames(60, 37)
)

func syllableNames(n int, seed uint64) []string {
	syl := []string{"ka", "ri", "to", "ne", "ma", "lo", "su", "an", "el", "mo", "ra", "di", "ve", "ho", "tu", "pe", "li", "ga", "no", "wi"}
	r := rand.New(rand.NewPCG(seed, 1))
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		var b strings.Builder
		for range 2 + r.IntN(2) {
			b.WriteString(syl[r.IntN(len(syl))])
		}
		s := strings.ToUpper(b.String()[:1]) + b.String()[1:]
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func (p people) person(id string) engine.Customer {
	r := p.r
	first, last := benchFirst[r.IntN(len(benchFirst))], benchLast[r.IntN(len(benchLast))]
	town := r.IntN(len(benchTowns))
	return engine.Customer{ID: id, FirstName: first, LastName: last,
		Email: fmt.Sprintf("%s.%s%d@mail%d.nz", strings.ToLower(first), strings.ToLower(last), r.IntN(1000), r.IntN(5)),
		Phone: fmt.Sprintf("02%d %03d %04d", r.IntN(10), r.IntN(1000), r.IntN(10000)),
		Address: engine.Address{Line1: fmt.Sprintf("%d %s Street", 1+r.IntN(200), benchLast[r.IntN(len(benchLast))]),
			City: benchTowns[town], Postcode: fmt.Sprintf("%04d", 1000+town*20+r.IntN(20))},
		Birthday: fmt.Sprintf("%d-%02d-%02d", 1940+r.IntN(65), 1+r.IntN(12), 1+r.IntN(28)),
		Version:  1}
}

// typo changes one letter of s (not the first).
func (p people) typo(s string) string {
	if len(s) < 3 {
		return s + "x"
	}
	i := 1 + p.r.IntN(len(s)-2)
	return s[:i] + string(rune('a'+p.r.IntN(26))) + s[i+1:]
}

// nearCopy is c as retyped elsewhere: a typo in the email and sometimes in
// the surname, the rest the same.
func (p people) nearCopy(c engine.Customer, id string) engine.Customer {
	c.ID = id
	local, domain, _ := strings.Cut(c.Email, "@")
	c.Email = p.typo(local) + "@" + domain
	if p.r.IntN(3) == 0 {
		c.LastName = p.typo(c.LastName)
	}
	return c
}

func benchReconciler(tb testing.TB, db *store.DB, local, upstream *memSide) *engine.Reconciler {
	tb.Helper()
	norm, err := matchers.NewNormalizer("NZ")
	if err != nil {
		tb.Fatal(err)
	}
	return &engine.Reconciler{
		Pair: engine.Pair{Name: pairName, CreateUpstream: true, CreateLocal: true,
			Fields: []string{engine.FieldFirstName, engine.FieldLastName, engine.FieldEmail, engine.FieldPhone}},
		Local: local, Upstream: upstream, Store: db, Match: matchers.Deterministic, Normalizer: norm,
		Fuzzy: matchers.NewFuzzy(norm, matchers.DefaultSuggest), BatchSize: 1000,
	}
}

// BenchmarkFuzzyFirstRun5000 is a first run of 5,000 local against 5,000
// upstream customers: 1,500 of them are the same people with the same
// email (linked), 1,500 the same people retyped (a typo in the email,
// sometimes in the surname: fuzzy suggestions), the rest distinct on each
// side (created on the other side). It reports the run's time and the
// suggestions it made.
//
// Creations are off, so the run is pulling and matching; the exact
// variant, without fuzzy matching, is the baseline.
func BenchmarkFuzzyFirstRun5000(b *testing.B) {
	for _, v := range []struct {
		dialect string
		fuzzy   bool
	}{{"sqlite", false}, {"sqlite", true}, {"postgres", false}, {"postgres", true}} {
		name := v.dialect + "/exact"
		if v.fuzzy {
			name = v.dialect + "/fuzzy"
		}
		dialect := v.dialect
		b.Run(name, func(b *testing.B) {
			var sugg, fuzzy, correct, dups, linked int
			for b.Loop() {
				b.StopTimer()
				db := benchStore(b, dialect)
				p := people{rand.New(rand.NewPCG(5, 5))}
				local, upstream := &memSide{}, &memSide{}
				for i := range 5000 {
					c := p.person(fmt.Sprintf("L%05d", i))
					local.add(c)
					switch {
					case i < 1500:
						c.ID = fmt.Sprintf("U%05d", i)
						upstream.add(c)
					case i < 3000:
						upstream.add(p.nearCopy(c, fmt.Sprintf("U%05d", i)))
					default:
						upstream.add(p.person(fmt.Sprintf("U%05d", i)))
					}
				}
				rec := benchReconciler(b, db, local, upstream)
				rec.Pair.CreateUpstream, rec.Pair.CreateLocal = false, false
				if !v.fuzzy {
					rec.Fuzzy = nil
				}
				b.StartTimer()
				run, err := rec.Run(context.Background(), engine.RunOptions{Trigger: "bench"})
				b.StopTimer()
				if err != nil || run.Status != engine.RunSucceeded {
					b.Fatalf("run: %v %+v", err, run)
				}
				ss, _, err := db.FindSuggestions(context.Background(), store.SuggestionFilter{Pair: pairName})
				if err != nil {
					b.Fatal(err)
				}
				sugg, fuzzy, correct = len(ss), 0, 0
				for _, s := range ss {
					if s.Reason == engine.ReasonFuzzy {
						fuzzy++
						if s.LocalID[1:] == s.UpstreamID[1:] { // L01234 is U01234 retyped
							correct++
						}
					}
				}
				ds, _, err := db.FindDuplicateSets(context.Background(), store.DuplicateFilter{Pair: pairName})
				if err != nil {
					b.Fatal(err)
				}
				dups, linked = len(ds), run.Counts.Kind(engine.OutcomeLinked)
				b.StartTimer()
			}
			b.ReportMetric(float64(sugg), "suggestions")
			b.ReportMetric(float64(fuzzy), "fuzzy")
			b.ReportMetric(float64(correct), "fuzzy-correct")
			b.ReportMetric(float64(dups), "dupsets")
			b.ReportMetric(float64(linked), "linked")
		})
	}
}

func benchStore(b *testing.B, dialect string) *store.DB {
	b.Helper()
	if dialect == "postgres" {
		return storetest.OpenPostgres(b)
	}
	return storetest.OpenSQLite(b)
}

// BenchmarkFuzzyOneAgainstMillion stores 1,000,000 upstream customers with
// their blocking keys (Postgres only: it is the production store at that
// size), then runs the pair once per new local customer, half of them
// retyped copies of stored customers. It reports the p50 and p95 of a whole
// incremental run, of the same run without fuzzy matching, and of fuzzy
// matching's queries (blocking index and candidates); the share of
// retyped copies and of new people that got a suggestion; and the seeding
// rate.
//
//	ACCORD_TEST_DATABASE_URL=postgres://... go test -run '^$' -bench FuzzyOneAgainstMillion -benchtime 200x ./scenario/
func BenchmarkFuzzyOneAgainstMillion(b *testing.B) {
	const stored, page = 1_000_000, 2000
	dsn := storetest.PostgresDSN(b)
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	norm, _ := matchers.NewNormalizer("NZ")
	fz := matchers.NewFuzzy(norm, matchers.DefaultSuggest)
	p := people{rand.New(rand.NewPCG(7, 7))}
	all := make([]engine.Customer, 0, stored)
	started := time.Now()
	for i := 0; i < stored; i += page {
		sp := engine.SavePage{Pair: pairName, Side: engine.Upstream, At: started}
		for j := i; j < i+page; j++ {
			c := p.person(fmt.Sprintf("U%07d", j))
			all = append(all, c)
			rec := engine.NewRecord(pairName, engine.Upstream, c, norm, started)
			rec.Blocks = fz.Blocks(c)
			sp.Records = append(sp.Records, rec)
		}
		if _, err := db.SavePage(ctx, sp); err != nil {
			b.Fatal(err)
		}
	}
	seed := time.Since(started)
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, `UPDATE records SET dirty = false; ANALYZE records; ANALYZE record_keys`); err != nil {
		b.Fatal(err)
	}
	var keys int64
	if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM record_keys`).Scan(&keys); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d records with %d keys in %s (%.0f records/s)", stored, keys, seed.Round(time.Second),
		float64(stored)/seed.Seconds())

	local, upstream := &memSide{}, &memSide{}
	rec := benchReconciler(b, db, local, upstream)
	rec.Pair.CreateUpstream = false // time matching, not the fake's creations
	timed := &timedStore{DB: db}
	rec.Store = timed
	// The first run trains the model on a sample of 20,000.
	local.add(p.person("L0000000"))
	t0 := time.Now()
	if _, err := rec.Run(ctx, engine.RunOptions{}); err != nil {
		b.Fatal(err)
	}
	b.Logf("first run with training: %s", time.Since(t0).Round(time.Millisecond))

	// Subjects alternate: a retyped copy of a stored customer and a new
	// person, each matched with fuzzy matching on, then a new person with
	// it off (the baseline of an incremental run on this store).
	var runs, lookups, exact []time.Duration
	var copies, copiesSuggested, fresh, freshSuggested int
	n := 0
	for b.Loop() {
		n++
		var c engine.Customer
		isCopy := n%2 == 0
		if isCopy {
			c = p.nearCopy(all[p.r.IntN(stored)], fmt.Sprintf("L%07d", n))
		} else {
			c = p.person(fmt.Sprintf("L%07d", n))
		}
		local.add(c)
		timed.reset()
		t := time.Now()
		run, err := rec.Run(ctx, engine.RunOptions{})
		if err != nil {
			b.Fatal(err)
		}
		runs = append(runs, time.Since(t))
		lookups = append(lookups, timed.total())
		got := run.Counts.Kind(engine.OutcomeSuggested) > 0
		if isCopy {
			copies++
			if got {
				copiesSuggested++
			}
		} else {
			fresh++
			if got {
				freshSuggested++
			}
		}

		rec.Fuzzy = nil
		local.add(p.person(fmt.Sprintf("X%07d", n)))
		t = time.Now()
		if _, err := rec.Run(ctx, engine.RunOptions{}); err != nil {
			b.Fatal(err)
		}
		exact = append(exact, time.Since(t))
		rec.Fuzzy = fz
	}
	b.ReportMetric(pct(runs, 50), "run-p50-ms")
	b.ReportMetric(pct(runs, 95), "run-p95-ms")
	b.ReportMetric(pct(exact, 50), "exact-run-p50-ms")
	b.ReportMetric(pct(exact, 95), "exact-run-p95-ms")
	b.ReportMetric(pct(lookups, 50), "fuzzy-lookup-p50-ms")
	b.ReportMetric(pct(lookups, 95), "fuzzy-lookup-p95-ms")
	b.ReportMetric(float64(copiesSuggested)/float64(max(copies, 1)), "copies-suggested")
	b.ReportMetric(float64(freshSuggested)/float64(max(fresh, 1)), "new-suggested")
}

func pct(ds []time.Duration, p int) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return float64(s[(len(s)-1)*p/100].Microseconds()) / 1000
}

// timedStore adds up the time spent in fuzzy matching's store queries.
type timedStore struct {
	*store.DB
	mu  sync.Mutex
	sum time.Duration
}

func (s *timedStore) reset() { s.mu.Lock(); s.sum = 0; s.mu.Unlock() }

func (s *timedStore) total() time.Duration { s.mu.Lock(); defer s.mu.Unlock(); return s.sum }

func (s *timedStore) add(t time.Time) { s.mu.Lock(); s.sum += time.Since(t); s.mu.Unlock() }

func (s *timedStore) FindBlocks(ctx context.Context, pair string, side engine.Side, keys []string, maxBlock int) (map[string][]string, error) {
	defer s.add(time.Now())
	return s.DB.FindBlocks(ctx, pair, side, keys, maxBlock)
}

// FindRecords by id is fuzzy matching's candidate fetch: the subjects here
// are unlinked and the sweep is off, so nothing else reads by id.
func (s *timedStore) FindRecords(ctx context.Context, pair string, side engine.Side, key engine.Key, values []string) ([]engine.Record, error) {
	if key == engine.KeyID {
		defer s.add(time.Now())
	}
	return s.DB.FindRecords(ctx, pair, side, key, values)
}
