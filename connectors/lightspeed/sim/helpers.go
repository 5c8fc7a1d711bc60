package sim

import (
	"encoding/json"
	"fmt"
	"io"
)

// Customers returns a snapshot of all customers sorted by version
// (ascending), soft-deleted ones only when includeDeleted is true. The
// result is a deep copy.
func (s *Server) Customers(includeDeleted bool) []Customer {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Customer, 0, len(s.recs))
	s.scan(0, func(slot int32, _ int64) bool {
		if includeDeleted || !s.isDeleted(slot) {
			out = append(out, s.read(slot))
		}
		return true
	})
	return out
}

// Customer returns a copy of the customer with id, soft-deleted or not, and
// whether it exists.
func (s *Server) Customer(id string) (Customer, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	slot, ok := s.lookup(id)
	if !ok {
		return Customer{}, false
	}
	return s.read(slot), true
}

// Update simulates a merchant editing a customer in the POS: mutate gets a
// copy to change, then the simulator keeps the id, recomputes name, sets
// updated_at to now and gives it a new version, so the edit shows in the
// feed. It works on soft-deleted customers too (clearing DeletedAt restores
// one). mutate runs under the Server's lock and must not call the Server.
// Returns an error wrapping ErrNotFound for an unknown id.
func (s *Server) Update(id string, mutate func(*Customer)) error {
	s.mu.Lock()
	slot, ok := s.lookup(id)
	if !ok {
		s.mu.Unlock()
		return fmt.Errorf("sim: update customer %s: %w", id, ErrNotFound)
	}
	c := s.read(slot)
	if mutate != nil {
		mutate(&c)
	}
	c.ID = id
	c.setName()
	c.UpdatedAt = stamp(s.opts.Now())
	c = s.put(c)
	s.mu.Unlock()
	s.emit(c)
	return nil
}

// Delete simulates a merchant deleting a customer in the POS: a soft delete
// that sets deleted_at and updated_at and bumps the version. Returns an
// error wrapping ErrNotFound for an unknown or already deleted id.
func (s *Server) Delete(id string) error {
	s.mu.Lock()
	slot, ok := s.lookup(id)
	if !ok || s.isDeleted(slot) {
		s.mu.Unlock()
		return fmt.Errorf("sim: delete customer %s: %w", id, ErrNotFound)
	}
	c := s.read(slot)
	now := stamp(s.opts.Now())
	c.DeletedAt, c.UpdatedAt = &now, now
	c = s.put(c)
	s.mu.Unlock()
	s.emit(c)
	return nil
}

// Load adds customers from a JSON array of X-Series customers (the spec's
// Customer schema). A customer without an id gets a generated UUID; one
// whose id exists replaces it. Every loaded customer gets a fresh version
// from the global counter (any version in the input is ignored), and empty
// created_at/updated_at become the clock's now. Other fields are kept as
// given, without validation. Loading is all or nothing: a malformed element
// gives an error naming its array index and loads nothing.
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
		cs = append(cs, c)
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("sim: load customers: index %d: %w", len(cs), err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := stamp(s.opts.Now())
	for _, c := range cs {
		if c.ID == "" {
			c.ID = s.newUUID()
		}
		c.CreatedAt = cmpOr(c.CreatedAt, now)
		c.UpdatedAt = cmpOr(c.UpdatedAt, now)
		s.put(c)
	}
	return nil
}
