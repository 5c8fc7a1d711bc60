package sim

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/accordhq/accord/connectors/simfault"
)

// DefaultSquareVersion is the API version answered when a request names
// none: the version of the shared OpenAPI file.
const DefaultSquareVersion = "2025-08-20"

// Options configures a Server. The zero value is a usable, empty,
// fault-free server without a rate limit and without propagation delay.
type Options struct {
	// Token is the bearer token every request (API and /__sim/) must carry.
	// Default "sim-token".
	Token string
	// Customers is the number of deterministic customers to seed.
	Customers int
	// Seed makes seeded customers, generated ids and fault decisions
	// reproducible.
	Seed int64
	// PropagationDelay is how long a created or updated customer takes to
	// reach ListCustomers and SearchCustomers; until then they show the
	// previous state (or nothing, for a new customer). Square documents
	// "well under 30 seconds", occasionally a minute or longer. Retrieve
	// and the Go helpers always see the latest state. Default 0.
	PropagationDelay time.Duration
	// RateLimit is the number of API requests allowed per RateWindow; 0
	// means no limit (Square publishes none).
	RateLimit int
	// RateWindow is the fixed rate-limit window. Default 1 second.
	RateWindow time.Duration
	// RetryAfter adds a Retry-After header (seconds) to 429s. Square does
	// not document one, so it is off by default.
	RetryAfter bool
	// CursorTTL, when positive, makes pagination cursors expire: an older
	// cursor is a 400 INVALID_CURSOR, as Square's cursors have a limited
	// lifespan.
	CursorTTL time.Duration
	// Faults are injected into API requests from the start (see SetFaults).
	Faults Faults
	// Now is the clock for timestamps, the Date header, propagation,
	// cursors and rate-limit windows. Default time.Now.
	Now func() time.Time
	// TimeoutHang is the longest a "timeout" fault holds a request before
	// dropping the connection; it lets go sooner when the client gives up or
	// the Server is closed. Default 30 seconds.
	TimeoutHang time.Duration
	// OnChange, when set, is called after every committed change to a
	// customer (API writes and the Go helpers), outside the Server's locks.
	// It is the hook for posting webhooks (see WebhookPoster).
	OnChange func(Change)
	// OAuth is the application served at /oauth2/authorize and
	// /oauth2/token; access tokens it issues are accepted beside Token.
	OAuth OAuthApp
}

// maxCustomers keeps seeding within memory that a test machine has.
const maxCustomers = 10_000_000

func (o *Options) normalize() error {
	for _, c := range []struct {
		name string
		bad  bool
	}{
		{"Customers", o.Customers < 0 || o.Customers > maxCustomers},
		{"PropagationDelay", o.PropagationDelay < 0},
		{"RateLimit", o.RateLimit < 0},
		{"RateWindow", o.RateWindow < 0},
		{"CursorTTL", o.CursorTTL < 0},
		{"TimeoutHang", o.TimeoutHang < 0},
	} {
		if c.bad {
			return fmt.Errorf("sim: options: %s is out of range", c.name)
		}
	}
	if err := o.Faults.Validate(); err != nil {
		return fmt.Errorf("sim: options: Faults: %w", err)
	}
	o.Token = cmpOr(o.Token, "sim-token")
	o.RateWindow = cmpOr(o.RateWindow, time.Second)
	o.TimeoutHang = cmpOr(o.TimeoutHang, 30*time.Second)
	o.OAuth.normalize()
	if o.Now == nil {
		o.Now = time.Now
	}
	return nil
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Server is the simulator: an http.Handler plus Go helpers to inspect and
// change its state. All methods are safe for concurrent use.
type Server struct {
	opts Options

	mu    sync.RWMutex // guards the customer state below
	byID  map[string]*rec
	order []*rec // by (created_at, id): the CREATED_AT sort and keyset paging
	rng   *rand.Rand
	delay time.Duration // propagation delay
	idem  idemCache

	ctl    sync.Mutex // guards faults, frng, lim and stats
	faults Faults
	frng   *rand.Rand // fault decisions, separate so faults never shift data
	lim    limiter
	stats  Stats

	grants *grants // OAuth codes and tokens

	done      chan struct{}
	closeOnce sync.Once
}

// New returns a Server seeded with opts.Customers customers. It returns an
// error naming the option when one is out of range.
func New(opts Options) (*Server, error) {
	if err := opts.normalize(); err != nil {
		return nil, err
	}
	seed := uint64(opts.Seed)
	s := &Server{
		opts:   opts,
		byID:   map[string]*rec{},
		rng:    rand.New(rand.NewPCG(seed, 0x5a5a)),
		delay:  opts.PropagationDelay,
		idem:   newIdemCache(),
		faults: opts.Faults,
		frng:   rand.New(rand.NewPCG(seed, 0xfa17)),
		lim:    limiter{limit: opts.RateLimit, window: opts.RateWindow},
		grants: newGrants(),
		done:   make(chan struct{}),
	}
	s.seedCustomers(opts.Customers, seed)
	return s, nil
}

// Close releases requests held by a timeout fault or injected latency, so a
// test can shut its httptest.Server down at once. The Server still answers
// requests afterwards, but no longer hangs or delays them.
func (s *Server) Close() { s.closeOnce.Do(func() { close(s.done) }) }

// SetPropagationDelay changes the propagation delay for changes made from
// now on.
func (s *Server) SetPropagationDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = max(d, 0)
}

