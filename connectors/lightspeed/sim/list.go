package sim

import (
	"net/http"
	"net/url"
)

// versionRange is the "version" object of a collection: the lowest and
// highest version in "data".
type versionRange struct {
	Min int64 `json:"min"`
	Max int64 `json:"max"`
}

// listBody is the spec's CustomerCollection. Version is omitted when Data is
// empty: the 2.0 spec makes min and max required non-nullable integers, so
// the 2026-07 behaviour ({"min":null,"max":null}) would not validate, and a
// client reads an absent object exactly like one holding nulls.
type listBody struct {
	Data    []Customer    `json:"data"`
	Version *versionRange `json:"version,omitempty"`
}

type oneBody struct {
	Data Customer `json:"data"`
}

// list is GET /customers: the change feed. Rows with version > after (and
// <= before when given), ascending by version, soft-deleted ones only with
// deleted=true.
func (s *Server) list(q url.Values) reply {
	after, _, err := int64Param(q, "after")
	if err != nil {
		return errReply(http.StatusBadRequest, err.Error())
	}
	before, hasBefore, err := int64Param(q, "before")
	if err != nil {
		return errReply(http.StatusBadRequest, err.Error())
	}
	size, err := pageSize(q, s.opts.MaxPageSize, s.opts.MaxPageSize)
	if err != nil {
		return errReply(http.StatusBadRequest, err.Error())
	}
	deleted, err := boolParam(q, "deleted")
	if err != nil {
		return errReply(http.StatusBadRequest, err.Error())
	}
	out := make([]Customer, 0, min(size, 256))
	s.mu.RLock()
	s.scan(after, func(slot int32, v int64) bool {
		if hasBefore && v > before {
			return false
		}
		if deleted || !s.isDeleted(slot) {
			out = append(out, s.read(slot))
		}
		return len(out) < size
	})
	s.mu.RUnlock()
	body := listBody{Data: out}
	if len(out) > 0 {
		body.Version = &versionRange{Min: out[0].Version, Max: out[len(out)-1].Version}
	}
	return jsonReply(http.StatusOK, body)
}

// getOne is GET /customers/{id}. A soft-deleted customer is still returned,
// with deleted_at set.
func (s *Server) getOne(id string) reply {
	s.mu.RLock()
	slot, ok := s.lookup(id)
	var c Customer
	if ok {
		c = s.read(slot)
	}
	s.mu.RUnlock()
	if !ok {
		return errReply(http.StatusNotFound, "Customer not found: "+id)
	}
	return jsonReply(http.StatusOK, oneBody{c})
}
