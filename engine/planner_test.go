package engine

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// testNormalizer lower-cases and keeps only letters and digits, enough to
// tell formatting from content.
type testNormalizer struct{}

func (testNormalizer) Keys(c Customer) Keys {
	return Keys{Email: strings.ToLower(strings.TrimSpace(c.Email)), AccountCode: strings.ToUpper(c.AccountCode)}
}

func (testNormalizer) Value(_, v string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(v) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '@' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func newPlanner(side Side, pair Pair) planner {
	return planner{pair: pair, side: side, norm: testNormalizer{},
		validate: func(c Customer) error {
			if c.FirstName == "" && c.LastName == "" {
				return fmt.Errorf("first_name/last_name: %w", ErrIncomplete)
			}
			return nil
		}, runID: 7, now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func rec(side Side, id string, f func(*Customer)) Record {
	c := Customer{ID: id, FirstName: "Ann", LastName: "Lee"}
	if f != nil {
		f(&c)
	}
	return NewRecord("main", side, c, testNormalizer{}, time.Time{})
}

var testPair = Pair{Name: "main", CreateUpstream: true, CreateLocal: true,
	Fields: []string{FieldFirstName, FieldLastName, FieldEmail, FieldPhone}}

func TestPlannerCreate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		side     Side
		pair     Pair
		rec      Record
		blocked  Reason
		wantKind WriteKind
		want     Reason
	}{
		{"local pushed", Local, testPair, rec(Local, "L1", nil), "", WriteCreateUpstream, ReasonPushed},
		{"upstream pulled", Upstream, testPair, rec(Upstream, "U1", nil), "", WriteCreateLocal, ReasonPulled},
		{"create upstream disabled", Local, Pair{Name: "main", CreateLocal: true}, rec(Local, "L1", nil), "", "", ReasonCreateDisabled},
		{"create local disabled", Upstream, Pair{Name: "main", CreateUpstream: true}, rec(Upstream, "U1", nil), "", "", ReasonCreateDisabled},
		{"awaiting review", Local, testPair, rec(Local, "L1", nil), ReasonAwaitingReview, "", ReasonAwaitingReview},
		{"merged duplicate", Local, testPair, rec(Local, "L1", nil), ReasonMerged, "", ReasonMerged},
		{"incomplete", Local, testPair, rec(Local, "L1", func(c *Customer) { c.FirstName, c.LastName = "", "" }), "", "", ReasonIncomplete},
		{"names a missing upstream record", Local, testPair, rec(Local, "L1", func(c *Customer) { c.ExternalRef = "U404" }), "", "", ReasonUnknownExternalRef},
		{"names a missing local record", Upstream, testPair, rec(Upstream, "U1", func(c *Customer) { c.ExternalRef = "404" }), "", "", ReasonUnknownExternalRef},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var b Batch
			newPlanner(tc.side, tc.pair).unlinked(&b, tc.rec, Decision{Reason: ReasonNoMatch}, Candidates{}, tc.blocked)
			if len(b.Outcomes) != 1 || b.Outcomes[0].Reason != tc.want {
				t.Fatalf("outcomes = %+v, want one with reason %s", b.Outcomes, tc.want)
			}
			if tc.wantKind == "" {
				if len(b.Writes) != 0 {
					t.Fatalf("planned %d writes, want none", len(b.Writes))
				}
				return
			}
			if len(b.Writes) != 1 {
				t.Fatalf("planned %d writes, want 1", len(b.Writes))
			}
			w := b.Writes[0]
			if w.Kind != tc.wantKind || w.SourceID != tc.rec.ID || w.Status != WritePlanned {
				t.Errorf("write = %+v", w)
			}
			// The payload carries the source id as the external ref, so the
			// creation can be recognised in the other side's feed.
			if w.Customer.ExternalRef != tc.rec.ID || w.Customer.ID != "" {
				t.Errorf("payload id %q ref %q, want empty id and ref %q", w.Customer.ID, w.Customer.ExternalRef, tc.rec.ID)
			}
		})
	}
}

func TestPlannerReviewIsNeverCreated(t *testing.T) {
	t.Parallel()
	d := Decision{Reason: ReasonAmbiguousEmail,
		Suggestions: []Proposal{{OtherID: "U1", Reason: ReasonAmbiguousEmail}, {OtherID: "U2", Reason: ReasonAmbiguousEmail}},
		Duplicates:  []DuplicateProposal{{Side: Upstream, IDs: []string{"U1", "U2"}, Reason: ReasonSharedEmail}}}
	var b Batch
	newPlanner(Local, testPair).unlinked(&b, rec(Local, "L1", nil), d, Candidates{}, "")
	if len(b.Writes) != 0 || len(b.Links) != 0 {
		t.Fatalf("ambiguous subject produced writes %v or links %v", b.Writes, b.Links)
	}
	if len(b.Suggestions) != 2 || b.Suggestions[0].LocalID != "L1" || b.Suggestions[0].UpstreamID != "U1" {
		t.Fatalf("suggestions = %+v", b.Suggestions)
	}
	if len(b.Duplicates) != 1 || b.Duplicates[0].Side != Upstream {
		t.Fatalf("duplicates = %+v", b.Duplicates)
	}
	if b.Outcomes[0].Kind != OutcomeSuggested || b.Outcomes[0].Reason != ReasonAmbiguousEmail {
		t.Fatalf("outcome = %+v", b.Outcomes[0])
	}
}

