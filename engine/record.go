package engine

import "time"

// Keys are a customer's normalised matching keys. Normalisation is done by
// the Normalizer that cmd/accord wires in (package matchers), so that the
// engine stays free of locale rules.
type Keys struct {
	Email       string // lower-cased, trimmed
	Phone       string // E.164, or "" when the number cannot be parsed
	Mobile      string // E.164
	Name        string // Unicode-folded "first last"
	Postcode    string
	AccountCode string
}

// Record is the last state accord has seen of one customer on one side.
type Record struct {
	Pair string
	Side Side
	Customer
	Keys Keys
	// Blocks are the record's fuzzy blocking keys (Fuzzy.Blocks), set by
	// the engine when fuzzy matching is on. The store replaces a record's
	// stored keys with them when it stores the record; nil means they were
	// not computed and the stored keys are kept, while an empty non-nil
	// slice removes them (a deleted record).
	Blocks []string
	Hash   string
	SeenAt time.Time
}

// Ref names one record on one side.
type Ref struct {
	Side Side
	ID   string
}

// Quarantined is a provider record accord could not read. It is stored with
// its reason and shown in the run; the run goes on without it.
type Quarantined struct {
	ID     string // the record's id if it could be read, else ""
	Reason string
	Raw    []byte
}

// Normalizer turns customers into matching keys and field values into the
// form compared when looking for conflicts.
type Normalizer interface {
	// Keys computes the matching keys of c.
	Keys(c Customer) Keys
	// Value returns the comparable form of value for the canonical field
	// (an E.164 phone, a case-folded email, a folded name, ...).
	Value(field, value string) string
}

// NewRecord builds the record of c on side with its keys and hash.
func NewRecord(pair string, side Side, c Customer, n Normalizer, seen time.Time) Record {
	return Record{Pair: pair, Side: side, Customer: c, Keys: n.Keys(c), Hash: c.Hash(), SeenAt: seen}
}
