package lightspeed

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/accordhq/accord/engine"
)

// Client reads and creates X-Series customers. It is safe for concurrent use.
type Client struct {
	root       string // https://host/api/2.0
	token      string
	http       *http.Client
	refField   string
	userAgent  string
	maxRetries int
	maxWait    time.Duration
	timeout    time.Duration
	now        func() time.Time
	sleep      func(context.Context, time.Duration) error
	log        *slog.Logger
	limiter    *rate.Limiter // nil unless Options.Rate is set
	gate       func(context.Context) error

	calls  atomic.Int64
	pages  pageSizer
	limits rateState
}

var (
	_ engine.Connector   = (*Client)(nil)
	_ engine.CallCounter = (*Client)(nil)
)

// New validates opts and returns a client. Configuration errors name the
// key at fault (upstream.base_url, upstream.token, ...) and match
// engine.ErrInvalid.
func New(opts Options) (*Client, error) {
	root, err := opts.validate()
	if err != nil {
		return nil, err
	}
	c := &Client{
		root:       root,
		gate:       opts.Gate,
		token:      opts.Token,
		http:       opts.HTTPClient,
		refField:   cmp.Or(opts.ExternalRefField, defaultRefField),
		userAgent:  cmp.Or(opts.UserAgent, defaultUserAgent()),
		maxRetries: opts.MaxRetries,
		maxWait:    cmp.Or(opts.MaxWait, DefaultMaxWait),
		timeout:    cmp.Or(opts.Timeout, DefaultTimeout),
		now:        opts.Now,
		sleep:      opts.Sleep,
		log:        opts.Logger,
	}
	switch {
	case opts.MaxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case opts.MaxRetries < 0:
		c.maxRetries = 0
	}
	if c.maxWait < 0 {
		c.maxWait = 0
	}
	if c.http == nil {
		// A client of our own, so that nothing else (a global Timeout, a
		// shared transport someone reconfigures) changes our behaviour.
		c.http = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.sleep == nil {
		c.sleep = sleepCtx
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if opts.Rate > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(opts.Rate), max(opts.Burst, 1))
	}
	c.pages.init(cmp.Or(opts.PageSize, DefaultPageSize))
	return c, nil
}

// Calls returns the number of HTTP requests sent so far, retries included.
func (c *Client) Calls() int64 { return c.calls.Load() }

// ExternalRefField returns the custom field that holds the external ref.
func (c *Client) ExternalRefField() string { return c.refField }

// PageSize returns the page size the next Pull will ask for. It is below
// Options.PageSize after the provider signalled overload (429 or 504).
func (c *Client) PageSize() int { return c.pages.current() }

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// defaultUserAgent names accord and, when the binary was built from a tagged
// module, its version; X-Series asks integrators to identify themselves.
func defaultUserAgent() string {
	v := "dev"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Path == "github.com/accordhq/accord" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
	}
	return "accord/" + v
}
