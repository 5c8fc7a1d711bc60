package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// fuzzyStore is an in-memory Store with just what matching reads. Any other
// method panics on the nil embedded interface, so a test fails loudly if
// matching starts to write outside its batch.
type fuzzyStore struct {
	Store
	recs       map[Side][]Record
	links      []Link
	rejections []Rejection
	decided    map[string][]string // local id → decided-with ids
	model      *FuzzyModel
	saved      int
}

func (f *fuzzyStore) FindRecords(_ context.Context, _ string, side Side, k Key, values []string) ([]Record, error) {
	var out []Record
	for _, r := range f.recs[side] {
		if v := keyOf(r, k); v != "" && slices.Contains(values, v) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (f *fuzzyStore) LinksFor(_ context.Context, _ string, side Side, ids []string) ([]Link, error) {
	var out []Link
	for _, l := range f.links {
		if slices.Contains(ids, l.SideID(side)) {
			out = append(out, l)
		}
	}
	return out, nil
}

func (f *fuzzyStore) Rejections(_ context.Context, _ string, side Side, ids []string) ([]Rejection, error) {
	var out []Rejection
	for _, rj := range f.rejections {
		if (rj.A.Side == side && slices.Contains(ids, rj.A.ID)) || (rj.B.Side == side && slices.Contains(ids, rj.B.ID)) {
			out = append(out, rj)
		}
	}
	return out, nil
}

func (f *fuzzyStore) Blocked(context.Context, string, Side, []string) (map[string]Reason, error) {
	return map[string]Reason{}, nil
}

func (f *fuzzyStore) DecidedTogether(_ context.Context, _ string, side Side, ids []string) (map[string][]string, error) {
	out := map[string][]string{}
	if side == Local {
		for _, id := range ids {
			if d, ok := f.decided[id]; ok {
				out[id] = d
			}
		}
	}
	return out, nil
}

func (f *fuzzyStore) FindBlocks(_ context.Context, _ string, side Side, keys []string, maxBlock int) (map[string][]string, error) {
	out := map[string][]string{}
	for _, r := range f.recs[side] {
		for _, k := range r.Blocks {
			if slices.Contains(keys, k) {
				out[k] = append(out[k], r.ID)
			}
		}
	}
	for k, ids := range out {
		if len(ids) > maxBlock {
			delete(out, k)
		}
	}
	return out, nil
}

func (f *fuzzyStore) FuzzyModel(context.Context, string) (FuzzyModel, error) {
	if f.model == nil {
		return FuzzyModel{}, ErrNotFound
	}
	return *f.model, nil
}

func (f *fuzzyStore) SaveFuzzyModel(_ context.Context, m FuzzyModel) error {
	f.model = &m
	f.saved++
	return nil
}

func (f *fuzzyStore) SampleRecords(_ context.Context, _ string, side Side, n int) ([]Record, error) {
	return f.recs[side][:min(n, len(f.recs[side]))], nil
}

func (f *fuzzyStore) CountRecords(_ context.Context, _ string, side Side) (int, error) {
	return len(f.recs[side]), nil
}

// fakeFuzzy blocks on the surname's first two letters and scores by the
// fixed scores of a table, keyed by the other record's id; pairs without a
// score are below the threshold.
type fakeFuzzy struct {
	scores  map[string]float64
	trained int
	loaded  int
}

func (f *fakeFuzzy) Blocks(c Customer) []string {
	if len(c.LastName) < 2 {
		return nil
	}
	return []string{"sn:" + strings.ToLower(c.LastName[:2])}
}

func (f *fakeFuzzy) Train(local, upstream []Customer) (Proposer, []byte, error) {
	f.trained++
	return f, []byte(fmt.Sprintf("trained on %d+%d", len(local), len(upstream))), nil
}

func (f *fakeFuzzy) Load([]byte) (Proposer, error) {
	f.loaded++
	return f, nil
}

func (f *fakeFuzzy) Propose(s Record, cands []Record) []Proposal {
	var out []Proposal
	for _, c := range cands {
		if sc, ok := f.scores[c.ID]; ok && c.ID != s.ID {
			out = append(out, Proposal{OtherID: c.ID, Tier: TierFuzzy, Score: sc, Reason: ReasonFuzzy,
				Evidence: Evidence{Rule: "fuzzy", Score: sc, Fields: []FieldEvidence{{Field: FieldLastName,
					Left: s.LastName, Right: c.LastName, Weight: 4}}}})
		}
	}
	slices.SortFunc(out, func(a, b Proposal) int {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(a.OtherID, b.OtherID)
	})
	return out
}

// emailMatcher links on a single other-side email candidate and otherwise
// decides no_match, which is all these tests need of a deterministic tier.
func emailMatcher(c Candidates) Decision {
	if cs := c.Other[TierEmail]; len(cs) == 1 && cs[0].LinkedTo == "" {
		return Decision{Link: &Proposal{OtherID: cs[0].ID, Tier: TierEmail, Score: 0.95}, Reason: ReasonEmail}
	}
	return Decision{Reason: ReasonNoMatch}
}

type validator struct{ Connector }

func (validator) Validate(c Customer) error {
	if c.FirstName == "" && c.LastName == "" {
		return fmt.Errorf("name: %w", ErrIncomplete)
	}
	return nil
}

type fuzzyBundle struct {
	st    *fuzzyStore
	fz    *fakeFuzzy
	r     *Reconciler
	state *runState
}

func fuzzySetup(t *testing.T) fuzzyBundle {
	t.Helper()
	st := &fuzzyStore{recs: map[Side][]Record{}, decided: map[string][]string{}}
	fz := &fakeFuzzy{scores: map[string]float64{}}
	r := &Reconciler{Pair: testPair, Local: validator{}, Upstream: validator{}, Store: st,
		Match: emailMatcher, Normalizer: testNormalizer{}, Fuzzy: fz,
		Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }}
	if err := r.defaults(); err != nil {
		t.Fatal(err)
	}
	return fuzzyBundle{st: st, fz: fz, r: r, state: &runState{run: &Run{ID: 7}, linked: map[Ref]bool{}}}
}

// add stores customers on side as the engine would have pulled them.
func (fb fuzzyBundle) add(side Side, cs ...Customer) []Record {
	var out []Record
	for _, c := range cs {
		rec := fb.r.newRecord(side, c, time.Time{})
		fb.st.recs[side] = append(fb.st.recs[side], rec)
		out = append(out, rec)
	}
	return out
}

// decide runs matching on subjects of side as one batch.
func (fb fuzzyBundle) decide(t *testing.T, side Side, subjects []Record) Batch {
	t.Helper()
	ctx := context.Background()
	lk, err := fb.r.load(ctx, side, subjects)
	if err != nil {
		t.Fatal(err)
	}
	if err := fb.r.loadFuzzy(ctx, fb.state, side, subjects, lk); err != nil {
		t.Fatal(err)
	}
	return fb.r.decideBatch(fb.state, side, subjects, lk)
}

func person(id, first, last, email string) Customer {
	return Customer{ID: id, FirstName: first, LastName: last, Email: email}
}

func outcomeOf(b Batch, id string) Outcome {
	for _, o := range b.Outcomes {
		if o.RecordID == id {
			return o
		}
	}
	return Outcome{}
}

func suggestionPairs(b Batch) []string {
	var out []string
	for _, s := range b.Suggestions {
		out = append(out, s.LocalID+"|"+s.UpstreamID+"|"+string(s.Reason))
	}
	slices.Sort(out)
	return out
}

func TestFuzzySuggestsNeverLinksAndHoldsTheSubject(t *testing.T) {
	t.Parallel()
	fb := fuzzySetup(t)
	fb.add(Upstream,
		person("U1", "Ann", "Lee", "ann@pos.nz"),   // the best match
		person("U2", "Anne", "Lee", "anne@pos.nz"), // within the margin of the best
		person("U3", "A", "Lee", "a@pos.nz"),       // a match, but well below the best
		person("U4", "Ann", "Leeds", ""),           // linked to another local record
		person("U5", "Ann", "Leigh", ""),           // rejected with L1 by a person
		Customer{ID: "U6", FirstName: "Ann", LastName: "Lee", Deleted: true},
		person("U7", "Ann", "Lennox", ""), // linked earlier in this batch
	)
	subjects := fb.add(Local,
		person("L0", "Lena", "Lennox", "lena@shop.nz"),
		person("L1", "Ann", "Lee", "ann.lee@shop.nz"),
		person("L9", "Zed", "Quux", "zed@shop.nz"),
	)
	fb.st.recs[Upstream][6].Email = "lena@shop.nz" // L0 links to U7 by email
	fb.st.recs[Upstream][6].Keys.Email = "lena@shop.nz"
	fb.st.links = []Link{{ID: 1, LocalID: "L8", UpstreamID: "U4", State: LinkActive}}
	fb.st.rejections = []Rejection{{A: Ref{Local, "L1"}, B: Ref{Upstream, "U5"}}}
	fb.fz.scores = map[string]float64{"U1": 0.93, "U2": 0.90, "U3": 0.70, "U4": 0.99, "U5": 0.99, "U6": 0.99, "U7": 0.99}

	b := fb.decide(t, Local, subjects)

	if len(b.Links) != 1 || b.Links[0].LocalID != "L0" || b.Links[0].UpstreamID != "U7" {
		t.Fatalf("links = %+v, want only the email link L0|U7", b.Links)
	}
	want := []string{"L1|U1|fuzzy_match", "L1|U2|fuzzy_match"}
	if got := suggestionPairs(b); !slices.Equal(got, want) {
		t.Fatalf("suggestions = %v, want %v", got, want)
	}
	for _, s := range b.Suggestions {
		if s.Evidence.Rule != "fuzzy" || len(s.Evidence.Fields) == 0 || s.Score < 0.9 {
			t.Errorf("suggestion without its evidence: %+v", s)
		}
	}
	for _, w := range b.Writes {
		if w.SourceID == "L1" {
			t.Fatal("the subject of a fuzzy suggestion was planned for creation")
		}
	}
	if o := outcomeOf(b, "L1"); o.Kind != OutcomeSuggested || o.Reason != ReasonFuzzy {
		t.Errorf("L1 outcome = %+v, want suggested fuzzy_match", o)
	}
	// No fuzzy match: created as usual.
	if o := outcomeOf(b, "L9"); o.Kind != OutcomePlanned {
		t.Errorf("L9 outcome = %+v, want planned", o)
	}
	// The linked subject was not scored at all: the fake scores U7 0.99.
	if o := outcomeOf(b, "L0"); o.Kind != OutcomeLinked {
		t.Errorf("L0 outcome = %+v, want linked", o)
	}
	if fb.fz.trained != 1 || fb.st.saved != 1 || fb.st.model == nil || fb.st.model.Local != 3 || fb.st.model.Upstream != 7 {
		t.Errorf("trained %d, saved %d (%+v), want one model of 3+7 records", fb.fz.trained, fb.st.saved, fb.st.model)
	}
}

func TestFuzzyDuplicateSets(t *testing.T) {
	t.Parallel()
	fb := fuzzySetup(t)
	fb.fz.scores = map[string]float64{"L2": 0.95, "L3": 0.8, "L4": 0.97, "L5": 0.9}
	subjects := fb.add(Local,
		person("L1", "Ann", "Lee", "ann@shop.nz"),
		person("L2", "Ann", "Leigh", "ann.l@shop.nz"),
		person("L3", "Anne", "Lee", "anne@shop.nz"),
		person("L4", "Ann", "Lees", "lees@shop.nz"), // dismissed together with L1
	)
	fb.add(Local, person("L5", "Ann", "Lee", "al@shop.nz")) // stored, unchanged
	fb.st.decided = map[string][]string{"L1": {"L4"}, "L4": {"L1"}}
	fb.r.FuzzyOpts.MaxSet = 3

	b := fb.decide(t, Local, subjects[:1])

	if len(b.Duplicates) != 1 {
		t.Fatalf("duplicates = %+v, want one proposal", b.Duplicates)
	}
	d := b.Duplicates[0]
	// The two best, capped at three members with the subject; L4 was
	// decided with L1 by a person and is left out.
	if got := strings.Join(d.Members, ","); got != "L1,L2,L5" || d.Reason != ReasonFuzzyDuplicate || d.Side != Local {
		t.Fatalf("duplicate set = %+v, want L1,L2,L5 fuzzy_duplicate", d)
	}
	if d.Evidence.Score != 0.95 || len(d.Evidence.Fields) == 0 || !strings.Contains(d.Evidence.Note, "L2 0.95") {
		t.Errorf("evidence = %+v", d.Evidence)
	}
	if len(b.Writes) != 0 || len(b.Links) != 0 || len(b.Suggestions) != 0 {
		t.Fatalf("a duplicate planned writes %v, links %v or suggestions %v", b.Writes, b.Links, b.Suggestions)
	}
	if o := outcomeOf(b, "L1"); o.Kind != OutcomeDuplicate || o.Reason != ReasonFuzzyDuplicate {
		t.Errorf("L1 outcome = %+v, want duplicate fuzzy_duplicate", o)
	}
}

func TestFuzzyKeepsDeterministicProposals(t *testing.T) {
	t.Parallel()
	fb := fuzzySetup(t)
	// Two upstream records share L1's email: the deterministic matcher
	// below suggests both; fuzzy matching adds nothing twice.
	fb.r.Match = func(c Candidates) Decision {
		d := Decision{Reason: ReasonAmbiguousEmail}
		for _, x := range c.Other[TierEmail] {
			d.Suggestions = append(d.Suggestions, Proposal{OtherID: x.ID, Tier: TierEmail, Reason: ReasonAmbiguousEmail})
		}
		if len(d.Suggestions) == 0 {
			d.Reason = ReasonNoMatch
		}
		return d
	}
	fb.add(Upstream, person("U1", "Ann", "Lee", "ann@x.nz"), person("U2", "Ann", "Lee", "ann@x.nz"))
	subjects := fb.add(Local, person("L1", "Ann", "Lee", "ann@x.nz"))
	fb.fz.scores = map[string]float64{"U1": 0.99, "U2": 0.99}
	b := fb.decide(t, Local, subjects)
	want := []string{"L1|U1|ambiguous_email", "L1|U2|ambiguous_email"}
	if got := suggestionPairs(b); !slices.Equal(got, want) {
		t.Fatalf("suggestions = %v, want %v", got, want)
	}
	if o := outcomeOf(b, "L1"); o.Reason != ReasonAmbiguousEmail {
		t.Errorf("outcome = %+v, want the deterministic reason", o)
	}
}

func TestFuzzyModelReusedUntilStale(t *testing.T) {
	t.Parallel()
	fb := fuzzySetup(t)
	fb.fz.scores = map[string]float64{"U1": 0.9}
	fb.add(Upstream, person("U1", "Ann", "Lee", ""))
	subjects := fb.add(Local, person("L1", "Ann", "Leigh", ""))
	fb.decide(t, Local, subjects)
	fb.decide(t, Local, subjects) // the same run: the model is in hand
	if fb.fz.trained != 1 || fb.fz.loaded != 0 {
		t.Fatalf("trained %d, loaded %d, want 1 and 0", fb.fz.trained, fb.fz.loaded)
	}
	next := func() { fb.state = &runState{run: &Run{ID: 8}, linked: map[Ref]bool{}} }
	next()
	fb.decide(t, Local, subjects)
	if fb.fz.trained != 1 || fb.fz.loaded != 1 {
		t.Fatalf("next run: trained %d, loaded %d, want 1 and 1", fb.fz.trained, fb.fz.loaded)
	}
	// The side grew well past the sample the model was trained on.
	for i := range 150 {
		fb.add(Upstream, person(fmt.Sprintf("U%03d", 100+i), "Bo", fmt.Sprint("X", i), ""))
	}
	next()
	fb.decide(t, Local, subjects)
	if fb.fz.trained != 2 {
		t.Fatalf("after growth: trained %d, want 2", fb.fz.trained)
	}
	// Older than MaxAge.
	fb.st.model.TrainedAt = fb.r.Now().Add(-31 * 24 * time.Hour)
	next()
	fb.decide(t, Local, subjects)
	if fb.fz.trained != 3 {
		t.Fatalf("after a month: trained %d, want 3", fb.fz.trained)
	}
	// An idle batch (nothing to match fuzzily) reads no model at all.
	fb.st.model = nil
	next()
	fb.decide(t, Local, nil)
	if fb.fz.trained != 3 || fb.st.model != nil {
		t.Fatal("an empty batch loaded or trained a model")
	}
}

func TestNewRecordBlocks(t *testing.T) {
	t.Parallel()
	fb := fuzzySetup(t)
	if got := fb.r.newRecord(Local, person("L1", "Ann", "Lee", ""), time.Time{}).Blocks; !slices.Equal(got, []string{"sn:le"}) {
		t.Errorf("blocks = %v", got)
	}
	del := fb.r.newRecord(Local, Customer{ID: "L2", LastName: "Lee", Deleted: true}, time.Time{})
	if del.Blocks == nil || len(del.Blocks) != 0 {
		t.Errorf("blocks of a deleted record = %#v, want empty and not nil (its keys are removed)", del.Blocks)
	}
	fb.r.Fuzzy = nil
	if got := fb.r.newRecord(Local, person("L1", "Ann", "Lee", ""), time.Time{}).Blocks; got != nil {
		t.Errorf("blocks with fuzzy off = %#v, want nil", got)
	}
}
