package sim

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// Stats counts API traffic since New or the last ResetStats. Introspection
// calls under /__sim/ are never counted.
type Stats struct {
	// Total is every request under /v2/, whatever its outcome.
	Total int64 `json:"total"`
	// Unauthorized counts 401s (missing or wrong token); these requests are
	// not counted per operation nor against the rate limit.
	Unauthorized int64 `json:"unauthorized"`
	// List … Delete count authenticated requests per operation, including
	// those that then got a 429 or a fault.
	List         int64 `json:"list"`
	Search       int64 `json:"search"`
	Get          int64 `json:"get"`
	Create       int64 `json:"create"`
	BulkCreate   int64 `json:"bulk_create"`
	BulkRetrieve int64 `json:"bulk_retrieve"`
	Update       int64 `json:"update"`
	Delete       int64 `json:"delete"`
	// RateLimited counts 429s served, from the limit and injected.
	RateLimited int64 `json:"rate_limited"`
	// Replays counts creates answered from the idempotency cache (bulk
	// entries one by one); KeyReused counts IDEMPOTENCY_KEY_REUSED answers.
	Replays   int64 `json:"replays"`
	KeyReused int64 `json:"key_reused"`
	// VersionMismatches counts 409 VERSION_MISMATCH answers.
	VersionMismatches int64 `json:"version_mismatches"`
	// CursorErrors counts 400 INVALID_CURSOR answers.
	CursorErrors int64 `json:"cursor_errors"`
	// Faults counts injected faults by kind.
	Faults FaultStats `json:"faults"`
}

// FaultStats counts injected faults by kind (the ParseFaults keys).
type FaultStats struct {
	RateLimit   int64 `json:"429"`
	ServerError int64 `json:"500"`
	Timeout     int64 `json:"timeout"`
	Truncate    int64 `json:"truncate"`
	// Latency counts requests that were delayed.
	Latency int64 `json:"latency"`
	// AppliedWrites counts writes that took effect although the client was
	// answered with a fault.
	AppliedWrites int64 `json:"applied_writes"`
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	return s.stats
}

// ResetStats sets all counters to zero. It does not touch the rate limit.
func (s *Server) ResetStats() { s.count(func(st *Stats) { *st = Stats{} }) }

func (s *Server) count(fn func(*Stats)) {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	fn(&s.stats)
}

// admit counts an authenticated API request and returns the faults in force
// for it.
func (s *Server) admit(o op) Faults {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	st := &s.stats
	st.Total++
	if c := map[op]*int64{
		opList: &st.List, opSearch: &st.Search, opGet: &st.Get, opCreate: &st.Create,
		opBulkCreate: &st.BulkCreate, opBulkRetrieve: &st.BulkRetrieve, opUpdate: &st.Update, opDelete: &st.Delete,
	}[o]; c != nil {
		*c++
	}
	if s.faults.Latency > 0 {
		st.Faults.Latency++
	}
	return s.faults
}

// serveAdmin is the introspection API for scripts running the simulator in
// another process. It needs the bearer token but is never counted,
// rate-limited or faulted:
//
//	GET  /__sim/customers  all customers by (created_at, id), latest state (JSON array)
//	GET  /__sim/stats      Stats as JSON
//	GET  /__sim/faults     {"faults":"<spec>"}
//	POST /__sim/faults     body: a ParseFaults spec ("" clears);
//	                       answers {"faults":"<spec>"}, or 400
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		errReply(http.StatusUnauthorized, catAuth, "UNAUTHORIZED", "", "This request could not be authorized.").write(w)
		return
	}
	type faultsBody struct {
		Faults string `json:"faults"`
	}
	switch r.Method + " " + strings.TrimPrefix(r.URL.Path, adminPrefix) {
	case "GET customers":
		jsonReply(http.StatusOK, s.Customers()).write(w)
	case "GET stats":
		jsonReply(http.StatusOK, s.Stats()).write(w)
	case "GET faults":
		s.ctl.Lock()
		f := s.faults
		s.ctl.Unlock()
		jsonReply(http.StatusOK, faultsBody{f.String()}).write(w)
	case "POST faults":
		spec, err := io.ReadAll(io.LimitReader(r.Body, 4096))
		if err != nil {
			badRequest(codeBadRequest, "", "reading request body: "+err.Error()).write(w)
			return
		}
		f, err := ParseFaults(strings.TrimSpace(unquote(string(spec))))
		if err != nil {
			badRequest(codeBadRequest, "faults", err.Error()).write(w)
			return
		}
		s.SetFaults(f)
		jsonReply(http.StatusOK, faultsBody{f.String()}).write(w)
	default:
		errReply(http.StatusNotFound, catInvalid, codeNotFound, "", "no route for "+r.Method+" "+r.URL.Path).write(w)
	}
}

// unquote accepts the spec also as a JSON string, for clients that always
// send JSON bodies.
func unquote(b string) string {
	var s string
	if json.Unmarshal([]byte(strings.TrimSpace(b)), &s) == nil {
		return s
	}
	return b
}
