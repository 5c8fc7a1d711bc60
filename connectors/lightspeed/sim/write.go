package sim

import (
	"net/http"
)

// create is POST /customers. Neither email nor customer_code is unique, and
// there is no idempotency key: a retried create makes a duplicate, as on the
// real API.
func (s *Server) create(body []byte, commit bool) reply {
	// Defaults as in the spec's create example.
	c := Customer{CustomerGroupID: DefaultGroupID, EnableLoyalty: true}
	if err := applyBody(&c, body, true); err != nil {
		return bodyErr(err)
	}
	c.setName()
	s.mu.Lock()
	c.ID = s.newUUID()
	if c.CustomerCode == "" {
		c.CustomerCode = codePrefix(deref(c.FirstName)) + "-" + s.randCode()
	}
	c.CreatedAt = stamp(s.opts.Now())
	c.UpdatedAt = c.CreatedAt
	c = s.commit(c, commit)
	s.mu.Unlock()
	if commit {
		s.emit(c)
	}
	return jsonReply(http.StatusCreated, oneBody{c})
}

// update is PUT /customers/{id}: a partial update of the keys present in the
// body. A soft-deleted customer cannot be updated (404).
func (s *Server) update(id string, body []byte, commit bool) reply {
	s.mu.Lock()
	slot, ok := s.lookup(id)
	if !ok || s.isDeleted(slot) {
		s.mu.Unlock()
		return errReply(http.StatusNotFound, "Customer not found: "+id)
	}
	c := s.read(slot)
	if err := applyBody(&c, body, false); err != nil {
		s.mu.Unlock()
		return bodyErr(err)
	}
	c.setName()
	c.UpdatedAt = stamp(s.opts.Now())
	c = s.commit(c, commit)
	s.mu.Unlock()
	if commit {
		s.emit(c)
	}
	return jsonReply(http.StatusOK, oneBody{c})
}

// remove is DELETE /customers/{id}: a soft delete that sets deleted_at and
// bumps the version, so the delete shows in the feed with deleted=true.
func (s *Server) remove(id string, commit bool) reply {
	s.mu.Lock()
	slot, ok := s.lookup(id)
	if !ok || s.isDeleted(slot) {
		s.mu.Unlock()
		return errReply(http.StatusNotFound, "Customer not found: "+id)
	}
	c := s.read(slot)
	now := stamp(s.opts.Now())
	c.DeletedAt, c.UpdatedAt = &now, now
	c = s.commit(c, commit)
	s.mu.Unlock()
	if commit {
		s.emit(c)
	}
	return reply{status: http.StatusNoContent}
}

// commit stores c, or with commit=false only shows the version it would get.
func (s *Server) commit(c Customer, commit bool) Customer {
	if commit {
		return s.put(c)
	}
	c.Version = s.version + 1
	return c
}

// randCode is the random part of a generated customer_code.
func (s *Server) randCode() string {
	var b [4]byte
	for i := range b {
		b[i] = codeChars[s.rng.IntN(len(codeChars))]
	}
	return string(b[:])
}
