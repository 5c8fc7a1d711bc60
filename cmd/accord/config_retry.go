package main

import (
	"fmt"
	"time"

	"github.com/accordhq/accord/engine"
)

// RetryConfig says when a failing write stops being retried and goes to the
// dead letters, where a person retries or discards it.
type RetryConfig struct {
	MaxAttempts *int   `yaml:"max_attempts"` // default 8
	MaxAge      string `yaml:"max_age"`      // a Go duration since the write was planned, default 72h; 0 is none
}

// validate checks the retry settings of the pair at `at`.
func (r RetryConfig) validate(at string) []error {
	var errs []error
	if r.MaxAttempts != nil && *r.MaxAttempts < 1 {
		errs = append(errs, fmt.Errorf("%s.retry.max_attempts: %d must be 1 or more", at, *r.MaxAttempts))
	}
	if r.MaxAge != "" {
		if d, err := time.ParseDuration(r.MaxAge); err != nil || d < 0 {
			errs = append(errs, fmt.Errorf("%s.retry.max_age: %q is not a duration such as 72h (0 for none)", at, r.MaxAge))
		}
	}
	return errs
}

// policy is the engine's retry policy for the pair; the backoff keeps the
// engine's defaults.
func (r RetryConfig) policy() engine.RetryPolicy {
	var p engine.RetryPolicy
	if r.MaxAttempts != nil {
		p.MaxAttempts = *r.MaxAttempts
	}
	age := "72h"
	if r.MaxAge != "" {
		age = r.MaxAge
	}
	p.MaxAge, _ = time.ParseDuration(age) // validated with the configuration
	return p
}
