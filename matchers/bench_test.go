package matchers_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/matchers"
)

// BenchmarkOneAgainstMillion scores one new customer against an index of
// a million synthetic customers (ACCORD_BENCH_N overrides the size), the
// incremental path the engine takes for each changed record: blocking
// lookup, scoring every candidate, explaining the best. It reports the
// latency percentiles of 2,000 lookups; the target is p95 under 50 ms.
// Building the index takes a while and is not timed.
func BenchmarkOneAgainstMillion(b *testing.B) {
	size := 1_000_000
	if s, err := strconv.Atoi(os.Getenv("ACCORD_BENCH_N")); err == nil && s > 0 {
		size = s
	}
	n := newNormalizer(b, "US")
	g := newGenerator(1)
	ix := matchers.NewIndex(matchers.IndexOpts{})
	sample := make([]*matchers.Profile, 0, 20_000)
	var cs []engine.Customer
	for i := range size {
		c := g.customer(strconv.Itoa(i))
		p := n.NewProfile(c)
		ix.Add(p)
		if i%(size/20_000+1) == 0 {
			sample = append(sample, p)
		}
		if i < 2000 {
			cs = append(cs, c)
		}
	}
	model := matchers.Train(sample, sample, matchers.TrainOpts{})
	queries := make([]*matchers.Profile, len(cs))
	for i, c := range cs {
		queries[i] = n.NewProfile(g.variant(c, "new-"+strconv.Itoa(i)))
	}
	b.ResetTimer()
	var lat []time.Duration
	cands := 0
	for b.Loop() {
		lat = lat[:0]
		for _, q := range queries {
			start := time.Now()
			found := ix.Candidates(q)
			ms := model.ScoreCandidates(q, found, matchers.DefaultSuggest)
			if len(ms) > 0 {
				_ = model.Explain(q, ix.Get(ms[0].B), ms[0])
			}
			lat = append(lat, time.Since(start))
			cands += len(found)
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
	b.ReportMetric(float64(cands)/float64(b.N*len(queries)), "candidates/lookup")
	b.Logf("index of %d customers; %d giant keys dropped", ix.Len(), len(ix.GiantKeys()))
}

// BenchmarkDedupeFebrl3 deduplicates FEBRL dataset3 (5,000 records):
// profiles, training, blocking, scoring and duplicate sets.
func BenchmarkDedupeFebrl3(b *testing.B) {
	n := newNormalizer(b, "US")
	ds := loadFebrl(b, 3)
	for b.Loop() {
		matchers.Dedupe(profiles(n, ds), matchers.BatchOpts{})
	}
}

// generator makes synthetic customers with a realistic skew: a few
// hundred given names and surnames, so common names share large blocks.
type generator struct{ r *rand.Rand }

func newGenerator(seed uint64) *generator { return &generator{rand.New(rand.NewPCG(seed, seed))} }

var (
	genFirst = []string{"james", "mary", "john", "patricia", "robert", "jennifer", "michael", "linda", "william", "elizabeth",
		"david", "barbara", "richard", "susan", "joseph", "jessica", "thomas", "sarah", "charles", "karen", "olivia", "liam",
		"emma", "noah", "ava", "oliver", "sophia", "elijah", "isabella", "lucas", "mia", "mason", "amelia", "logan", "harper",
		"ethan", "evelyn", "aiden", "abigail", "jacob", "emily", "jackson", "ella", "sebastian", "grace", "mateo", "chloe",
		"henry", "zoe", "owen", "lily", "leo", "hannah", "jack", "nora", "wyatt", "riley", "luke", "aria", "isaac", "layla"}
	genLast = []string{"smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez", "martinez",
		"hernandez", "lopez", "gonzalez", "wilson", "anderson", "thomas", "taylor", "moore", "jackson", "martin", "lee",
		"perez", "thompson", "white", "harris", "sanchez", "clark", "ramirez", "lewis", "robinson", "walker", "young",
		"allen", "king", "wright", "scott", "torres", "nguyen", "hill", "flores", "green", "adams", "nelson", "baker",
		"hall", "rivera", "campbell", "mitchell", "carter", "roberts", "gomez", "phillips", "evans", "turner", "diaz",
		"parker", "cruz", "edwards", "collins", "reyes", "stewart", "morris", "morales", "murphy", "cook", "rogers"}
	genCity   = []string{"springfield", "riverside", "franklin", "greenville", "bristol", "clinton", "fairview", "salem", "madison", "georgetown"}
	genStreet = []string{"main", "oak", "pine", "maple", "cedar", "elm", "view", "lake", "hill", "park", "washington", "lincoln"}
	genArea   = []string{"212", "310", "415", "512", "617", "713", "206", "303", "404", "503"}
)

func (g *generator) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

func (g *generator) customer(id string) engine.Customer {
	first, last := g.pick(genFirst), g.pick(genLast)
	suffix := 100 + g.r.IntN(900)
	// Surnames get a random suffix letter pair so that a million customers
	// are not all Smiths: real surname lists have a long tail.
	last += string(rune('a'+g.r.IntN(26))) + string(rune('a'+g.r.IntN(26)))
	return engine.Customer{
		ID:        id,
		FirstName: first,
		LastName:  last,
		Email:     fmt.Sprintf("%s.%s%d@example-mail.co", first, last, suffix),
		Phone:     fmt.Sprintf("(%s) %d-%04d", g.pick(genArea), 200+g.r.IntN(700), g.r.IntN(10000)),
		Birthday:  fmt.Sprintf("%d-%02d-%02d", 1940+g.r.IntN(65), 1+g.r.IntN(12), 1+g.r.IntN(28)),
		Address: engine.Address{
			Line1:    fmt.Sprintf("%d %s st", 1+g.r.IntN(999), g.pick(genStreet)),
			City:     g.pick(genCity),
			Postcode: fmt.Sprintf("%05d", 10000+g.r.IntN(80000)),
		},
	}
}

// variant is c retyped: a new id, one typo in the surname, the email
// dropped half the time.
func (g *generator) variant(c engine.Customer, id string) engine.Customer {
	c.ID = id
	if len(c.LastName) > 3 {
		i := 1 + g.r.IntN(len(c.LastName)-2)
		c.LastName = c.LastName[:i] + c.LastName[i+1:]
	}
	if g.r.IntN(2) == 0 {
		c.Email = ""
	}
	return c
}
