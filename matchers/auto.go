package matchers

import (
	"slices"
	"time"

	"github.com/accordhq/accord/engine"
)

// AutoLink is a link the deterministic tiers make on their own.
type AutoLink struct {
	LocalID, UpstreamID string
	Tier                engine.Tier
	Evidence            engine.Evidence
}

// AutoLinks runs Deterministic over two whole sides, as the engine's
// first run does: every local record, in order, is decided from the
// upstream records that share its external reference, email or account
// code, with the same rivals and same-side duplicates the engine would
// give it, and a record linked once is taken for later subjects. It is
// what the offline command uses for its "auto" rows.
func AutoLinks(local, upstream []engine.Customer, n *Normalizer) []AutoLink {
	recs := func(side engine.Side, cs []engine.Customer) []engine.Record {
		out := make([]engine.Record, len(cs))
		for i, c := range cs {
			out[i] = engine.NewRecord("offline", side, c, n, time.Time{})
		}
		return out
	}
	loc, up := recs(engine.Local, local), recs(engine.Upstream, upstream)
	key := func(t engine.Tier, r engine.Record) string {
		switch t {
		case engine.TierEmail:
			return r.Keys.Email
		case engine.TierAccountCode:
			return r.Keys.AccountCode
		}
		return ""
	}
	tiers := []engine.Tier{engine.TierEmail, engine.TierAccountCode}
	upBy, locBy := map[engine.Tier]map[string][]int{}, map[engine.Tier]map[string][]int{}
	for _, t := range tiers {
		upBy[t], locBy[t] = map[string][]int{}, map[string][]int{}
		for i, r := range up {
			if k := key(t, r); k != "" {
				upBy[t][k] = append(upBy[t][k], i)
			}
		}
		for i, r := range loc {
			if k := key(t, r); k != "" {
				locBy[t][k] = append(locBy[t][k], i)
			}
		}
	}
	upByID, upByRef, locByID := map[string]int{}, map[string][]int{}, map[string]int{}
	for i, r := range up {
		upByID[r.ID] = i
		if r.ExternalRef != "" {
			upByRef[r.ExternalRef] = append(upByRef[r.ExternalRef], i)
		}
	}
	for i, r := range loc {
		locByID[r.ID] = i
	}
	linkedTo := map[string]string{} // upstream id → local id
	var out []AutoLink
	for si, s := range loc {
		cand := func(i int) engine.Candidate {
			x := up[i]
			c := engine.Candidate{Record: x, LinkedTo: linkedTo[x.ID], Rivals: map[engine.Tier][]string{}}
			for _, t := range tiers {
				for _, j := range locBy[t][key(t, x)] {
					if j != si && key(t, x) != "" {
						c.Rivals[t] = append(c.Rivals[t], loc[j].ID)
					}
				}
			}
			if j, ok := locByID[x.ExternalRef]; ok && j != si {
				c.Rivals[engine.TierExternalID] = append(c.Rivals[engine.TierExternalID], loc[j].ID)
			}
			return c
		}
		cs := engine.Candidates{Subject: s, Other: map[engine.Tier][]engine.Candidate{}, Same: map[engine.Tier][]engine.Candidate{}}
		var ext []int
		if i, ok := upByID[s.ExternalRef]; ok && s.ExternalRef != "" {
			ext = append(ext, i)
		}
		ext = append(ext, upByRef[s.ID]...)
		slices.Sort(ext)
		for _, i := range slices.Compact(ext) {
			cs.Other[engine.TierExternalID] = append(cs.Other[engine.TierExternalID], cand(i))
		}
		for _, t := range tiers {
			k := key(t, s)
			if k == "" {
				continue
			}
			for _, i := range upBy[t][k] {
				cs.Other[t] = append(cs.Other[t], cand(i))
			}
			for _, j := range locBy[t][k] {
				if j != si {
					cs.Same[t] = append(cs.Same[t], engine.Candidate{Record: loc[j]})
				}
			}
		}
		d := Deterministic(cs)
		if d.Link == nil {
			continue
		}
		linkedTo[d.Link.OtherID] = s.ID
		out = append(out, AutoLink{LocalID: s.ID, UpstreamID: d.Link.OtherID, Tier: d.Link.Tier, Evidence: d.Link.Evidence})
	}
	return out
}

// SharedKeys returns the pairs of records on one side that the
// deterministic tiers flag as duplicates: equal normalised email or equal
// account code. The engine puts them in duplicate sets for a person; the
// offline command marks them "auto" because the evidence is exact.
func SharedKeys(cs []engine.Customer, n *Normalizer) [][2]string {
	seen := map[[2]string]bool{}
	var out [][2]string
	for _, key := range []func(engine.Keys) string{
		func(k engine.Keys) string { return k.Email },
		func(k engine.Keys) string { return k.AccountCode },
	} {
		groups := map[string][]string{}
		var order []string
		for _, c := range cs {
			k := key(n.Keys(c))
			if k == "" {
				continue
			}
			if _, ok := groups[k]; !ok {
				order = append(order, k)
			}
			groups[k] = append(groups[k], c.ID)
		}
		for _, k := range order {
			ids := groups[k]
			for i := range ids {
				for j := i + 1; j < len(ids); j++ {
					p := pairKey(ids[i], ids[j])
					if !seen[p] {
						seen[p] = true
						out = append(out, p)
					}
				}
			}
		}
	}
	return out
}