const (
	apiPrefix   = "/v2/"
	adminPrefix = "/__sim/"
)

// ServeHTTP serves the Customers API under /v2/ and the introspection API
// under /__sim/. Every response carries a Date header from Options.Now, so
// that clients reading the server's time see the simulated clock. The
// OAuth endpoints are /oauth2/authorize and /oauth2/token.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Date", s.opts.Now().UTC().Format(http.TimeFormat))
	switch p := r.URL.Path; {
	case p == "/oauth2/authorize":
		s.serveAuthorize(w, r)
	case p == "/oauth2/token":
		s.serveToken(w, r)
	case strings.HasPrefix(p, adminPrefix):
		s.serveAdmin(w, r)
	case strings.HasPrefix(p, apiPrefix):
		s.serveAPI(w, r)
	default:
		errReply(http.StatusNotFound, catInvalid, codeNotFound, "", "no route for "+p).write(w)
	}
}

// authorized checks the bearer token: the static token, or an access
// token issued by the OAuth endpoints that is neither expired nor revoked.
func (s *Server) authorized(r *http.Request) bool { return s.authCode(r) == "" }

// authCode returns "" for an accepted token, else the error code to answer:
// UNAUTHORIZED, ACCESS_TOKEN_EXPIRED or ACCESS_TOKEN_REVOKED.
func (s *Server) authCode(r *http.Request) string {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return "UNAUTHORIZED"
	}
	if tok == s.opts.Token {
		return ""
	}
	return s.grants.accessCode(tok, s.opts.Now())
}

// serveAPI runs one API request through versioning, authentication,
// latency, the rate limit and fault injection before the operation itself.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	version := r.Header.Get("Square-Version")
	if version == "" {
		version = DefaultSquareVersion
	}
	if _, err := time.Parse(time.DateOnly, version); err != nil {
		errReply(http.StatusBadRequest, catInvalid, "INVALID_SQUARE_VERSION_FORMAT", "",
			"Square-Version must be a date as YYYY-MM-DD").write(w)
		return
	}
	w.Header().Set("Square-Version", version)
	if code := s.authCode(r); code != "" {
		s.count(func(st *Stats) { st.Total++; st.Unauthorized++ })
		errReply(http.StatusUnauthorized, catAuth, code, "",
			"This request could not be authorized.").write(w)
		return
	}
	rt := routeAPI(r.Method, strings.TrimPrefix(r.URL.Path, "/v2"))
	f := s.admit(rt.op)
	if f.Latency > 0 && !s.sleep(r.Context(), f.Latency) {
		panic(http.ErrAbortHandler) // the client left or the Server closed
	}
	if ok, retry := s.takeRate(); !ok {
		s.tooMany(w, retry)
		return
	}
	if rt.op == opNone {
		if rt.allow != "" {
			w.Header().Set("Allow", rt.allow)
			errReply(http.StatusMethodNotAllowed, catInvalid, "METHOD_NOT_ALLOWED", "",
				fmt.Sprintf("%s is not allowed on %s", r.Method, r.URL.Path)).write(w)
			return
		}
		errReply(http.StatusNotFound, catInvalid, codeNotFound, "", "no route for "+r.URL.Path).write(w)
		return
	}
	body, rep, ok := readBody(r)
	if !ok {
		rep.write(w)
		return
	}
	write := rt.op.write()
	kind, apply := s.drawFault(f, write)
	switch kind {
	case simfault.RateLimit:
		s.tooMany(w, 0) // never applies the write
	case simfault.ServerError:
		if write && apply {
			s.execUnderFault(rt, r, body)
		}
		errReply(http.StatusInternalServerError, catAPI, "INTERNAL_SERVER_ERROR", "",
			"An internal error has occurred, and the API was unable to service your request.").write(w)
	case simfault.Timeout:
		if write && apply {
			s.execUnderFault(rt, r, body)
		}
		s.sleep(r.Context(), s.opts.TimeoutHang)
		panic(http.ErrAbortHandler) // drop the connection, no response
	case simfault.Truncate:
		var rep reply
		if !write || apply {
			rep = s.execUnderFault(rt, r, body)
		} else {
			rep = s.exec(rt, r, body, false)
		}
		rep.writeTruncated(w)
	default:
		s.exec(rt, r, body, true).write(w)
	}
}

// execUnderFault applies the operation for real and counts a write that
// took effect although the client will see a failure.
func (s *Server) execUnderFault(rt route, r *http.Request, body []byte) reply {
	rep := s.exec(rt, r, body, true)
	if rt.op.write() && rep.status < 300 {
		s.count(func(st *Stats) { st.Faults.AppliedWrites++ })
	}
	return rep
}

// sleep waits d and reports whether it ran its course: it returns false
// early when ctx ends or the Server is closed.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.done:
	}
	return false
}
