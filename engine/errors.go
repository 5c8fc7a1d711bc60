package engine

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors. Wrap them with %w and context; test with errors.Is.
var (
	// ErrNotFound: the object does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the change collides with existing state (a unique key,
	// a record already linked, a decision already taken).
	ErrConflict = errors.New("conflict")
	// ErrInvalid: the input is malformed; the message names the field.
	ErrInvalid = errors.New("invalid")
	// ErrLocked: another process holds the pair's lock.
	ErrLocked = errors.New("pair is locked by another run")
	// ErrIncomplete: a record lacks what the target side requires.
	ErrIncomplete = errors.New("incomplete record")
	// ErrUnknownOutcome: a write may or may not have been applied (a
	// timeout, a 5xx, a cut-off response). It must be settled, never
	// blindly retried.
	ErrUnknownOutcome = errors.New("outcome unknown")
)

// terminalError marks an error that retrying cannot fix.
type terminalError struct{ err error }

func (e *terminalError) Error() string { return e.err.Error() }
func (e *terminalError) Unwrap() error { return e.err }

// Terminal wraps err so that IsTerminal reports true: the operation must not
// be retried (a rejected payload, a revoked grant). Terminal(nil) is nil.
func Terminal(err error) error {
	if err == nil {
		return nil
	}
	return &terminalError{err: err}
}

// IsTerminal reports whether err, or an error it wraps, is terminal.
func IsTerminal(err error) bool {
	var t *terminalError
	return errors.As(err, &t)
}

// RetryAfterError is a retryable error with the earliest time to retry, from
// a provider's Retry-After or rate-limit headers.
type RetryAfterError struct {
	Err   error
	After time.Time
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("%v (retry after %s)", e.Err, e.After.UTC().Format(time.RFC3339))
}

func (e *RetryAfterError) Unwrap() error { return e.Err }

// RetryAfter returns the earliest retry time carried by err, if any.
func RetryAfter(err error) (time.Time, bool) {
	var r *RetryAfterError
	if errors.As(err, &r) {
		return r.After, true
	}
	return time.Time{}, false
}
