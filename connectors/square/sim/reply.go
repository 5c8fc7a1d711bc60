package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// Error categories and the codes the simulator answers with (the spec's
// ErrorCategory and ErrorCode, plus VERSION_MISMATCH, see doc.go).
const (
	catAPI       = "API_ERROR"
	catAuth      = "AUTHENTICATION_ERROR"
	catInvalid   = "INVALID_REQUEST_ERROR"
	catRateLimit = "RATE_LIMIT_ERROR"

	codeBadRequest      = "BAD_REQUEST"
	codeNotFound        = "NOT_FOUND"
	codeInvalidCursor   = "INVALID_CURSOR"
	codeVersionMismatch = "VERSION_MISMATCH"
	codeKeyReused       = "IDEMPOTENCY_KEY_REUSED"
)

// sqError is one element of Square's {"errors":[…]} envelope.
type sqError struct {
	Category string `json:"category"`
	Code     string `json:"code"`
	Detail   string `json:"detail,omitempty"`
	Field    string `json:"field,omitempty"`
}

// errorBody is the envelope of every error response.
type errorBody struct {
	Errors []sqError `json:"errors"`
}

// reply is a finished response; building it before writing lets fault
// injection cut or drop it.
type reply struct {
	status int
	body   []byte
}

func jsonReply(status int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil { // only our own types are marshalled; this is a bug
		panic(fmt.Sprintf("sim: marshal response: %v", err))
	}
	return reply{status, b}
}

func errReply(status int, category, code, field, detail string) reply {
	return jsonReply(status, errorBody{[]sqError{{category, code, detail, field}}})
}

// badRequest is a 400 INVALID_REQUEST_ERROR naming field.
func badRequest(code, field, detail string) reply {
	return errReply(http.StatusBadRequest, catInvalid, code, field, detail)
}

// requestError is a request problem found while decoding or validating; it
// becomes a 400 (or its own status) with one error.
type requestError struct {
	status int // 0 means 400
	sqError
}

func (e *requestError) Error() string { return e.Code + " " + e.Field + ": " + e.Detail }

func (e *requestError) reply() reply {
	return errReply(cmpOr(e.status, http.StatusBadRequest), e.Category, e.Code, e.Field, e.Detail)
}

func reqErr(code, field, detail string) *requestError {
	return &requestError{sqError: sqError{Category: catInvalid, Code: code, Field: field, Detail: detail}}
}

func (rep reply) write(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(rep.body)))
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body) // the client may be gone; nothing to do about it
}

// writeTruncated sends the status and the first half of the body, which is
// never valid JSON ("{}" is cut to "{"). The transport sees a clean end.
func (rep reply) writeTruncated(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body[:len(rep.body)/2])
}

// maxBody bounds a request body: a bulk create of 100 full customers is
// well under 1 MiB.
const maxBody = 1 << 20

// readBody reads the request body of any method; ok is false with the
// reply to send when it cannot be read.
func readBody(r *http.Request) ([]byte, reply, bool) {
	if r.Body == nil {
		return nil, reply{}, true
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	switch {
	case err != nil:
		return nil, badRequest(codeBadRequest, "", "reading request body: "+err.Error()), false
	case len(b) > maxBody:
		return nil, errReply(http.StatusRequestEntityTooLarge, catInvalid, codeBadRequest, "",
			fmt.Sprintf("request body exceeds %d bytes", maxBody)), false
	}
	return b, reply{}, true
}
