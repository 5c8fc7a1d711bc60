package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// ErrNotFound is wrapped by the helpers' errors for an unknown id.
var ErrNotFound = errors.New("customer not found")

// Customers returns a snapshot of every customer in (created_at, id) order,
// latest state, public or not. The result is a deep copy.
func (s *Server) Customers() []Customer {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Customer, 0, len(s.order))
	for _, r := range s.order {
		out = append(out, r.cur.c.clone())
	}
	return out
}

// Customer returns a copy of the latest state of the customer with id, and
// whether it exists.
func (s *Server) Customer(id string) (Customer, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.byID[id]
	if !ok {
		return Customer{}, false
	}
	return r.cur.c.clone(), true
}

// Update simulates a merchant editing a customer in Square: mutate gets a
// copy to change, then the simulator keeps the id and created_at, sets
// updated_at to now and bumps the version, so the edit reaches List and
// Search after the propagation delay like an API update. mutate runs under
// the Server's lock and must not call the Server. It returns the customer
// as stored, or an error wrapping ErrNotFound.
func (s *Server) Update(id string, mutate func(*Customer)) (Customer, error) {
	now := s.opts.Now()
	s.mu.Lock()
	r, ok := s.byID[id]
	if !ok {
		s.mu.Unlock()
		return Customer{}, fmt.Errorf("sim: update customer %s: %w", id, ErrNotFound)
	}
	c := r.cur.c.clone()
	if mutate != nil {
		mutate(&c)
	}
	c.ID, c.CreatedAt = id, r.cur.c.CreatedAt
	c.Version = r.cur.c.Version + 1
	c.UpdatedAt = stamp(now)
	s.put(c, now)
	s.mu.Unlock()
	s.emit(Change{Type: "customer.updated", Customer: c.clone(), At: now})
	return c.clone(), nil
}

// Delete simulates a merchant deleting a customer in Square. The customer
// disappears from every endpoint at once; only a webhook would tell a
// client. It returns an error wrapping ErrNotFound for an unknown id.
func (s *Server) Delete(id string) error {
	now := s.opts.Now()
	s.mu.Lock()
	r, ok := s.byID[id]
	if !ok {
		s.mu.Unlock()
		return fmt.Errorf("sim: delete customer %s: %w", id, ErrNotFound)
	}
	last := r.cur.c.clone()
	s.drop(r)
	s.mu.Unlock()
	s.emit(Change{Type: "customer.deleted", Customer: last, At: now})
	return nil
}

// Load adds customers from a JSON array of Square customers (the spec's
// Customer schema). A customer without an id gets a generated one; one
// whose id exists replaces it. Empty created_at/updated_at become the
// clock's now; others must be RFC 3339 and are rewritten in the
// simulator's UTC millisecond form. Versions are kept as given. Loaded
// customers are visible at once (no propagation delay) and are not
// validated, so a test can load profiles without public fields. Loading is
// all or nothing: a malformed element gives an error naming its index.
func (s *Server) Load(r io.Reader) error {
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("sim: load customers: %w", err)
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("sim: load customers: want a JSON array, got %v", tok)
	}
	var cs []Customer
	for i := 0; dec.More(); i++ {
		var c Customer
		if err := dec.Decode(&c); err != nil {
			return fmt.Errorf("sim: load customers: index %d: %w", i, err)
		}
		for _, ts := range []*string{&c.CreatedAt, &c.UpdatedAt} {
			if *ts == "" {
				continue
			}
			t, ok := parseStamp(*ts)
			if !ok {
				return fmt.Errorf("sim: load customers: index %d: timestamp %q is not RFC 3339", i, *ts)
			}
			*ts = stamp(t)
		}
		cs = append(cs, c)
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("sim: load customers: index %d: %w", len(cs), err)
	}
	now := s.opts.Now()
	s.mu.Lock()
	for _, c := range cs {
		s.putVisible(c, now)
	}
	s.mu.Unlock()
	return nil
}

// putVisible stores c as visible at once (seeding and loading), filling in
// a missing id and timestamps, under s.mu.
func (s *Server) putVisible(c Customer, now time.Time) {
	if c.ID == "" {
		c.ID = s.newID()
	}
	c.CreatedAt = cmpOr(c.CreatedAt, stamp(now))
	c.UpdatedAt = cmpOr(c.UpdatedAt, c.CreatedAt)
	s.put(c, now)
	r := s.byID[c.ID]
	r.prev, r.visibleAt = nil, time.Time{}
}
