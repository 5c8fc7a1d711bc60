package square

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/accordhq/accord/engine"
)

// Options configures a Client. Zero values take the defaults named below.
type Options struct {
	// BaseURL is Square's address: https://connect.squareup.com (default),
	// https://connect.squareupsandbox.com, or a simulator. It must be
	// https, except for a loopback host. A trailing /v2 is accepted.
	BaseURL string
	// Token is an access token (personal or OAuth), sent as
	// "Authorization: Bearer". It may be empty when HTTPClient
	// authenticates by itself (an oauth2 client that refreshes tokens).
	Token string
	// HTTPClient sends the requests. Default: a client of its own with
	// http.DefaultTransport's settings. Its Timeout should be zero; the
	// per-request limit is Timeout.
	HTTPClient *http.Client
	// SquareVersion is the pinned Square-Version header. Default
	// DefaultSquareVersion, the version of the shared OpenAPI file.
	SquareVersion string
	// ExternalRefField names where the local id is kept. Square has one
	// place for it, reference_id, which is the default and the only value
	// accepted; the option exists so that a configuration naming another
	// field fails instead of being ignored.
	ExternalRefField string
	// AccountCodeField is the Square field read and written as the
	// canonical account code: "" (none, the default: Square has no account
	// code, so that matching tier is skipped) or "nickname". Custom
	// attributes are not offered: SearchCustomers does not return them, so
	// each would cost a call per customer.
	AccountCodeField string
	// PageSize is SearchCustomers' limit, 1..100. Default 100.
	PageSize int
	// Overlap is how far Rewind moves the cursor back at the start of each
	// run, to cover Square's propagation delay (changes reach Search after
	// up to about a minute) and clock differences. Default 2 minutes.
	Overlap time.Duration
	// UserAgent is sent on every request. Default "accord/<module version>".
	UserAgent string
	// MaxRetries bounds the retries of one call (5xx, timeouts, cut-off
	// bodies, 429s). Default 5; negative means none.
	MaxRetries int
	// MaxWait is the longest the client sleeps inside one call before a
	// retry. A longer wait (a long Retry-After) is returned to the caller as
	// an *engine.RetryAfterError. Default 1 minute; negative means never
	// wait.
	MaxWait time.Duration
	// Timeout bounds one HTTP request, body included. Default 30 seconds.
	Timeout time.Duration
	// Gate, when set, is called before every request is sent, retries
	// included; an error stops the call and is returned (for a write that
	// may already have been applied, wrapped with engine.ErrUnknownOutcome).
	// accord passes its API-budget meter here, so a budget is never overrun.
	Gate func(ctx context.Context) error
	// Now and Sleep replace the clock in tests. Sleep must return ctx.Err()
	// when ctx ends first.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger receives retries and cursor restarts at debug and warn
	// levels. Default: discard.
	Logger *slog.Logger
}

// Defaults.
const (
	DefaultBaseURL       = "https://connect.squareup.com"
	DefaultSquareVersion = "2025-08-20"
	DefaultPageSize      = 100
	DefaultOverlap       = 2 * time.Minute
	DefaultMaxRetries    = 5
	DefaultMaxWait       = time.Minute
	DefaultTimeout       = 30 * time.Second
	refField             = "reference_id"
)

// optionError names the configuration key at fault. It matches
// engine.ErrInvalid, so a caller can report bad configuration (exit code 2)
// without parsing messages.
type optionError struct{ field, problem string }

func (e *optionError) Error() string        { return "upstream." + e.field + ": " + e.problem }
func (e *optionError) Is(target error) bool { return target == engine.ErrInvalid }

// validate checks o and returns the API root (scheme://host[/path]),
// without /v2. Every problem is reported, not just the first, so a
// configuration is fixed in one pass.
func (o *Options) validate() (string, error) {
	var errs []error
	bad := func(field, problem string) { errs = append(errs, &optionError{field, problem}) }

	root, err := apiRoot(o.BaseURL)
	if err != nil {
		bad("base_url", err.Error())
	}
	if o.Token == "" && o.HTTPClient == nil {
		bad("token", "required (or connect with OAuth)")
	}
	// The token goes into a header; whitespace in it would be a pasting
	// mistake or a header injection. The value itself is never echoed.
	if strings.ContainsAny(o.Token, " \t\r\n") {
		bad("token", "must not contain whitespace")
	}
	if v := o.SquareVersion; v != "" {
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			bad("square_version", "must be a date as YYYY-MM-DD, such as "+DefaultSquareVersion)
		}
	}
	if f := o.ExternalRefField; f != "" && f != refField {
		bad("external_ref_field", "Square keeps the external ref in reference_id; leave it empty or set reference_id")
	}
	if f := o.AccountCodeField; f != "" && f != "nickname" {
		bad("account_code_field", `must be empty (Square has no account code) or "nickname"`)
	}
	if o.PageSize < 0 || o.PageSize > 100 {
		bad("page_size", "must be between 1 and 100 (Square's limit)")
	}
	if o.Overlap < 0 {
		bad("overlap", "must not be negative")
	}
	if o.Timeout < 0 {
		bad("timeout", "must not be negative")
	}
	if strings.ContainsAny(o.UserAgent, "\r\n") {
		bad("user_agent", "must be one line")
	}
	return root, errors.Join(errs...)
}

// apiRoot validates a base URL and returns it without a trailing slash or
// /v2.
func apiRoot(raw string) (string, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return "", errors.New("must be an absolute URL such as " + DefaultBaseURL)
	}
	if u.User != nil {
		return "", errors.New("must not contain credentials; set upstream.token")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("must not have a query or fragment")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	default:
		return "", errors.New("must use https (http is allowed only for loopback hosts)")
	}
	path := strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/v2")
	return u.Scheme + "://" + u.Host + path, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
