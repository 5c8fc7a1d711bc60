package sim

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// customerResponse is Create/Retrieve/UpdateCustomerResponse: either the
// customer or the errors.
type customerResponse struct {
	Errors   []sqError `json:"errors,omitempty"`
	Customer *Customer `json:"customer,omitempty"`
}

var errNoPublicField = reqErr(codeBadRequest, "",
	"At least one of given_name, family_name, company_name, email_address or phone_number is required.")

// newCustomer validates the properties of m and builds a customer created
// at now, under s.mu. Its id is drawn but not stored.
func (s *Server) newCustomer(m map[string]json.RawMessage, now time.Time) (Customer, *requestError) {
	var c Customer
	if err := applyFields(&c, m); err != nil {
		return Customer{}, err
	}
	if !c.Public() {
		return Customer{}, errNoPublicField
	}
	c.ID = s.newID()
	c.CreatedAt, c.UpdatedAt = stamp(now), stamp(now)
	c.CreationSource = "THIRD_PARTY"
	return c, nil
}

// create serves POST /v2/customers. With an idempotency_key, the same
// request again replays the first response, and a different request with
// that key is a 400 IDEMPOTENCY_KEY_REUSED.
func (s *Server) create(body []byte, commit bool) reply {
	var m map[string]json.RawMessage
	if err := decodeBody(body, &m); err != nil {
		return err.reply()
	}
	key, err := optString(m["idempotency_key"], "idempotency_key")
	if err != nil {
		return err.reply()
	}
	canon, _ := canonicalJSON(body)
	hash := bodyHash(canon)

	s.mu.Lock()
	if key != "" {
		replay, reused := s.idem.lookup(nsCreate, key, hash)
		switch {
		case reused:
			s.mu.Unlock()
			s.count(func(st *Stats) { st.KeyReused++ })
			return keyReused("idempotency_key").reply()
		case replay != nil:
			s.mu.Unlock()
			s.count(func(st *Stats) { st.Replays++ })
			return reply{http.StatusOK, replay}
		}
	}
	now := s.opts.Now()
	c, err := s.newCustomer(m, now)
	if err != nil {
		s.mu.Unlock()
		return err.reply()
	}
	rep := jsonReply(http.StatusOK, customerResponse{Customer: &c})
	if commit {
		s.put(c, now)
		if key != "" {
			s.idem.store(nsCreate, key, hash, rep.body)
		}
	}
	s.mu.Unlock()
	if commit {
		s.emit(Change{Type: "customer.created", Customer: c.clone(), At: now})
	}
	return rep
}

// bulkCreate serves POST /v2/customers/bulk-create: 1 to 100 entries keyed
// by idempotency key, each created, replayed or refused on its own.
func (s *Server) bulkCreate(body []byte, commit bool) reply {
	var b struct {
		Customers map[string]json.RawMessage `json:"customers"`
	}
	if err := decodeBody(body, &b); err != nil {
		return err.reply()
	}
	switch n := len(b.Customers); {
	case b.Customers == nil:
		return badRequest("MISSING_REQUIRED_PARAMETER", "customers", "customers is required.")
	case n == 0:
		return badRequest("ARRAY_EMPTY", "customers", "customers must hold at least 1 entry.")
	case n > maxLimit:
		return badRequest("ARRAY_LENGTH_TOO_LONG", "customers", "customers must hold at most 100 entries.")
	}
	keys := slices.Sorted(maps.Keys(b.Customers)) // ids are drawn in key order, so a seed reproduces them
	out := make(map[string]json.RawMessage, len(keys))
	var changes []Change
	replays, reusedN := 0, 0
	now := s.opts.Now()

	s.mu.Lock()
	for _, key := range keys {
		raw := b.Customers[key]
		canon, ok := canonicalJSON(raw)
		if !ok {
			out[key] = entryError(reqErr("EXPECTED_OBJECT", "customers."+key, "Expected an object."))
			continue
		}
		hash := bodyHash(canon)
		if replay, reused := s.idem.lookup(nsBulk, key, hash); reused {
			reusedN++
			out[key] = entryError(keyReused("customers." + key))
			continue
		} else if replay != nil {
			replays++
			out[key] = replay
			continue
		}
		var m map[string]json.RawMessage
		_ = json.Unmarshal(raw, &m) // canonicalJSON proved it is an object
		c, err := s.newCustomer(m, now)
		if err != nil {
			out[key] = entryError(err)
			continue
		}
		rep := jsonReply(http.StatusOK, customerResponse{Customer: &c})
		out[key] = rep.body
		if commit {
			s.put(c, now)
			s.idem.store(nsBulk, key, hash, rep.body)
			changes = append(changes, Change{Type: "customer.created", Customer: c.clone(), At: now})
		}
	}
	s.mu.Unlock()
	s.count(func(st *Stats) { st.Replays += int64(replays); st.KeyReused += int64(reusedN) })
	s.emit(changes...)
	return jsonReply(http.StatusOK, map[string]any{"responses": out})
}

