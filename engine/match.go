package engine

// Tier names the deterministic evidence used to link, strongest first.
type Tier string

// Deterministic tiers.
const (
	TierExternalID  Tier = "external_id"
	TierEmail       Tier = "email"
	TierAccountCode Tier = "account_code"
)

// Tiers lists the deterministic tiers in the order they are tried.
var Tiers = []Tier{TierExternalID, TierEmail, TierAccountCode}

// Candidate is a record that matched a subject on some key, with what the
// engine knows about it.
type Candidate struct {
	Record
	// LinkedTo is the id, on the subject's side, of the record this
	// candidate is already linked to ("" if unlinked).
	LinkedTo string
	// Pending is true while a creation for this record is in flight.
	Pending bool
	// Rivals are the records on the subject's side, other than the subject,
	// that this candidate also matches, per tier. They reveal ambiguity that
	// the subject's own keys cannot show.
	Rivals map[Tier][]string
}

// Candidates is everything the matcher may look at for one subject. The
// engine has already removed deleted records, rejected pairs and the subject
// itself.
type Candidates struct {
	Subject Record
	// Other holds the candidates on the other side, per tier.
	Other map[Tier][]Candidate
	// Same holds other records on the subject's own side that share the
	// subject's email or account code, per tier.
	Same map[Tier][]Candidate
}

// Proposal is one proposed pairing of the subject with another record.
type Proposal struct {
	OtherID  string
	Tier     Tier
	Score    float64
	Reason   Reason
	Evidence Evidence
}

// DuplicateProposal proposes that records on one side are one customer.
type DuplicateProposal struct {
	Side     Side
	IDs      []string
	Reason   Reason
	Evidence Evidence
}

// Decision is a matcher's verdict for one subject.
//
// Link is set only on unambiguous evidence (invariant 4). Otherwise
// Suggestions and Duplicates hold what a person should review; Reason says
// why there is no link. A decision with none of the three means the subject
// matches nothing on the other side.
type Decision struct {
	Link        *Proposal
	Suggestions []Proposal
	Duplicates  []DuplicateProposal
	Reason      Reason
}

// Unmatched reports whether the subject matched nothing and is in no
// duplicate set.
func (d Decision) Unmatched() bool {
	return d.Link == nil && len(d.Suggestions) == 0 && len(d.Duplicates) == 0
}

// Matcher decides one subject from its candidates. It must be a pure
// function of its input.
type Matcher func(c Candidates) Decision
