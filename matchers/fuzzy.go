package matchers

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/accordhq/accord/engine"
)

var _ engine.Fuzzy = (*Fuzzy)(nil)

// Fuzzy is fuzzy matching as the engine runs it (engine.Fuzzy): the
// blocking keys of every record (BlockingKeys), and a Model trained on a
// sample of the pair's records that proposes, for one changed record, the
// candidates the engine found through the stored keys. It holds no state
// between calls and is safe for concurrent use; the proposers it returns
// cache the profiles of the records they score.
type Fuzzy struct {
	norm    *Normalizer
	suggest float64
	train   TrainOpts
}

// NewFuzzy returns fuzzy matching that reads phones with n's region and
// proposes the pairs whose match probability is at least suggest (zero
// means DefaultSuggest).
func NewFuzzy(n *Normalizer, suggest float64) *Fuzzy {
	if suggest <= 0 {
		suggest = DefaultSuggest
	}
	return &Fuzzy{norm: n, suggest: suggest}
}

// Blocks returns the blocking keys of c.
func (f *Fuzzy) Blocks(c engine.Customer) []string {
	return BlockingKeys(f.norm.NewProfile(c))
}

// Train estimates a model from samples of both sides (Train), and returns
// it with its JSON form. With one side empty (a first run against a new
// account) the model is estimated within the other side; with both nearly
// empty it is DefaultModel.
func (f *Fuzzy) Train(local, upstream []engine.Customer) (engine.Proposer, []byte, error) {
	l, u := f.profiles(local), f.profiles(upstream)
	var m *Model
	switch {
	case len(l) >= 2 && len(u) >= 2:
		m = Train(l, u, f.train)
	case len(l) >= 2:
		m = Train(l, l, f.train)
	case len(u) >= 2:
		m = Train(u, u, f.train)
	default:
		m = DefaultModel()
	}
	// Expectation maximisation estimates Lambda from the matches it sees;
	// a sample with none (two sides that do not overlap yet, a shop of ten
	// customers) drives it to zero, and then nothing could ever be
	// suggested. The floor assumes that at least MinOverlap of the larger
	// side has a counterpart, which is negligible beside real estimates.
	if n := max(len(l), len(u)); n > 0 {
		m.Lambda = max(m.Lambda, MinOverlap/float64(n))
	}
	data, err := json.Marshal(m)
	if err != nil {
		return nil, nil, fmt.Errorf("matchers: encode model: %w", err)
	}
	return &proposer{m: m, norm: f.norm, suggest: f.suggest}, data, nil
}

// Load restores a model saved by Train. It fails with an error wrapping
// engine.ErrInvalid for a model of another version.
func (f *Fuzzy) Load(model []byte) (engine.Proposer, error) {
	var m Model
	if err := json.Unmarshal(model, &m); err != nil {
		return nil, err
	}
	return &proposer{m: &m, norm: f.norm, suggest: f.suggest}, nil
}

func (f *Fuzzy) profiles(cs []engine.Customer) []*Profile {
	ps := make([]*Profile, len(cs))
	for i, c := range cs {
		ps[i] = f.norm.NewProfile(c)
	}
	return ps
}

// MinOverlap is the smallest share of a side that Fuzzy.Train assumes has a
// counterpart when it bounds a model's prior from below.
const MinOverlap = 0.01

// proposer is a trained model with its threshold.
type proposer struct {
	m       *Model
	norm    *Normalizer
	suggest float64
	cache   profileCache
}

// profileCache keeps the profiles of records recently scored: a batch's
// subjects share many candidates, and parsing a phone number costs more
// than comparing two profiles. A profile is keyed by the record's side, id
// and hash, so a changed record is profiled again.
type profileCache struct {
	mu sync.Mutex
	m  map[string]*Profile
}

// maxCachedProfiles bounds the cache (some hundred bytes each).
const maxCachedProfiles = 100_000

func (p *proposer) profile(r engine.Record) *Profile {
	if r.Hash == "" {
		return p.norm.NewProfile(r.Customer)
	}
	key := string(r.Side) + "\x00" + r.ID + "\x00" + r.Hash
	c := &p.cache
	c.mu.Lock()
	pr, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return pr
	}
	pr = p.norm.NewProfile(r.Customer)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedProfiles {
		c.m = make(map[string]*Profile, 1024)
	}
	c.m[key] = pr
	c.mu.Unlock()
	return pr
}

// Propose scores subject against each candidate and returns, best first
// (ties by id), a proposal for each whose probability is at least the
// threshold, with its per-field evidence. Across sides the pair is scored
// and explained local first, so Left is always the local value and the
// score does not depend on which record changed; on one side the subject
// comes first.
func (p *proposer) Propose(subject engine.Record, candidates []engine.Record) []engine.Proposal {
	s := p.profile(subject)
	var out []engine.Proposal
	for _, c := range candidates {
		if c.Side == subject.Side && c.ID == subject.ID {
			continue
		}
		a, b := s, p.profile(c)
		if subject.Side == engine.Upstream && c.Side == engine.Local {
			a, b = b, a
		}
		sc := p.m.Score(a, b)
		if sc.Probability < p.suggest {
			continue
		}
		out = append(out, engine.Proposal{OtherID: c.ID, Tier: engine.TierFuzzy, Score: sc.Probability,
			Reason: engine.ReasonFuzzy, Evidence: p.m.Explain(a, b, sc)})
	}
	slices.SortStableFunc(out, func(x, y engine.Proposal) int {
		switch {
		case x.Score > y.Score:
			return -1
		case x.Score < y.Score:
			return 1
		}
		return strings.Compare(x.OtherID, y.OtherID)
	})
	return out
}
