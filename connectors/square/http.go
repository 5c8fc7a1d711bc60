package square

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
)

// request is one API call, possibly sent several times.
type request struct {
	method string
	path   string // from the root, already escaped: /v2/customers/...
	query  url.Values
	body   []byte
	// write marks a call that changes state: a failure after which it may
	// have been applied is reported as engine.ErrUnknownOutcome.
	write bool
	// replayable calls may be sent again after such a failure: reads, a
	// create carrying an idempotency key, and updates (setting values is
	// idempotent; a versioned one is checked by its caller).
	replayable bool
	// maybeApplied is set by do when an attempt of a write failed after
	// it may have reached Square (a 5xx, a timeout, a cut-off body).
	maybeApplied bool
}

// response is a complete HTTP response, or one whose body was cut off
// (bodyErr set).
type response struct {
	status  int
	header  http.Header
	body    []byte
	bodyErr error
}

// maxBody bounds a response body: a page of 100 customers is about 100 KB,
// so anything near this is a broken server, not data.
const maxBody = 32 << 20

// attempt sends r once. A nil response means no response headers arrived;
// sent then tells whether any of the request may have reached the server.
func (c *Client) attempt(ctx context.Context, r *request) (resp *response, sent bool, err error) {
	u := c.root + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	// Headers written to the connection are the earliest point at which the
	// server may act on the request; before that (dial, TLS, a token source
	// failing) nothing was sent and a write cannot have been applied.
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
	req.Header.Set("Square-Version", c.version)
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
	resp.bodyErr = c.scrub(resp.bodyErr)
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
