package sim

import (
	"net/http"
	"net/url"
	"strings"
)

// op is an API operation; Stats counts requests per op.
type op int

const (
	opNone op = iota
	opList
	opSearch
	opGet
	opCreate
	opBulkCreate
	opBulkRetrieve
	opUpdate
	opDelete
)

// write reports whether the operation changes state. SearchCustomers and
// BulkRetrieveCustomers are POSTs but only read.
func (o op) write() bool {
	return o == opCreate || o == opBulkCreate || o == opUpdate || o == opDelete
}

// route is the result of matching a request path under /v2.
type route struct {
	op    op
	id    string
	allow string // for a 405
}

func routeAPI(method, p string) route {
	pick := func(allow string, m map[string]op, id string) route {
		if o, ok := m[method]; ok {
			return route{op: o, id: id}
		}
		return route{allow: allow}
	}
	switch p {
	case "/customers":
		return pick("GET, POST", map[string]op{http.MethodGet: opList, http.MethodPost: opCreate}, "")
	case "/customers/search":
		return pick("POST", map[string]op{http.MethodPost: opSearch}, "")
	case "/customers/bulk-create":
		return pick("POST", map[string]op{http.MethodPost: opBulkCreate}, "")
	case "/customers/bulk-retrieve":
		return pick("POST", map[string]op{http.MethodPost: opBulkRetrieve}, "")
	}
	if rest, ok := strings.CutPrefix(p, "/customers/"); ok && rest != "" && !strings.Contains(rest, "/") {
		id, err := url.PathUnescape(rest)
		if err == nil {
			return pick("GET, PUT, DELETE", map[string]op{
				http.MethodGet: opGet, http.MethodPut: opUpdate, http.MethodDelete: opDelete,
			}, id)
		}
	}
	return route{}
}

// exec runs one operation. commit=false computes the response of a write
// without changing any state; fault injection uses it to answer for a write
// that never happened.
func (s *Server) exec(rt route, r *http.Request, body []byte, commit bool) reply {
	switch rt.op {
	case opList:
		return s.list(r.URL.Query())
	case opSearch:
		return s.search(body)
	case opGet:
		return s.retrieve(rt.id)
	case opBulkRetrieve:
		return s.bulkRetrieve(body)
	case opCreate:
		return s.create(body, commit)
	case opBulkCreate:
		return s.bulkCreate(body, commit)
	case opUpdate:
		return s.update(rt.id, body, commit)
	case opDelete:
		return s.remove(rt.id, r.URL.Query(), commit)
	}
	return errReply(http.StatusNotFound, catInvalid, codeNotFound, "", "no route")
}
