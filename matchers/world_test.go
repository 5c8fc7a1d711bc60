package matchers_test

import (
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
)

var testTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// world is a small pair of customer tables. candidates plays the engine's
// part: it builds what the engine would hand the matcher for one subject,
// by comparing keys computed through the Normalizer, so the tests cover
// normalisation and decision end to end.
type world struct {
	local    []engine.Customer
	upstream []engine.Customer
	links    [][2]string // local id, upstream id
	pending  []engine.Ref
}

// cust builds a customer; ref is its external ref.
func cust(id, email, code, ref string) engine.Customer {
	return engine.Customer{ID: id, Email: email, AccountCode: code, ExternalRef: ref, FirstName: "Ann", LastName: id}
}

func (w world) records(tb testing.TB) map[engine.Side][]engine.Record {
	tb.Helper()
	n := newNormalizer(tb, "NZ")
	out := map[engine.Side][]engine.Record{}
	for side, cs := range map[engine.Side][]engine.Customer{engine.Local: w.local, engine.Upstream: w.upstream} {
		for _, c := range cs {
			out[side] = append(out[side], engine.NewRecord("main", side, c, n, testTime))
		}
	}
	return out
}

func (w world) candidates(tb testing.TB, subject engine.Ref) engine.Candidates {
	tb.Helper()
	recs := w.records(tb)
	var subj engine.Record
	found := false
	for _, r := range recs[subject.Side] {
		if r.ID == subject.ID {
			subj, found = r, true
		}
	}
	if !found {
		tb.Fatalf("no subject %v in world", subject)
	}
	c := engine.Candidates{Subject: subj, Other: map[engine.Tier][]engine.Candidate{}, Same: map[engine.Tier][]engine.Candidate{}}
	for _, t := range engine.Tiers {
		for _, o := range recs[subject.Side.Other()] {
			if !matches(t, subj, o) {
				continue
			}
			cand := engine.Candidate{Record: o, LinkedTo: w.linkedTo(o), Rivals: map[engine.Tier][]string{}}
			for _, p := range w.pending {
				cand.Pending = cand.Pending || p == (engine.Ref{Side: o.Side, ID: o.ID})
			}
			for _, u := range engine.Tiers {
				for _, r := range recs[subject.Side] {
					if r.ID != subj.ID && matches(u, o, r) {
						cand.Rivals[u] = append(cand.Rivals[u], r.ID)
					}
				}
			}
			c.Other[t] = append(c.Other[t], cand)
		}
		if t == engine.TierExternalID {
			continue
		}
		for _, r := range recs[subject.Side] {
			if r.ID != subj.ID && matches(t, subj, r) {
				c.Same[t] = append(c.Same[t], engine.Candidate{Record: r})
			}
		}
	}
	return c
}

// linkedTo returns the id on the other side that r is linked to.
func (w world) linkedTo(r engine.Record) string {
	for _, l := range w.links {
		if r.Side == engine.Local && l[0] == r.ID {
			return l[1]
		}
		if r.Side == engine.Upstream && l[1] == r.ID {
			return l[0]
		}
	}
	return ""
}

// matches reports whether a and b share evidence at tier t. The external-id
// tier joins records on different sides only.
func matches(t engine.Tier, a, b engine.Record) bool {
	switch t {
	case engine.TierExternalID:
		if a.Side == b.Side {
			return false
		}
		return (a.ExternalRef != "" && a.ExternalRef == b.ID) || (b.ExternalRef != "" && b.ExternalRef == a.ID)
	case engine.TierEmail:
		return a.Keys.Email != "" && a.Keys.Email == b.Keys.Email
	case engine.TierAccountCode:
		return a.Keys.AccountCode != "" && a.Keys.AccountCode == b.Keys.AccountCode
	}
	return false
}
