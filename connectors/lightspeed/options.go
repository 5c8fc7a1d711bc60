package lightspeed

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
	// BaseURL is the store's address, e.g.
	// https://example.retail.lightspeed.app. The client appends /api/2.0
	// (unless BaseURL already ends with it). It must be https, except for a
	// loopback host, where the simulators run.
	BaseURL string
	// Token is a personal token, sent as "Authorization: Bearer". It may be
	// empty when HTTPClient authenticates by itself (an OAuth client).
	Token string
	// HTTPClient sends the requests. Default: a client of its own with
	// http.DefaultTransport's settings. Its Timeout should be zero; the
	// per-request limit is Timeout.
	HTTPClient *http.Client
	// ExternalRefField is the custom field where accord keeps the local id:
	// custom_field_1 (default) to custom_field_4.
	ExternalRefField string
	// PageSize is the page size of the change feed. Default 200, the
	// documented maximum of earlier API versions.
	PageSize int
	// UserAgent is sent on every request (X-Series requires one). Default
	// "accord/<module version>".
	UserAgent string
	// MaxRetries bounds the retries of one call: backoff retries of reads,
	// and waits for Retry-After. Default 5; negative means none.
	MaxRetries int
	// MaxWait is the longest the client sleeps inside one call for a
	// Retry-After or a rate-limit reset. A longer wait is returned to the
	// caller as an *engine.RetryAfterError. Default 1 minute; negative means
	// never wait.
	MaxWait time.Duration
	// Timeout bounds one HTTP request, body included. Default 30 seconds.
	Timeout time.Duration
	// Rate, when positive, caps requests per second on the client side, on
	// top of the pacing by the provider's X-RateLimit headers. Burst is the
	// limiter's burst (default 1).
	Rate  float64
	Burst int
	// Gate, when set, is called before every request is sent, retries
	// included; an error stops the call and is returned as it is. accord
	// passes its API-budget meter here, so a budget is never overrun.
	Gate func(ctx context.Context) error
	// Now and Sleep replace the clock in tests. Sleep must return ctx.Err()
	// when ctx ends first.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger receives retries and waits at debug and warn levels. Default:
	// discard.
	Logger *slog.Logger
}

// Defaults.
const (
	DefaultPageSize   = 200
	DefaultMaxRetries = 5
	DefaultMaxWait    = time.Minute
	DefaultTimeout    = 30 * time.Second
	defaultRefField   = "custom_field_1"
)

// optionError names the configuration key at fault. It matches
// engine.ErrInvalid, so a caller can report bad configuration (exit code 2)
// without parsing messages.
type optionError struct{ field, problem string }

func (e *optionError) Error() string        { return "upstream." + e.field + ": " + e.problem }
func (e *optionError) Is(target error) bool { return target == engine.ErrInvalid }

// validate checks o and returns the API root (…/api/2.0). Every problem is
// reported, not just the first, so a configuration is fixed in one pass.
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
	switch o.ExternalRefField {
	case "", "custom_field_1", "custom_field_2", "custom_field_3", "custom_field_4":
	default:
		bad("external_ref_field", "must be one of custom_field_1..custom_field_4")
	}
	if o.PageSize < 0 {
		bad("page_size", "must not be negative")
	}
	if o.Timeout < 0 {
		bad("timeout", "must not be negative")
	}
	if o.Rate < 0 || o.Burst < 0 {
		bad("rate", "must not be negative")
	}
	if strings.ContainsAny(o.UserAgent, "\r\n") {
		bad("user_agent", "must be one line")
	}
	return root, errors.Join(errs...)
}

// apiRoot validates a base URL and returns it with /api/2.0 appended.
func apiRoot(raw string) (string, error) {
	if raw == "" {
		return "", errors.New("required")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return "", errors.New("must be an absolute URL such as https://example.retail.lightspeed.app")
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
	path := strings.TrimRight(u.Path, "/")
	if !strings.HasSuffix(path, "/api/2.0") {
		path += "/api/2.0"
	}
	return u.Scheme + "://" + u.Host + path, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
