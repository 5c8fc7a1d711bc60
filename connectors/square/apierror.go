package square

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/accordhq/accord/engine"
)

// Error is one element of Square's {"errors":[…]} envelope.
type Error struct {
	Category string `json:"category"`
	Code     string `json:"code"`
	Detail   string `json:"detail,omitempty"`
	Field    string `json:"field,omitempty"`
}

// APIError is a non-2xx response from Square, or a failed entry of a bulk
// call (Status 0). It matches engine.ErrNotFound for 404/NOT_FOUND,
// engine.ErrConflict for 409, VERSION_MISMATCH and CONFLICT, and
// engine.ErrInvalid for a request Square refused as invalid (a validation
// code naming a field), so callers can use errors.Is.
type APIError struct {
	Status int
	Errors []Error
	// Body is the start of a response that had no errors envelope (a
	// proxy's HTML page, say).
	Body string
}

func (e *APIError) Error() string {
	var b strings.Builder
	if e.Status != 0 {
		fmt.Fprintf(&b, "HTTP %d", e.Status)
	} else {
		b.WriteString("rejected")
	}
	for i, x := range e.Errors {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(x.Code)
		if x.Field != "" {
			b.WriteString(" (field " + x.Field + ")")
		}
		if x.Detail != "" {
			b.WriteString(": " + x.Detail)
		}
	}
	if len(e.Errors) == 0 {
		if t := http.StatusText(e.Status); t != "" {
			b.WriteString(" " + t)
		}
		if e.Body != "" {
			b.WriteString(": " + e.Body)
		}
	}
	return b.String()
}

// HasCode reports whether any error of the response has code.
func (e *APIError) HasCode(code string) bool {
	for _, x := range e.Errors {
		if x.Code == code {
			return true
		}
	}
	return false
}

// Code returns the first error's code, or "".
func (e *APIError) Code() string {
	if len(e.Errors) == 0 {
		return ""
	}
	return e.Errors[0].Code
}

// Field returns the first field named by the errors, or "".
func (e *APIError) Field() string {
	for _, x := range e.Errors {
		if x.Field != "" {
			return x.Field
		}
	}
	return ""
}

// Is maps Square's codes onto the engine's sentinels.
func (e *APIError) Is(target error) bool {
	switch target {
	case engine.ErrNotFound:
		return e.Status == http.StatusNotFound || e.HasCode("NOT_FOUND") || e.HasCode("CUSTOMER_NOT_FOUND")
	case engine.ErrConflict:
		return e.Status == http.StatusConflict || e.HasCode("VERSION_MISMATCH") || e.HasCode("CONFLICT")
	case engine.ErrInvalid:
		return e.invalid()
	}
	return false
}

// invalid reports a request refused for its content: an
// INVALID_REQUEST_ERROR other than the ones with a meaning of their own.
func (e *APIError) invalid() bool {
	for _, x := range e.Errors {
		switch x.Code {
		case "IDEMPOTENCY_KEY_REUSED", "INVALID_CURSOR", "VERSION_MISMATCH", "CONFLICT", "NOT_FOUND", "CUSTOMER_NOT_FOUND":
			continue
		}
		if x.Category == "INVALID_REQUEST_ERROR" {
			return true
		}
	}
	return false
}

// kind is what a failed response means for the call.
type kind int

const (
	kindTerminal    kind = iota // retrying cannot help
	kindRateLimited             // back off and retry; nothing was applied
	kindTransient               // retry; a write may have been applied
)

// classify decides from the status and the codes: 429 or RATE_LIMITED backs
// off; 5xx, 408 and Square's server-side codes are transient; every other
// 4xx is terminal (bad input, credentials, a missing customer, a version
// conflict, a reused idempotency key).
func classify(e *APIError) kind {
	switch {
	case e.Status == http.StatusTooManyRequests || e.HasCode("RATE_LIMITED"):
		return kindRateLimited
	case e.Status >= 500 || e.Status == http.StatusRequestTimeout:
		return kindTransient
	}
	for _, x := range e.Errors {
		switch x.Code {
		case "INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "GATEWAY_TIMEOUT", "BAD_GATEWAY", "REQUEST_TIMEOUT":
			return kindTransient
		}
	}
	return kindTerminal
}

// apiError reads the error envelope of a response. A body without one is
// kept, clipped, so that the operator sees what came back.
func (c *Client) apiError(status int, body []byte) *APIError {
	e := &APIError{Status: status}
	var env struct {
		Errors []Error `json:"errors"`
	}
	if json.Unmarshal(body, &env) == nil && len(env.Errors) > 0 {
		e.Errors = env.Errors
	} else if len(body) > 0 {
		e.Body = clip(string(body), 300)
	}
	for i := range e.Errors {
		e.Errors[i].Detail = clip(c.redact(e.Errors[i].Detail), 500)
	}
	e.Body = c.redact(e.Body)
	return e
}

func (c *Client) redact(s string) string {
	if c.token == "" {
		return s
	}
	return strings.ReplaceAll(s, c.token, "[redacted]")
}

func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return strings.ToValidUTF8(s[:n], "") + "…"
	}
	return s
}