func TestPlannerLinkOrientsIDs(t *testing.T) {
	t.Parallel()
	u := rec(Upstream, "U1", func(c *Customer) { c.Email = "a@x.io" })
	l := rec(Local, "L1", func(c *Customer) { c.Email = "a@x.io" })
	cands := Candidates{Subject: u, Other: map[Tier][]Candidate{TierEmail: {{Record: l}}}}
	d := Decision{Link: &Proposal{OtherID: "L1", Tier: TierEmail}, Reason: ReasonEmail}
	var b Batch
	newPlanner(Upstream, testPair).unlinked(&b, u, d, cands, "")
	if len(b.Links) != 1 || b.Links[0].LocalID != "L1" || b.Links[0].UpstreamID != "U1" || b.Links[0].Method != MethodEmail {
		t.Fatalf("links = %+v", b.Links)
	}
	if len(b.Writes) != 0 {
		t.Fatalf("linked subject was planned for creation")
	}
}

func TestPlannerLinkedComparesWithoutWriting(t *testing.T) {
	t.Parallel()
	l := rec(Local, "L1", func(c *Customer) { c.Phone = "021 555 0101"; c.Email = "ann@x.io" })
	cases := []struct {
		name   string
		up     Record
		base   map[string]Baseline
		differ []string
	}{
		{"formatting only", rec(Upstream, "U1", func(c *Customer) { c.Phone = "(021) 555-0101"; c.Email = "ANN@x.io " }), nil, nil},
		{"phones differ", rec(Upstream, "U1", func(c *Customer) { c.Phone = "021 555 0199"; c.Email = "ann@x.io" }), nil, []string{FieldPhone}},
		{"blank on one side", rec(Upstream, "U1", func(c *Customer) { c.Phone = ""; c.Email = "ann@x.io" }), nil, nil},
		{"kept as both", rec(Upstream, "U1", func(c *Customer) { c.Phone = "021 555 0199"; c.Email = "ann@x.io" }),
			map[string]Baseline{FieldPhone: {Local: ValueHash("021 555 0101"), Upstream: ValueHash("021 555 0199")}}, nil},
		{"changed since kept", rec(Upstream, "U1", func(c *Customer) { c.Phone = "021 555 0177"; c.Email = "ann@x.io" }),
			map[string]Baseline{FieldPhone: {Local: ValueHash("021 555 0101"), Upstream: ValueHash("021 555 0199")}}, []string{FieldPhone}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var b Batch
			link := Link{ID: 3, LocalID: "L1", UpstreamID: "U1", State: LinkActive, Baseline: tc.base}
			newPlanner(Local, testPair).linked(&b, l, link, tc.up, true, false)
			var got []string
			for _, c := range b.Conflicts {
				got = append(got, c.Field)
				if c.LinkID != 3 || c.LocalValue != l.Field(c.Field) || c.UpstreamValue != tc.up.Field(c.Field) {
					t.Errorf("conflict = %+v", c)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.differ) {
				t.Fatalf("conflicting fields = %v, want %v", got, tc.differ)
			}
			if len(b.Writes) != 0 || len(b.Links) != 0 {
				t.Fatal("comparing a linked pair planned a write or a link")
			}
			for _, k := range b.CloseConflicts {
				for _, f := range tc.differ {
					if k.Field == f {
						t.Errorf("closed the differing field %s", f)
					}
				}
			}
		})
	}
}

func TestPlannerUpstreamDeleteGoesToReview(t *testing.T) {
	t.Parallel()
	u := rec(Upstream, "U1", func(c *Customer) { c.Deleted = true })
	var b Batch
	link := Link{ID: 9, LocalID: "L1", UpstreamID: "U1", State: LinkActive}
	newPlanner(Upstream, testPair).linked(&b, u, link, rec(Local, "L1", nil), true, false)
	if len(b.LinkStates) != 1 || b.LinkStates[0] != (LinkStateChange{LinkID: 9, State: LinkUpstreamDeleted}) {
		t.Fatalf("link states = %+v", b.LinkStates)
	}
	if len(b.Writes) != 0 {
		t.Fatal("a delete planned a write")
	}
	if b.Outcomes[0].Kind != OutcomeDeleted || b.Outcomes[0].Reason != ReasonUpstreamDeleted {
		t.Fatalf("outcome = %+v", b.Outcomes[0])
	}
}

