package square

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

// Backoff between retries: exponential from backoffBase, capped at
// backoffCap, half fixed and half random, so that several accord processes
// throttled together do not retry in step. Square sends no Retry-After in
// general and recommends exactly this for RATE_LIMITED.
const (
	backoffBase = 500 * time.Millisecond
	backoffCap  = 30 * time.Second
)

// do sends r until it succeeds or fails for good, and hands a 2xx response
// to decode. A decode error counts as a cut-off body unless it is a
// *permanent one.
//
// Errors: 4xx other than 429 are engine.Terminal around an *APIError; 429
// (RATE_LIMITED) beyond MaxWait or MaxRetries is an *engine.RetryAfterError;
// 5xx, timeouts and cut-off bodies are retried (writes only when
// replayable) and are a plain, retryable error when the retries run out.
// Any error of a write that may have been applied wraps
// engine.ErrUnknownOutcome.
func (c *Client) do(ctx context.Context, r *request, decode func(*response) error) error {
	for retry := 0; ; retry++ {
		if c.gate != nil {
			if err := c.gate(ctx); err != nil {
				return r.finish(err)
			}
		}
		resp, sent, err := c.attempt(ctx, r)
		wait := c.backoff(retry)
		switch {
		case err != nil && !sent && (engine.IsTerminal(err) || errors.Is(err, engine.ErrNeedsReauth)):
			// Nothing was sent: the token source refused (the connection
			// needs re-authorisation). Retrying cannot help.
			return r.finish(err)
		case err != nil:
			r.maybeApplied = r.maybeApplied || (r.write && sent)
		case resp.status >= 200 && resp.status < 300:
			if err = resp.bodyErr; err == nil {
				if err = decode(resp); err == nil {
					return nil
				}
			}
			if p, ok := errors.AsType[*permanent](err); ok {
				if !r.write {
					return p.err // the same bytes would come back
				}
				// The write happened but its answer cannot be read; drop
				// ErrInvalid from the chain so no caller mistakes it for a
				// rejected record.
				r.maybeApplied = true
				return r.finish(fmt.Errorf("unreadable response (HTTP %d): %s", resp.status, p.Error()))
			}
			err = fmt.Errorf("unreadable response body (HTTP %d): %w", resp.status, err)
			r.maybeApplied = r.maybeApplied || r.write
		default:
			apiErr := c.apiError(resp.status, resp.body)
			switch classify(apiErr) {
			case kindTerminal:
				return r.finish(engine.Terminal(apiErr))
			case kindRateLimited:
				// Square rejects a throttled request before acting on it.
				now := c.now()
				if after, ok := parseRetryAfter(resp.header.Get("Retry-After"), now); ok {
					wait = max(after.Sub(now), time.Second)
				}
				if wait > c.maxWait || retry >= c.maxRetries {
					return r.finish(&engine.RetryAfterError{Err: apiErr, After: now.Add(wait)})
				}
				c.logRetry(ctx, r, retry, wait, apiErr)
				if err := c.sleep(ctx, wait); err != nil {
					return r.finish(fmt.Errorf("%w; stopped waiting to retry: %w", apiErr, err))
				}
				continue
			case kindTransient:
				r.maybeApplied = r.maybeApplied || r.write // a 5xx may come after the commit
				now := c.now()
				if after, ok := parseRetryAfter(resp.header.Get("Retry-After"), now); ok {
					if d := after.Sub(now); d > wait && d <= c.maxWait {
						wait = d
					}
				}
				err = apiErr
			}
		}
		// A transient failure: retry if the call may be sent again.
		switch {
		case r.write && r.maybeApplied && !r.replayable:
			return r.finish(err)
		case ctx.Err() != nil:
			return r.finish(err)
		case retry >= c.maxRetries:
			return r.finish(giveUp(err, retry))
		}
		c.logRetry(ctx, r, retry, wait, err)
		if serr := c.sleep(ctx, wait); serr != nil {
			return r.finish(fmt.Errorf("%w; stopped waiting to retry: %w", err, serr))
		}
	}
}

// finish marks the final error of a write that may have been applied.
func (r *request) finish(err error) error {
	if r.write && r.maybeApplied && !errors.Is(err, engine.ErrUnknownOutcome) && !engine.IsTerminal(err) {
		return fmt.Errorf("%w: %w", engine.ErrUnknownOutcome, err)
	}
	return err
}

func (c *Client) logRetry(ctx context.Context, r *request, retry int, wait time.Duration, err error) {
	c.log.LogAttrs(ctx, slog.LevelWarn, "square: retrying",
		slog.String("method", r.method), slog.String("path", r.path),
		slog.Int("retry", retry+1), slog.Duration("wait", wait), slog.String("error", err.Error()))
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

// backoff returns the wait before retry number retry+1.
func (c *Client) backoff(retry int) time.Duration {
	d := backoffCap
	if retry < 16 {
		d = min(backoffBase<<retry, backoffCap)
	}
	return d/2 + rand.N(d/2+1)
}

// parseRetryAfter reads Retry-After: delta-seconds or an HTTP date. Square
// does not document the header; it is honoured when a proxy or a future
// API version sends it.
func parseRetryAfter(v string, now time.Time) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, false
	}
	if secs, err := strconv.ParseInt(v, 10, 32); err == nil && secs >= 0 {
		return now.Add(time.Duration(secs) * time.Second), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return t, true
	}
	return time.Time{}, false
}