func entryError(e *requestError) json.RawMessage {
	return jsonReply(0, customerResponse{Errors: []sqError{e.sqError}}).body
}

func notFound(id string) *requestError {
	e := reqErr(codeNotFound, "", "Customer with ID `"+id+"` not found.")
	e.status = http.StatusNotFound
	return e
}

// versionMismatch is the optimistic-concurrency failure. Square's customer
// docs name no code; the simulator answers 409 VERSION_MISMATCH (doc.go).
func versionMismatch(want, have int64) *requestError {
	e := reqErr(codeVersionMismatch, "version",
		"Version "+strconv.FormatInt(want, 10)+" is stale; the customer is at version "+strconv.FormatInt(have, 10)+".")
	e.status = http.StatusConflict
	return e
}

// update serves PUT /v2/customers/{id}: a sparse update, optionally
// guarded by version. Every update bumps the version by one.
func (s *Server) update(id string, body []byte, commit bool) reply {
	var m map[string]json.RawMessage
	if err := decodeBody(body, &m); err != nil {
		return err.reply()
	}
	var want *int64
	if raw, ok := m["version"]; ok && string(raw) != "null" {
		var v int64
		if json.Unmarshal(raw, &v) != nil {
			return badRequest("EXPECTED_INTEGER", "version", "Expected an integer.")
		}
		want = &v
	}
	now := s.opts.Now()
	s.mu.Lock()
	r, ok := s.byID[id]
	if !ok {
		s.mu.Unlock()
		return notFound(id).reply()
	}
	if want != nil && *want != r.cur.c.Version {
		have := r.cur.c.Version
		s.mu.Unlock()
		s.count(func(st *Stats) { st.VersionMismatches++ })
		return versionMismatch(*want, have).reply()
	}
	c := r.cur.c.clone()
	if err := applyFields(&c, m); err != nil {
		s.mu.Unlock()
		return err.reply()
	}
	c.Version++
	c.UpdatedAt = stamp(now)
	if commit {
		s.put(c, now)
	}
	s.mu.Unlock()
	if commit {
		s.emit(Change{Type: "customer.updated", Customer: c.clone(), At: now})
	}
	return jsonReply(http.StatusOK, customerResponse{Customer: &c})
}

// remove serves DELETE /v2/customers/{id}[?version=N] with 200 {}.
func (s *Server) remove(id string, q url.Values, commit bool) reply {
	var want *int64
	if v := q.Get("version"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return badRequest("EXPECTED_INTEGER", "version", "Expected an integer.")
		}
		want = &n
	}
	now := s.opts.Now()
	s.mu.Lock()
	r, ok := s.byID[id]
	if !ok {
		s.mu.Unlock()
		return notFound(id).reply()
	}
	if want != nil && *want != r.cur.c.Version {
		have := r.cur.c.Version
		s.mu.Unlock()
		s.count(func(st *Stats) { st.VersionMismatches++ })
		return versionMismatch(*want, have).reply()
	}
	last := r.cur.c.clone()
	if commit {
		s.drop(r)
	}
	s.mu.Unlock()
	if commit {
		s.emit(Change{Type: "customer.deleted", Customer: last, At: now})
	}
	return reply{http.StatusOK, []byte("{}")}
}

// retrieve serves GET /v2/customers/{id}. It reads the latest state, not
// the propagated one, and also returns customers without public fields.
func (s *Server) retrieve(id string) reply {
	s.mu.RLock()
	r, ok := s.byID[id]
	var c Customer
	if ok {
		c = r.cur.c.clone()
	}
	s.mu.RUnlock()
	if !ok {
		return notFound(id).reply()
	}
	return jsonReply(http.StatusOK, customerResponse{Customer: &c})
}

// bulkRetrieve serves POST /v2/customers/bulk-retrieve for 1 to 100 ids.
func (s *Server) bulkRetrieve(body []byte) reply {
	var b struct {
		CustomerIDs []string `json:"customer_ids"`
	}
	if err := decodeBody(body, &b); err != nil {
		return err.reply()
	}
	switch n := len(b.CustomerIDs); {
	case n == 0:
		return badRequest("ARRAY_EMPTY", "customer_ids", "customer_ids must hold at least 1 id.")
	case n > maxLimit:
		return badRequest("ARRAY_LENGTH_TOO_LONG", "customer_ids", "customer_ids must hold at most 100 ids.")
	}
	out := make(map[string]customerResponse, len(b.CustomerIDs))
	s.mu.RLock()
	for _, id := range b.CustomerIDs {
		if r, ok := s.byID[id]; ok {
			c := r.cur.c.clone()
			out[id] = customerResponse{Customer: &c}
		} else {
			out[id] = customerResponse{Errors: []sqError{notFound(id).sqError}}
		}
	}
	s.mu.RUnlock()
	return jsonReply(http.StatusOK, map[string]any{"responses": out})
}
