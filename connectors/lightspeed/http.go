package lightspeed

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/accordhq/accord/engine"
)

// request is one API call, possibly sent several times.
type request struct {
	method string
	path   string // under /api/2.0, already escaped
	// query is rebuilt for every attempt, so that a retry after a 429 or a
	// 504 asks for the smaller page.
	query func() url.Values
	body  []byte
	// idempotent requests may be sent again after a failure that may have
	// reached the server. POST /customers is not: X-Series has no
	// idempotency key, so a second send can create a duplicate.
	idempotent bool
	// slowDown is called on 429 and 504, before the next attempt.
	slowDown func()
}

// response is a complete HTTP response, or one whose body was cut off
// (bodyErr set).
type response struct {
	status  int
	header  http.Header
	body    []byte
	bodyErr error
}

// maxBody bounds a response body: a 200-customer page is about 300 KB, so
// anything near this is a broken server, not data.
const maxBody = 64 << 20

// attempt sends r once. A nil response means no response headers arrived;
// sent then tells whether any of the request may have reached the server,
// which decides whether a write's outcome is unknown.
func (c *Client) attempt(ctx context.Context, r *request) (resp *response, sent bool, err error) {
	u := c.root + r.path
	if r.query != nil {
		if q := r.query().Encode(); q != "" {
			u += "?" + q
		}
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	// Headers written to the connection are the earliest point at which the
	// server may act on the request; before that (dial, TLS, a token source
	// failing) nothing was sent and a retry is always safe.
	var wrote atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteHeaders: func() { wrote.Store(true) },
		WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Store(true) },
	})
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return nil, false, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}

	c.calls.Add(1)
	res, err := c.http.Do(req)
	if err != nil {
		return nil, wrote.Load(), c.scrub(err)
	}
	defer res.Body.Close()
	resp = &response{status: res.StatusCode, header: res.Header}
	resp.body, resp.bodyErr = io.ReadAll(io.LimitReader(res.Body, maxBody+1))
	if resp.bodyErr == nil && len(resp.body) > maxBody {
		resp.bodyErr = fmt.Errorf("response body larger than %d bytes", maxBody)
	}
	if resp.bodyErr != nil {
		resp.bodyErr = c.scrub(resp.bodyErr)
	}
	c.observe(res.Header)
	return resp, true, nil
}

// scrub removes the token from an error's text, in case a transport or a
// proxy echoed a header. It keeps the chain for errors.Is only when the
// token is not in it.
func (c *Client) scrub(err error) error {
	if err == nil || c.token == "" || !strings.Contains(err.Error(), c.token) {
		return err
	}
	return fmt.Errorf("%s", strings.ReplaceAll(err.Error(), c.token, "[redacted]"))
}

// APIError is a non-2xx response from X-Series. The body's envelope is
// {"error": title, "message": detail}; Field is the customer field the
// message names, when it names one. It matches engine.ErrNotFound for a 404.
type APIError struct {
	Status  int
	Title   string
	Message string
	Field   string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d", e.Status)
	if e.Title != "" {
		b.WriteString(" " + e.Title)
	} else if t := http.StatusText(e.Status); t != "" {
		b.WriteString(" " + t)
	}
	if e.Field != "" && !strings.HasPrefix(e.Message, e.Field) {
		b.WriteString(": field " + e.Field)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// Is makes errors.Is(err, engine.ErrNotFound) hold for a 404.
func (e *APIError) Is(target error) bool {
	return target == engine.ErrNotFound && e.Status == http.StatusNotFound
}

// apiError reads the error envelope of resp. The shape of validation errors
// is unconfirmed (connectors.md §1.8), so it accepts a "field" key, or a
// message that starts with a known field name ("email: is invalid").
func (c *Client) apiError(resp *response) *APIError {
	e := &APIError{Status: resp.status}
	var env struct {
		Error   json.RawMessage `json:"error"`
		Message json.RawMessage `json:"message"`
		Field   json.RawMessage `json:"field"`
	}
	if json.Unmarshal(resp.body, &env) == nil {
		e.Title, e.Message, e.Field = text(env.Error), text(env.Message), text(env.Field)
	}
	if e.Message == "" && e.Title == "" && len(resp.body) > 0 && !json.Valid(resp.body) {
		e.Message = string(resp.body) // a proxy's plain-text or HTML error
	}
	e.Title = clip(c.redact(e.Title), 200)
	e.Message = clip(c.redact(e.Message), 500)
	if e.Field == "" {
		e.Field = fieldIn(e.Message, c.refField)
	}
	return e
}

// text returns a JSON string as is, and any other JSON value as its text, so
// an unexpected shape ({"error":{"code":…}}) still reaches the operator.
func text(raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
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

// fieldIn returns the wire field that message starts with, if any.
func fieldIn(message, refField string) string {
	name, _, ok := strings.Cut(message, ":")
	if !ok {
		name, _, _ = strings.Cut(message, " ")
	}
	name = strings.Trim(strings.TrimSpace(name), `"'`)
	if name == refField || bodyFields[name] {
		return name
	}
	return ""
}