func TestPlannerSettleFromFeed(t *testing.T) {
	t.Parallel()
	u := rec(Upstream, "U9", func(c *Customer) { c.ExternalRef = "L1" })
	src := rec(Local, "L1", nil)
	var b Batch
	newPlanner(Upstream, testPair).settle(&b, u, Link{ID: 4, LocalID: "L1", State: LinkPending}, src)
	if len(b.Settle) != 1 || b.Settle[0].LinkID != 4 || b.Settle[0].OtherID != "U9" {
		t.Fatalf("settle = %+v", b.Settle)
	}
	if b.Outcomes[0].Side != Local || b.Outcomes[0].RecordID != "L1" || b.Outcomes[0].Reason != ReasonSettledFromFeed {
		t.Fatalf("outcome = %+v", b.Outcomes[0])
	}
}

func TestGuard(t *testing.T) {
	t.Parallel()
	g := Guard{MaxCreates: 500, MaxPercent: 20}
	cases := []struct {
		p    PlanSummary
		held bool
	}{
		{PlanSummary{CreateUpstream: 50, UpstreamSize: 500}, false},
		{PlanSummary{CreateUpstream: 501, UpstreamSize: 100000}, true},
		{PlanSummary{CreateUpstream: 200, UpstreamSize: 900}, true},
		{PlanSummary{CreateLocal: 300, LocalSize: 1000}, true},
		{PlanSummary{CreateUpstream: 5, UpstreamSize: 3}, false}, // below the percentage floor
		{PlanSummary{CreateUpstream: 11, UpstreamSize: 0}, true},
	}
	for _, tc := range cases {
		held, why := g.Check(tc.p)
		if held != tc.held || (held && why == "") {
			t.Errorf("Check(%+v) = %v %q, want held=%v", tc.p, held, why, tc.held)
		}
	}
	if held, _ := (Guard{}).Check(PlanSummary{CreateUpstream: 1e6}); held {
		t.Error("a zero guard held a plan")
	}
}

func TestBackoffBounds(t *testing.T) {
	t.Parallel()
	p := RetryPolicy{MaxAttempts: 5, Base: time.Second, Max: time.Minute}
	for n := 1; n < 20; n++ {
		ceiling := min(time.Second<<(n-1), time.Minute)
		for range 50 {
			if d := p.Backoff(n); d < ceiling/2 || d > ceiling {
				t.Fatalf("Backoff(%d) = %s, want within [%s, %s]", n, d, ceiling/2, ceiling)
			}
		}
	}
}

func TestErrorsClassify(t *testing.T) {
	t.Parallel()
	base := errors.New("boom")
	if !IsTerminal(fmt.Errorf("wrapped: %w", Terminal(base))) || IsTerminal(base) || Terminal(nil) != nil {
		t.Error("Terminal/IsTerminal misclassify")
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	got, ok := RetryAfter(fmt.Errorf("x: %w", &RetryAfterError{Err: base, After: at}))
	if !ok || !got.Equal(at) {
		t.Errorf("RetryAfter = %v %v", got, ok)
	}
	if _, ok := RetryAfter(base); ok {
		t.Error("RetryAfter found a time in a plain error")
	}
}

func TestCounts(t *testing.T) {
	t.Parallel()
	c := Counts{}
	c.Add(OutcomeLinked, ReasonEmail, 2)
	c.Add(OutcomeLinked, ReasonExternalID, 1)
	c.Add(OutcomeSkipped, ReasonIncomplete, 0)
	if c.Kind(OutcomeLinked) != 3 || c.Get(OutcomeLinked, ReasonEmail) != 2 || len(c.Kinds()) != 1 {
		t.Errorf("counts = %v", c)
	}
}

func TestCustomerHashIgnoresVersionAndRaw(t *testing.T) {
	t.Parallel()
	a := Customer{ID: "1", Email: "a@x.io", Version: 1, Raw: []byte(`{"balance":1}`)}
	b := a
	b.Version, b.Raw, b.UpdatedAt = 2, []byte(`{"balance":2}`), time.Now()
	if a.Hash() != b.Hash() {
		t.Error("hash changed with version/raw/timestamp")
	}
	b.Phone = "1"
	if a.Hash() == b.Hash() {
		t.Error("hash did not change with a field")
	}
	b = a
	b.Deleted = true
	if a.Hash() == b.Hash() {
		t.Error("hash did not change with the deleted flag")
	}
}
