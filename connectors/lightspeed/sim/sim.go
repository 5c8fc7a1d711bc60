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

// Options configures a Server. The zero value is a usable, empty,
// fault-free server with the real single-register rate limit.
type Options struct {
	// Token is the bearer token every request (API and /__sim/) must carry.
	// Default "sim-token".
	Token string
	// Registers feeds the real rate-limit formula 300*Registers+50.
	// Default 1.
	Registers int
	// RateLimit is the number of API requests allowed per window; 0 means
	// the real formula above.
	RateLimit int
	// RateWindow is the fixed rate-limit window. Default 5 minutes.
	RateWindow time.Duration
	// Faults are injected into API requests from the start (see SetFaults).
	Faults Faults
	// Seed makes seeded customers, generated ids and codes, version gaps
	// and fault decisions reproducible.
	Seed int64
	// Customers is the number of deterministic customers to seed.
	Customers int
	// Now is the clock for timestamps and rate-limit windows. Default
	// time.Now.
	Now func() time.Time
	// MaxPageSize is the default and largest page_size of GET /customers;
	// larger requests are clamped. Default 200.
	MaxPageSize int
	// TimeoutHang is the longest a "timeout" fault holds a request before
	// dropping the connection; it lets go sooner when the client gives up or
	// the Server is closed. Default 30 seconds.
	TimeoutHang time.Duration
	// OAuth is the app served at /connect and /api/1.0/token; access tokens
	// it issues are accepted beside Token.
	OAuth OAuthApp
	// OnChange, when set, is called after every committed change to a
	// customer (API writes and the Go helpers), outside the Server's locks.
	// It is the hook for posting webhooks (see WebhookPoster).
	OnChange func(Change)
}

// maxCustomers keeps slot numbers inside int32.
const maxCustomers = 1 << 30

func (o *Options) normalize() error {
	for _, c := range []struct {
		name string
		bad  bool
	}{
		{"Registers", o.Registers < 0},
		{"RateLimit", o.RateLimit < 0},
		{"RateWindow", o.RateWindow < 0},
		{"Customers", o.Customers < 0 || o.Customers > maxCustomers},
		{"MaxPageSize", o.MaxPageSize < 0},
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
	o.Registers = cmpOr(o.Registers, 1)
	o.RateLimit = cmpOr(o.RateLimit, 300*o.Registers+50)
	o.RateWindow = cmpOr(o.RateWindow, 5*time.Minute)
	o.MaxPageSize = cmpOr(o.MaxPageSize, 200)
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

	mu      sync.RWMutex // guards the customer state below
	recs    []record
	order   []orderEntry // version index, ascending
	stale   int          // stale entries in order
	byUUID  map[[16]byte]int32
	byID    map[string]int32 // ids that are not canonical UUIDs
	version int64
	seedKey uint64
	rng     *rand.Rand // data randomness: ids, codes, version gaps
	seedIdx map[string]*seedIndex

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
	key := mix(seed)
	s := &Server{
		opts:    opts,
		byID:    map[string]int32{},
		byUUID:  map[[16]byte]int32{},
		version: firstVersion,
		seedKey: key.next(),
		rng:     rand.New(rand.NewPCG(seed, 0xda7a)),
		seedIdx: newSeedIndexes(),
		faults:  opts.Faults,
		frng:    rand.New(rand.NewPCG(seed, 0xfa17)),
		lim:     limiter{limit: opts.RateLimit, window: opts.RateWindow},
		grants:  newGrants(),
		done:    make(chan struct{}),
	}
	s.seedCustomers(opts.Customers)
	return s, nil
}

// Close releases requests held by a timeout fault or injected latency, so a
// test can shut its httptest.Server down at once. The Server still answers
// requests afterwards, but no longer hangs or delays them.
func (s *Server) Close() { s.closeOnce.Do(func() { close(s.done) }) }

const (
	apiPrefix   = "/api/2.0"
	adminPrefix = "/__sim/"
)

// ServeHTTP serves the X-Series API under /api/2.0, the OAuth
// authorization page at /connect and token endpoint at /api/1.0/token, and
// the introspection API under /__sim/. Any other path is a 404 with the
// X-Series error body.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch p := r.URL.Path; {
	case p == "/connect":
		s.serveConnect(w, r)
	case p == "/api/1.0/token":
		s.serveToken(w, r)
	case strings.HasPrefix(p, adminPrefix):
		s.serveAdmin(w, r)
	case p == apiPrefix || strings.HasPrefix(p, apiPrefix+"/"):
		s.serveAPI(w, r)
	default:
		errReply(http.StatusNotFound, "no route for "+p).write(w)
	}
}

// authorized accepts the static token and unexpired OAuth access tokens.
func (s *Server) authorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && (tok == s.opts.Token || s.grants.validAccess(tok, s.opts.Now()))
}

// serveAPI runs one API request through authentication, latency, the rate
// limit and fault injection before the operation itself.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		s.count(func(st *Stats) { st.Total++; st.Unauthorized++ })
		errReply(http.StatusUnauthorized, "a valid bearer token is required").write(w)
		return
	}
	rt := routeAPI(r.Method, strings.TrimPrefix(r.URL.Path, apiPrefix))
	f := s.admit(rt.op)
	if f.Latency > 0 && !s.sleep(r.Context(), f.Latency) {
		panic(http.ErrAbortHandler) // the client left or the Server closed
	}
	rate, ok := s.takeRate()
	rate.setHeaders(w.Header())
	if !ok {
		s.tooMany(w, rate)
		return
	}
	if rt.op == opNone {
		if rt.allow != "" {
			w.Header().Set("Allow", rt.allow)
		}
		errReply(rt.status, fmt.Sprintf("no route for %s %s", r.Method, r.URL.Path)).write(w)
		return
	}
	write := rt.op.write()
	kind, apply := s.drawFault(f, write)
	switch kind {
	case simfault.RateLimit:
		s.tooMany(w, rate) // never applies the write
	case simfault.ServerError:
		if write && apply {
			s.execUnderFault(rt, r)
		}
		errReply(http.StatusInternalServerError, "An unexpected error occurred").write(w)
	case simfault.Timeout:
		if write && apply {
			s.execUnderFault(rt, r)
		}
		s.sleep(r.Context(), s.opts.TimeoutHang)
		panic(http.ErrAbortHandler) // drop the connection, no response
	case simfault.Truncate:
		var rep reply
		if !write || apply {
			rep = s.execUnderFault(rt, r)
		} else {
			rep = s.exec(rt, r, false)
		}
		rep.writeTruncated(w)
	default:
		s.exec(rt, r, true).write(w)
	}
}

// execUnderFault applies the operation for real and counts a write that
// took effect although the client will see a failure.
func (s *Server) execUnderFault(rt route, r *http.Request) reply {
	rep := s.exec(rt, r, true)
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
