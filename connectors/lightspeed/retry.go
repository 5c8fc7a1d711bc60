package lightspeed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/accordhq/accord/engine"
)

// Backoff between retries of a failed read: exponential from backoffBase,
// capped at backoffCap, with jitter so that several accord processes hitting
// one store do not retry in step.
const (
	backoffBase = 500 * time.Millisecond
	backoffCap  = 30 * time.Second
	// skewWait is how long to wait when Retry-After is already in the past
	// (our clock runs ahead of the server's): the header has one-second
	// resolution, so one second is the shortest wait it could have meant.
	skewWait = time.Second
)

// do sends r until it succeeds or fails for good, and hands a 2xx body to
// decode. A decode error counts as a cut-off body.
//
// Errors: 4xx is engine.Terminal (an *APIError inside, matching
// engine.ErrNotFound on 404); 429 beyond MaxWait or MaxRetries is an
// *engine.RetryAfterError; a failure after which a non-idempotent request
// may have been applied wraps engine.ErrUnknownOutcome; anything else is a
// plain, retryable error.
func (c *Client) do(ctx context.Context, r *request, decode func([]byte) error) error {
	for retry := 0; ; retry++ {
		if err := c.pace(ctx); err != nil {
			return err
		}
		resp, sent, err := c.attempt(ctx, r)
		var wait time.Duration
		switch {
		case err != nil && !sent && (engine.IsTerminal(err) || errors.Is(err, engine.ErrNeedsReauth)):
			// Nothing was sent: the token source refused (the connection
			// needs re-authorisation). Retrying cannot help.
			return err
		case err != nil || (resp.status >= 200 && resp.status < 300):
			if err == nil {
				if err = resp.bodyErr; err == nil {
					if err = decode(resp.body); err == nil {
						return nil
					}
				}
				var p *permanent
				if errors.As(err, &p) {
					if r.idempotent {
						return p.err // the same bytes would come back
					}
					// After a write the one thing that matters is that its
					// outcome is unknown; drop ErrInvalid from the chain so
					// no caller mistakes it for a rejected record.
					err = errors.New(p.Error())
				}
				err = fmt.Errorf("unreadable response body (HTTP %d): %w", resp.status, err)
			}
			if sent && !r.idempotent {
				return fmt.Errorf("%w: %w", engine.ErrUnknownOutcome, err)
			}
			if ctx.Err() != nil {
				return err
			}
			if retry >= c.maxRetries {
				return giveUp(err, retry)
			}
			wait = c.backoff(retry)

		case resp.status == http.StatusTooManyRequests:
			// X-Series rejects a throttled request before acting on it, so
			// even a create may be sent again.
			apiErr := c.apiError(resp)
			if r.slowDown != nil {
				r.slowDown()
			}
			now := c.now()
			after, ok := parseRetryAfter(resp.header.Get("Retry-After"), now)
			if !ok {
				after, ok = parseReset(resp.header.Get("X-RateLimit-Reset"), now)
			}
			if !ok {
				after = now.Add(c.backoff(retry))
			}
			if !after.After(now) {
				after = now.Add(skewWait)
			}
			wait = after.Sub(now)
			if wait > c.maxWait || retry >= c.maxRetries {
				return &engine.RetryAfterError{Err: apiErr, After: after}
			}
			err = apiErr

		case resp.status >= 500 || resp.status == http.StatusRequestTimeout:
			apiErr := c.apiError(resp)
			if resp.status == http.StatusGatewayTimeout && r.slowDown != nil {
				r.slowDown()
			}
			if !r.idempotent {
				return fmt.Errorf("%w: %w", engine.ErrUnknownOutcome, apiErr)
			}
			if retry >= c.maxRetries {
				return giveUp(apiErr, retry)
			}
			wait = c.backoff(retry)
			// A 503 may say when to come back; honour it if it is longer.
			now := c.now()
			if t, ok := parseRetryAfter(resp.header.Get("Retry-After"), now); ok {
				if d := t.Sub(now); d > wait && d <= c.maxWait {
					wait = d
				}
			}
			err = apiErr

		default:
			// 4xx (bad request, validation, credentials, not found) and
			// unexpected 1xx/3xx: sending it again cannot help.
			return engine.Terminal(c.apiError(resp))
		}

		c.log.LogAttrs(ctx, slog.LevelWarn, "lightspeed: retrying",
			slog.String("method", r.method), slog.String("path", r.path),
			slog.Int("retry", retry+1), slog.Duration("wait", wait), slog.String("error", err.Error()))
		if err := c.sleep(ctx, wait); err != nil {
			return fmt.Errorf("waiting to retry: %w", err)
		}
	}
}

// permanent marks a decode error that a retry cannot fix: the body was
// complete JSON, but the record in it is unreadable.
type permanent struct{ err error }

func (p *permanent) Error() string { return p.err.Error() }
func (p *permanent) Unwrap() error { return p.err }

func giveUp(err error, retries int) error {
	if retries == 0 {
		return err
	}
	return fmt.Errorf("%w (gave up after %d retries)", err, retries)
}

// backoff returns the wait before retry number retry+1: half of the
// exponential step fixed, half random.
func (c *Client) backoff(retry int) time.Duration {
	d := backoffCap
	if retry < 16 {
		d = min(backoffBase<<retry, backoffCap)
	}
	return d/2 + rand.N(d/2+1)
}

// parseRetryAfter reads Retry-After: an HTTP date (what X-Series sends,
// RFC 1123), or delta-seconds, accepted defensively.
func parseRetryAfter(v string, now time.Time) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, false
	}
	if t, err := http.ParseTime(v); err == nil {
		return t, true
	}
	if secs, err := strconv.ParseInt(v, 10, 32); err == nil && secs >= 0 {
		return now.Add(time.Duration(secs) * time.Second), true
	}
	return time.Time{}, false
}

// parseReset reads X-RateLimit-Reset, whose format X-Series does not
// document: an HTTP date, an RFC 3339 time, Unix seconds or delta-seconds.
func parseReset(v string, now time.Time) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs > 1e9 {
		return time.Unix(secs, 0), true // a Unix time, not a delta
	}
	if t, ok := parseRetryAfter(v, now); ok {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, true
	}
	return time.Time{}, false
}
