package sim

import (
	"fmt"
	"slices"
)

// Merge simulates a seller merging customer profiles in the Square
// Dashboard (there is no public merge endpoint). Square makes a new
// profile with a new id and deletes the merged ones; webhooks report
// customer.created for the new profile and customer.deleted for each merged
// one, all with event_context.merge (connectors.md §2.7).
//
// The new profile takes each field from the first of ids that has it;
// mutate, when set, may change it further (under the Server's lock; it must
// not call the Server). It returns the new profile, or an error wrapping
// ErrNotFound when one of ids does not exist. Fewer than two ids is an
// error.
func (s *Server) Merge(ids []string, mutate func(*Customer)) (Customer, error) {
	if len(ids) < 2 || slices.Contains(ids, "") {
		return Customer{}, fmt.Errorf("sim: merge needs at least two customer ids")
	}
	now := s.opts.Now()
	s.mu.Lock()
	var from []Customer
	for _, id := range ids {
		r, ok := s.byID[id]
		if !ok {
			s.mu.Unlock()
			return Customer{}, fmt.Errorf("sim: merge customer %s: %w", id, ErrNotFound)
		}
		from = append(from, r.cur.c.clone())
	}
	c := from[0].clone()
	for _, o := range from[1:] {
		fill(&c.GivenName, o.GivenName)
		fill(&c.FamilyName, o.FamilyName)
		fill(&c.CompanyName, o.CompanyName)
		fill(&c.EmailAddress, o.EmailAddress)
		fill(&c.PhoneNumber, o.PhoneNumber)
		fill(&c.ReferenceID, o.ReferenceID)
		fill(&c.Note, o.Note)
		if c.Address == nil && o.Address != nil {
			a := *o.Address
			c.Address = &a
		}
	}
	if mutate != nil {
		mutate(&c)
	}
	c.ID, c.Version, c.CreationSource = s.newID(), 0, "MERGE"
	c.CreatedAt, c.UpdatedAt = stamp(now), stamp(now)
	s.put(c, now)
	for _, id := range ids {
		s.drop(s.byID[id])
	}
	s.mu.Unlock()
	m := &Merge{FromCustomerIDs: slices.Clone(ids), ToCustomerID: c.ID}
	changes := []Change{{Type: "customer.created", Customer: c.clone(), At: now, Merge: m}}
	for _, f := range from {
		changes = append(changes, Change{Type: "customer.deleted", Customer: f, At: now, Merge: m})
	}
	s.emit(changes...)
	return c.clone(), nil
}

func fill(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}
