package engine

import (
	"context"
	"time"
)

// The tier and reasons of fuzzy matching. Fuzzy evidence is probabilistic:
// it only ever suggests, never links (invariant 4).
const (
	TierFuzzy            Tier   = "fuzzy"
	ReasonFuzzy          Reason = "fuzzy_match"
	ReasonFuzzyDuplicate Reason = "fuzzy_duplicate"
)

// Fuzzy is near matching, for records that share no exact key: blocking
// keys that every stored record carries, and a model trained on the pair's
// own records that scores the records sharing a key. Blocking keys do not
// depend on the model, so records can be keyed before the first model
// exists.
type Fuzzy interface {
	// Blocks returns the blocking keys of c, each prefixed by its rule
	// ("phone:+64215550101"). Only records sharing a key are compared.
	Blocks(c Customer) []string
	// Train estimates a model from a sample of the pair's records and
	// returns it with its serialised form, which the store keeps.
	Train(local, upstream []Customer) (Proposer, []byte, error)
	// Load restores a model saved by Train. An error means the saved model
	// cannot be used (another version); the engine trains a new one.
	Load(model []byte) (Proposer, error)
}

// Proposer scores a subject against candidates with a trained model.
type Proposer interface {
	// Propose returns a proposal for each candidate whose match probability
	// reaches the proposer's threshold, best first (ties by id), with the
	// per-field evidence: Left is the local value across sides, the
	// subject's on one side. The candidates are all on one side: the other
	// side's records are possible links, the subject's own side's are
	// possible duplicates. It must be a pure function of its input.
	Propose(subject Record, candidates []Record) []Proposal
}

// FuzzyModel is a pair's saved fuzzy model.
type FuzzyModel struct {
	Pair  string
	Model []byte
	// TrainedAt is when it was trained; it is trained again when it is
	// older than the reconciler's FuzzyMaxAge.
	TrainedAt time.Time
	// Sampled is how many records of each side it was trained on; a side
	// that has since grown well past its sample gets the model trained
	// again.
	Local, Upstream int
}

// FuzzyStore keeps the blocking index and the model of fuzzy matching.
type FuzzyStore interface {
	// FindBlocks returns, for each of keys, the ids of the records of side
	// that carry it, leaving out keys carried by more than maxBlock records
	// (a placeholder phone, a surname common in one town): they prove
	// little and would make every lookup slow. Keys nobody carries are
	// absent too.
	FindBlocks(ctx context.Context, pair string, side Side, keys []string, maxBlock int) (map[string][]string, error)
	// FuzzyModel returns the pair's saved model, or an error wrapping
	// ErrNotFound.
	FuzzyModel(ctx context.Context, pair string) (FuzzyModel, error)
	// SaveFuzzyModel stores the pair's model, replacing the previous one.
	SaveFuzzyModel(ctx context.Context, m FuzzyModel) error
	// SampleRecords returns up to n live records of side, spread evenly
	// over the side (all of them when it has n or fewer), in a fixed order.
	SampleRecords(ctx context.Context, pair string, side Side, n int) ([]Record, error)
}

// FuzzyOpts bounds fuzzy matching. The zero value takes the defaults.
type FuzzyOpts struct {
	// MaxAge is how long a trained model is used before it is trained
	// again on fresh data. Default 30 days.
	MaxAge time.Duration
	// Sample is how many records of each side a model is trained on.
	// Default 20,000: enough for term frequencies and u probabilities, and
	// training stays within seconds.
	Sample int
	// MaxBlock is the largest number of records of one side a blocking key
	// may join before it is ignored. Default 500.
	MaxBlock int
	// MaxCandidates bounds the records of each side one subject is scored
	// against; beyond it, those sharing the most keys with the subject are
	// kept. Default 300.
	MaxCandidates int
	// Margin: besides the best match on the other side, those whose
	// probability is within Margin of it are suggested too, so that a
	// person sees the alternatives. Default 0.05.
	Margin float64
	// MaxSuggestions bounds the fuzzy suggestions of one subject. Default 3.
	MaxSuggestions int
	// MaxSet bounds the members of one fuzzy duplicate proposal, the
	// subject included, so that a common name cannot build a set nobody
	// could review. Default 10.
	MaxSet int
}

func (o FuzzyOpts) withDefaults() FuzzyOpts {
	if o.MaxAge <= 0 {
		o.MaxAge = 30 * 24 * time.Hour
	}
	if o.Sample <= 0 {
		o.Sample = 20_000
	}
	if o.MaxBlock <= 0 {
		o.MaxBlock = 500
	}
	if o.MaxCandidates <= 0 {
		o.MaxCandidates = 300
	}
	if o.Margin <= 0 {
		o.Margin = 0.05
	}
	if o.MaxSuggestions <= 0 {
		o.MaxSuggestions = 3
	}
	if o.MaxSet < 2 {
		o.MaxSet = 10
	}
	return o
}

// newRecord builds the record of c on side as the engine stores it: with
// its keys, its hash and, when fuzzy matching is on, its blocking keys (none
// for a deleted record, which is never a candidate).
func (r *Reconciler) newRecord(side Side, c Customer, seen time.Time) Record {
	rec := NewRecord(r.Pair.Name, side, c, r.Normalizer, seen)
	if r.Fuzzy != nil {
		rec.Blocks = []string{}
		if !c.Deleted {
			rec.Blocks = append(rec.Blocks, r.Fuzzy.Blocks(c)...)
		}
	}
	return rec
}
