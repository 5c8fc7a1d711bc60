package square

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/accordhq/accord/engine"
)

// Client reads, creates and updates Square customers. It is safe for
// concurrent use.
type Client struct {
	root        string // scheme://host, without /v2
	token       string
	http        *http.Client
	version     string
	accountCode string // "" or "nickname"
	pageSize    int
	overlap     time.Duration
	userAgent   string
	maxRetries  int
	maxWait     time.Duration
	timeout     time.Duration
	now         func() time.Time
	sleep       func(context.Context, time.Duration) error
	log         *slog.Logger
	gate        func(context.Context) error

	calls atomic.Int64
}

var (
	_ engine.Connector   = (*Client)(nil)
	_ engine.Rewinder    = (*Client)(nil)
	_ engine.CallCounter = (*Client)(nil)
	_ engine.Updater     = (*Client)(nil)
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
		root:        root,
		token:       opts.Token,
		http:        opts.HTTPClient,
		version:     cmp.Or(opts.SquareVersion, DefaultSquareVersion),
		accountCode: opts.AccountCodeField,
		pageSize:    cmp.Or(opts.PageSize, DefaultPageSize),
		overlap:     cmp.Or(opts.Overlap, DefaultOverlap),
		userAgent:   cmp.Or(opts.UserAgent, defaultUserAgent()),
		maxRetries:  opts.MaxRetries,
		maxWait:     cmp.Or(opts.MaxWait, DefaultMaxWait),
		timeout:     cmp.Or(opts.Timeout, DefaultTimeout),
		now:         opts.Now,
		sleep:       opts.Sleep,
		log:         opts.Logger,
		gate:        opts.Gate,
	}
	switch {
	case opts.MaxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case opts.MaxRetries < 0:
		c.maxRetries = 0
	}
	c.maxWait = max(c.maxWait, 0)
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
	return c, nil
}

// Calls returns the number of HTTP requests sent so far, retries included.
func (c *Client) Calls() int64 { return c.calls.Load() }

// ExternalRefField returns the Square field that holds the external ref:
// always reference_id.
func (c *Client) ExternalRefField() string { return refField }

// Overlap returns how far Rewind moves a cursor back.
func (c *Client) Overlap() time.Duration { return c.overlap }

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
// module, its version, so that Square's support can tell whose calls these
// are.
func defaultUserAgent() string {
	v := "dev"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Path == "github.com/accordhq/accord" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
	}
	return "accord/" + v
}
