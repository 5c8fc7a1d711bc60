package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// op is an API operation; Stats counts requests per op.
type op int

const (
	opNone op = iota
	opList
	opGet
	opCreate
	opUpdate
	opDelete
	opSearch
)

func (o op) write() bool { return o == opCreate || o == opUpdate || o == opDelete }

// route is the result of matching a request path under /api/2.0.
type route struct {
	op     op
	id     string
	status int    // for opNone: 404 or 405
	allow  string // for a 405
}

func routeAPI(method, p string) route {
	pick := func(allow string, m map[string]op, id string) route {
		if o, ok := m[method]; ok {
			return route{op: o, id: id}
		}
		return route{status: http.StatusMethodNotAllowed, allow: allow}
	}
	switch {
	case p == "/customers":
		return pick("GET, POST", map[string]op{http.MethodGet: opList, http.MethodPost: opCreate}, "")
	case p == "/search":
		return pick("GET", map[string]op{http.MethodGet: opSearch}, "")
	case strings.HasPrefix(p, "/customers/"):
		id := strings.TrimPrefix(p, "/customers/")
		if id != "" && !strings.Contains(id, "/") {
			return pick("GET, PUT, DELETE", map[string]op{
				http.MethodGet: opGet, http.MethodPut: opUpdate, http.MethodDelete: opDelete,
			}, id)
		}
	}
	return route{status: http.StatusNotFound}
}

// exec runs one operation. commit=false computes the response of a write
// without changing any state; fault injection uses it to answer for a write
// that never happened.
func (s *Server) exec(rt route, r *http.Request, commit bool) reply {
	switch rt.op {
	case opList:
		return s.list(r.URL.Query())
	case opGet:
		return s.getOne(rt.id)
	case opSearch:
		return s.search(r.URL.Query())
	case opDelete:
		return s.remove(rt.id, commit)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	switch {
	case err != nil:
		return errReply(http.StatusBadRequest, "reading request body: "+err.Error())
	case len(body) > maxBody:
		return errReply(http.StatusRequestEntityTooLarge, fmt.Sprintf("request body exceeds %d bytes", maxBody))
	case rt.op == opCreate:
		return s.create(body, commit)
	}
	return s.update(rt.id, body, commit)
}

const maxBody = 1 << 20

// apiError is the X-Series error envelope (connectors.md §1.8).
type apiError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// reply is a finished response; building it before writing lets fault
// injection cut or drop it.
type reply struct {
	status int
	body   []byte // nil for 204
}

func jsonReply(status int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil { // only our own types are marshalled; this is a bug
		panic(fmt.Sprintf("sim: marshal response: %v", err))
	}
	return reply{status, b}
}

// errReply builds the error body; the title is the status text, as in the
// vendor's 429 body ("Too Many Requests").
func errReply(status int, message string) reply {
	return jsonReply(status, apiError{http.StatusText(status), message})
}

// bodyErr maps applyBody errors: not JSON is a 400, a bad field a 422.
func bodyErr(err error) reply {
	var fe *fieldError
	if errors.As(err, &fe) {
		return errReply(http.StatusUnprocessableEntity, fe.Error())
	}
	return errReply(http.StatusBadRequest, err.Error())
}

func (rep reply) write(w http.ResponseWriter) {
	if rep.body == nil {
		w.WriteHeader(rep.status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(rep.body)))
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body) // the client may be gone; nothing to do about it
}

// writeTruncated sends the status and the first half of the body, which is
// never valid JSON. A body-less reply cannot be cut, so the connection is
// dropped instead.
func (rep reply) writeTruncated(w http.ResponseWriter) {
	if len(rep.body) < 2 {
		panic(http.ErrAbortHandler)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body[:len(rep.body)/2])
}

// Query parameter parsing. Each error names the parameter.

func int64Param(q url.Values, name string) (int64, bool, error) {
	v := q.Get(name)
	if v == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("%s: must be an integer", name)
	}
	return n, true, nil
}

// pageSize returns page_size, def when absent, clamped at max.
func pageSize(q url.Values, def, max int) (int, error) {
	n, ok, err := int64Param(q, "page_size")
	switch {
	case err != nil:
		return 0, err
	case !ok:
		return def, nil
	case n < 1:
		return 0, fmt.Errorf("page_size: must be at least 1")
	}
	return int(min(n, int64(max))), nil
}

func boolParam(q url.Values, name string) (bool, error) {
	v := q.Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s: must be true or false", name)
	}
	return b, nil
}
