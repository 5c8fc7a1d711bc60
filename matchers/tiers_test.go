package matchers_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/matchers"
)

var (
	local    = func(id string) engine.Ref { return engine.Ref{Side: engine.Local, ID: id} }
	upstream = func(id string) engine.Ref { return engine.Ref{Side: engine.Upstream, ID: id} }
)

// outcome is the part of a decision the table checks: the link as
// "tier:id", suggestions as "tier:id" sorted, duplicates as
// "side:id,id:reason".
type outcome struct {
	link    string
	reason  engine.Reason
	suggest []string
	dups    []string
}

func summarise(d engine.Decision) outcome {
	var o outcome
	if d.Link != nil {
		o.link = fmt.Sprintf("%s:%s", d.Link.Tier, d.Link.OtherID)
	}
	o.reason = d.Reason
	for _, s := range d.Suggestions {
		o.suggest = append(o.suggest, fmt.Sprintf("%s:%s", s.Tier, s.OtherID))
	}
	for _, p := range d.Duplicates {
		o.dups = append(o.dups, fmt.Sprintf("%s:%s:%s", p.Side, strings.Join(p.IDs, ","), p.Reason))
	}
	return o
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	var (
		emailEqual = world{
			local:    []engine.Customer{cust("L1", "ann@x.co.nz", "", "")},
			upstream: []engine.Customer{cust("U1", "ann@x.co.nz", "", "")},
		}
		emailCase = world{
			local:    []engine.Customer{cust("L1", "  Ann@X.CO.NZ ", "", "")},
			upstream: []engine.Customer{cust("U1", "ann@x.co.nz", "", "")},
		}
		twoLocal = world{
			local:    []engine.Customer{cust("L1", "ann@x.co.nz", "", ""), cust("L2", "ANN@x.co.nz", "", "")},
			upstream: []engine.Customer{cust("U1", "ann@x.co.nz", "", "")},
		}
		twoUpstream = world{
			local:    []engine.Customer{cust("L1", "ann@x.co.nz", "", "")},
			upstream: []engine.Customer{cust("U1", "ann@x.co.nz", "", ""), cust("U2", "ann@x.co.nz", "", "")},
		}
		emailXcodeY = world{
			local:    []engine.Customer{cust("L1", "ann@x.co.nz", "C1", "")},
			upstream: []engine.Customer{cust("U1", "ann@x.co.nz", "", ""), cust("U2", "bob@x.co.nz", "c1", "")},
		}
		emailXcodeXY = world{
			local:    []engine.Customer{cust("L1", "ann@x.co.nz", "C1", "")},
			upstream: []engine.Customer{cust("U1", "ann@x.co.nz", "C1", ""), cust("U2", "", "C1", "")},
		}
		codeOnly = world{
			local:    []engine.Customer{cust("L1", "", "c1", "")},
			upstream: []engine.Customer{cust("U1", "", " C1 ", "")},
		}
		codeEmailsDiffer = world{
			local:    []engine.Customer{cust("L1", "ann@x.co.nz", "C1", "")},
			upstream: []engine.Customer{cust("U1", "bob@x.co.nz", "C1", "")},
		}
		corroborated = world{
			local:    []engine.Customer{cust("L1", "ann@x.co.nz", "C1", "")},
			upstream: []engine.Customer{cust("U1", "ann@x.co.nz", "C1", "")},
		}
		refEmailsDiffer = world{
			local:    []engine.Customer{cust("L1", "ann@x.co.nz", "C1", "U1")},
			upstream: []engine.Customer{cust("U1", "bob@x.co.nz", "C9", ""), cust("U2", "ann@x.co.nz", "C1", "")},
		}
		upstreamRef = world{
			local:    []engine.Customer{cust("L1", "ann@x.co.nz", "", "")},
			upstream: []engine.Customer{cust("U1", "bob@x.co.nz", "", "L1")},
		}
		refWithLocalDup = world{
			local:    []engine.Customer{cust("L1", "ann@x.co.nz", "", "U1"), cust("L2", "ann@x.co.nz", "", "")},
			upstream: []engine.Customer{cust("U1", "zed@x.co.nz", "", "")},
		}
		refTwoLocals = world{
			local:    []engine.Customer{cust("L1", "", "", "U1"), cust("L2", "", "", "U1")},
			upstream: []engine.Customer{cust("U1", "", "", "")},
		}
		refBothWays = world{
			local:    []engine.Customer{cust("L1", "", "", "U1")},
			upstream: []engine.Customer{cust("U1", "", "", ""), cust("U2", "", "", "L1")},
		}
		refPending = world{
			local:    []engine.Customer{cust("L1", "", "", "U1")},
			upstream: []engine.Customer{cust("U1", "", "", "")},
			pending:  []engine.Ref{upstream("U1")},
		}
		linkedElsewhere = world{
			local:    []engine.Customer{cust("L1", "ann@x.co.nz", "", ""), cust("L9", "old@x.co.nz", "", "")},
			upstream: []engine.Customer{cust("U1", "ann@x.co.nz", "", "")},
			links:    [][2]string{{"L9", "U1"}},
		}
		linkedElsewhereUp = world{
			local:    []engine.Customer{cust("L1", "ann@x.co.nz", "", "")},
			upstream: []engine.Customer{cust("U1", "ann@x.co.nz", "", ""), cust("U9", "old@x.co.nz", "", "")},
			links:    [][2]string{{"L1", "U9"}},
		}
		linkedToSubject = world{
			local:    []engine.Customer{cust("L1", "ann@x.co.nz", "", "")},
			upstream: []engine.Customer{cust("U1", "ann@x.co.nz", "", "")},
			links:    [][2]string{{"L1", "U1"}},
		}
		emailPending = world{
			local:    []engine.Customer{cust("L1", "ann@x.co.nz", "", "")},
			upstream: []engine.Customer{cust("U1", "ann@x.co.nz", "", "")},
			pending:  []engine.Ref{upstream("U1")},
		}
		candidateRival = world{
			local:    []engine.Customer{cust("L1", "ann@x.co.nz", "", ""), cust("L3", "", "C1", "")},
			upstream: []engine.Customer{cust("U1", "ann@x.co.nz", "C1", "")},
		}
		codeShared = world{
			local:    []engine.Customer{cust("L1", "", "C1", ""), cust("L2", "", "C1", "")},
			upstream: []engine.Customer{cust("U1", "", "C1", "")},
		}
		nothing = world{
			local:    []engine.Customer{cust("L1", "ann@x.co.nz", "C1", "")},
			upstream: []engine.Customer{cust("U1", "bob@x.co.nz", "C2", "")},
		}
		localDupsOnly = world{
			local: []engine.Customer{
				cust("L1", "ann@x.co.nz", "C1", ""), cust("L2", "ann@x.co.nz", "", ""), cust("L3", "", "C1", ""),
			},
			upstream: []engine.Customer{cust("U1", "bob@x.co.nz", "C2", "")},
		}
		placeholders = world{
			local:    []engine.Customer{cust("L1", "noemail@x.co.nz", "0", "")},
			upstream: []engine.Customer{cust("U1", "NoEmail@x.co.nz", "000", "")},
		}
	)
	const (
		ext   = engine.TierExternalID
		email = engine.TierEmail
		code  = engine.TierAccountCode
	)
	s := func(t engine.Tier, id string) string { return string(t) + ":" + id }
	tests := []struct {
		name    string
		w       world
		subject engine.Ref
		want    outcome
	}{
		// Decision table: normalised emails equal, one record on each side.
		{"email equal, local subject", emailEqual, local("L1"), outcome{link: s(email, "U1"), reason: engine.ReasonEmail}},
		{"email equal, upstream subject", emailEqual, upstream("U1"), outcome{link: s(email, "L1"), reason: engine.ReasonEmail}},
		// Emails differing only in case or surrounding spaces are the same email.
		{"email case and spaces, local subject", emailCase, local("L1"), outcome{link: s(email, "U1"), reason: engine.ReasonEmail}},
		{"email case and spaces, upstream subject", emailCase, upstream("U1"), outcome{link: s(email, "L1"), reason: engine.ReasonEmail}},
		// Same email on two local records: a duplicate set there and a suggestion per pair.
		{"same email on two locals, local subject", twoLocal, local("L1"), outcome{
			reason: engine.ReasonAmbiguousEmail, suggest: []string{s(email, "U1")},
			dups: []string{"local:L1,L2:shared_email"}}},
		{"same email on two locals, other local subject", twoLocal, local("L2"), outcome{
			reason: engine.ReasonAmbiguousEmail, suggest: []string{s(email, "U1")},
			dups: []string{"local:L1,L2:shared_email"}}},
		{"same email on two locals, upstream subject", twoLocal, upstream("U1"), outcome{
			reason: engine.ReasonAmbiguousEmail, suggest: []string{s(email, "L1"), s(email, "L2")},
			dups: []string{"local:L1,L2:shared_email"}}},
		// ... or two upstream records.
		{"same email on two upstreams, local subject", twoUpstream, local("L1"), outcome{
			reason: engine.ReasonAmbiguousEmail, suggest: []string{s(email, "U1"), s(email, "U2")},
			dups: []string{"upstream:U1,U2:shared_email"}}},
		{"same email on two upstreams, upstream subject", twoUpstream, upstream("U2"), outcome{
			reason: engine.ReasonAmbiguousEmail, suggest: []string{s(email, "L1")},
			dups: []string{"upstream:U1,U2:shared_email"}}},
		// Email points at upstream X, account code at upstream Y.
		{"email X code Y, local subject", emailXcodeY, local("L1"), outcome{
			reason: engine.ReasonContradictingTiers, suggest: []string{s(email, "U1"), s(code, "U2")}}},
		{"email X code Y, upstream X subject", emailXcodeY, upstream("U1"), outcome{
			reason: engine.ReasonContradictingTiers, suggest: []string{s(email, "L1")}}},
		{"email X code Y, upstream Y subject", emailXcodeY, upstream("U2"), outcome{
			reason: engine.ReasonContradictingTiers, suggest: []string{s(code, "L1")}}},
		{"email X, code X and Y", emailXcodeXY, local("L1"), outcome{
			reason: engine.ReasonContradictingTiers, suggest: []string{s(email, "U1"), s(code, "U2")}}},
		// Account codes equal, emails absent or different and pointing nowhere else.
		{"code equal, emails absent, local subject", codeOnly, local("L1"), outcome{link: s(code, "U1"), reason: engine.ReasonAccountCode}},
		{"code equal, emails absent, upstream subject", codeOnly, upstream("U1"), outcome{link: s(code, "L1"), reason: engine.ReasonAccountCode}},
		{"code equal, emails differ, local subject", codeEmailsDiffer, local("L1"), outcome{link: s(code, "U1"), reason: engine.ReasonAccountCode}},
		{"code equal, emails differ, upstream subject", codeEmailsDiffer, upstream("U1"), outcome{link: s(code, "L1"), reason: engine.ReasonAccountCode}},
		{"email and code agree", corroborated, local("L1"), outcome{link: s(email, "U1"), reason: engine.ReasonEmail}},
		{"shared code, local subject", codeShared, local("L2"), outcome{
			reason: engine.ReasonAmbiguousCode, suggest: []string{s(code, "U1")},
			dups: []string{"local:L1,L2:shared_account_code"}}},
		{"shared code, upstream subject", codeShared, upstream("U1"), outcome{
			reason: engine.ReasonAmbiguousCode, suggest: []string{s(code, "L1"), s(code, "L2")},
			dups: []string{"local:L1,L2:shared_account_code"}}},
		// External ref: link whatever the other fields say.
		{"local ref, emails differ", refEmailsDiffer, local("L1"), outcome{link: s(ext, "U1"), reason: engine.ReasonExternalID}},
		{"local ref, seen from upstream", refEmailsDiffer, upstream("U1"), outcome{link: s(ext, "L1"), reason: engine.ReasonExternalID}},
		{"local ref, email match elsewhere", refEmailsDiffer, upstream("U2"), outcome{
			reason: engine.ReasonContradictingTiers, suggest: []string{s(email, "L1")}}},
		{"upstream ref, local subject", upstreamRef, local("L1"), outcome{link: s(ext, "U1"), reason: engine.ReasonExternalID}},
		{"upstream ref, upstream subject", upstreamRef, upstream("U1"), outcome{link: s(ext, "L1"), reason: engine.ReasonExternalID}},
		{"ref despite local duplicate", refWithLocalDup, local("L1"), outcome{
			link: s(ext, "U1"), reason: engine.ReasonExternalID, dups: []string{"local:L1,L2:shared_email"}}},
		{"ref claimed by two locals, local subject", refTwoLocals, local("L1"), outcome{
			reason: engine.ReasonAmbiguousExternal, suggest: []string{s(ext, "U1")}}},
		{"ref claimed by two locals, upstream subject", refTwoLocals, upstream("U1"), outcome{
			reason: engine.ReasonAmbiguousExternal, suggest: []string{s(ext, "L1"), s(ext, "L2")}}},
		{"refs point both ways at different records", refBothWays, local("L1"), outcome{
			reason: engine.ReasonAmbiguousExternal, suggest: []string{s(ext, "U1"), s(ext, "U2")}}},
		{"ref candidate pending", refPending, local("L1"), outcome{
			reason: engine.ReasonCandidateLinked, suggest: []string{s(ext, "U1")}}},
		// A candidate already linked elsewhere: a suggestion, never a link.
		{"candidate linked elsewhere, local subject", linkedElsewhere, local("L1"), outcome{
			reason: engine.ReasonCandidateLinked, suggest: []string{s(email, "U1")}}},
		{"candidate linked elsewhere, upstream subject", linkedElsewhereUp, upstream("U1"), outcome{
			reason: engine.ReasonCandidateLinked, suggest: []string{s(email, "L1")}}},
		{"candidate linked to the subject", linkedToSubject, local("L1"), outcome{link: s(email, "U1"), reason: engine.ReasonEmail}},
		{"email candidate pending", emailPending, local("L1"), outcome{
			reason: engine.ReasonCandidateLinked, suggest: []string{s(email, "U1")}}},
		// The candidate's own code matches another local record.
		{"candidate rival on another tier, local subject", candidateRival, local("L1"), outcome{
			reason: engine.ReasonContradictingTiers, suggest: []string{s(email, "U1")}}},
		{"candidate rival on another tier, rival subject", candidateRival, local("L3"), outcome{
			reason: engine.ReasonContradictingTiers, suggest: []string{s(code, "U1")}}},
		{"no candidates", nothing, local("L1"), outcome{reason: engine.ReasonNoMatch}},
		{"no candidates, upstream subject", nothing, upstream("U1"), outcome{reason: engine.ReasonNoMatch}},
		{"local duplicates only", localDupsOnly, local("L1"), outcome{
			reason: engine.ReasonSharedEmail, dups: []string{"local:L1,L2:shared_email", "local:L1,L3:shared_account_code"}}},
		{"placeholders never match", placeholders, local("L1"), outcome{reason: engine.ReasonNoMatch}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := summarise(matchers.Deterministic(tt.w.candidates(t, tt.subject)))
			if got.link != tt.want.link || got.reason != tt.want.reason ||
				!slices.Equal(got.suggest, tt.want.suggest) || !slices.Equal(got.dups, tt.want.dups) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
