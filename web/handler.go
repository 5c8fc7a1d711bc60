package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// CookieMode says when the session cookie is marked Secure.
type CookieMode string

// Cookie modes. Auto marks it Secure when the request came over TLS, or
// through a trusted proxy that says it did (X-Forwarded-Proto: https).
const (
	CookieAuto   CookieMode = "auto"
	CookieAlways CookieMode = "always"
	CookieNever  CookieMode = "never"
)

// Options are the dashboard's dependencies and settings.
type Options struct {
	Logger *slog.Logger

	Pairs      PairLister
	Users      UserStore
	Sessions   SessionStore
	Tokens     TokenStore
	Review     ReviewStore
	Conflicts  ConflictStore
	Duplicates DuplicateStore
	Links      LinkStore
	Records    RecordStore
	Runs       RunStore
	Outbox     OutboxStore
	Audit      AuditStore
	Overview   OverviewStore
	Settings   SettingsStore
	// Runner starts runs in this process; nil hides "Run now".
	Runner Runner
	// Tester checks connections; nil hides "Test connection".
	Tester ConnectionTester
	// RecordOps reconciles single records (the ensure endpoint, "Sync
	// now"); nil hides "Sync now" and those endpoints answer 501.
	RecordOps RecordOps
	// Ready reports whether the server can serve (/readyz); nil is always.
	Ready func(ctx context.Context) error
	// Metrics serves /metrics (the Prometheus text format) to API tokens
	// and signed-in people; nil answers 404.
	Metrics http.Handler
	// PrepareSearch turns a search box's text into keys the store matches
	// (normalised like the records' keys). Default: lower-cased text.
	PrepareSearch func(text string) Search
	// SameValue reports whether two values of a canonical field are the
	// same once normalised (a phone written two ways), so the pages mark
	// only real differences. Default: equal ignoring case and spaces
	// around.
	SameValue func(field, a, b string) bool
	// NextRun returns when a pair runs next on its schedule; nil, or false,
	// shows the pair as run on demand.
	NextRun func(pair string) (time.Time, bool)
	// ValidateSchedule checks a schedule typed on the Settings page with
	// the scheduler's own parser, so the page accepts exactly what runs;
	// nil uses a close approximation.
	ValidateSchedule func(spec string) error
	// OAuthProviders are the upstream types with an OAuth connection flow
	// at /connect/{provider}; without OAuth, Connect buttons are shown only
	// for them.
	OAuthProviders []string
	// OAuth runs the connection flow at /connect/{provider} and
	// /oauth/callback; nil answers them 404. Connect buttons are shown for
	// the pairs it handles.
	OAuth OAuthFlow
	// Connections reads OAuth connections for the Connections page; nil
	// shows none.
	Connections ConnectionFinder
	// Webhooks takes deliveries at /webhooks/{provider}; nil answers 404.
	Webhooks WebhookReceiver

	// Location is the merchant's time zone for every time shown. Default UTC.
	Location *time.Location
	// SecureCookies defaults to CookieAuto.
	SecureCookies CookieMode
	// TrustedProxies may set X-Forwarded-For and X-Forwarded-Proto.
	TrustedProxies []netip.Prefix
	// SessionTTL is how long an idle session lasts. Default 7 days.
	SessionTTL time.Duration
	Now        func() time.Time
}

func (o *Options) validate() error {
	var missing []string
	for name, v := range map[string]any{
		"Pairs": o.Pairs, "Users": o.Users, "Sessions": o.Sessions, "Tokens": o.Tokens, "Review": o.Review,
		"Conflicts": o.Conflicts, "Duplicates": o.Duplicates, "Links": o.Links, "Records": o.Records,
		"Runs": o.Runs, "Outbox": o.Outbox, "Audit": o.Audit, "Overview": o.Overview, "Settings": o.Settings,
	} {
		if v == nil {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("web: options %s are required", strings.Join(missing, ", "))
	}
	switch o.SecureCookies {
	case "":
		o.SecureCookies = CookieAuto
	case CookieAuto, CookieAlways, CookieNever:
	default:
		return fmt.Errorf("web: secure cookies %q: want auto, always or never", o.SecureCookies)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 7 * 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.PrepareSearch == nil {
		o.PrepareSearch = func(text string) Search {
			t := strings.ToLower(strings.TrimSpace(text))
			return Search{Text: text, ID: strings.TrimSpace(text), Email: t, Name: t}
		}
	}
	return nil
}

// Handler is the dashboard and API as one http.Handler.
type Handler struct {
	Options
	log      *slog.Logger
	gin      *gin.Engine
	http     http.Handler
	assets   *assets
	limiter  *loginLimiter
	work     *workCache
	sessions *sessionCache
}

// New builds the dashboard. It fails when a required dependency is
// missing.
func New(o Options) (*Handler, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	gin.SetMode(gin.ReleaseMode)
	h := &Handler{Options: o, log: o.Logger, assets: mustAssets(), limiter: newLoginLimiter(o.Now),
		work:     &workCache{ttl: 5 * time.Second, now: o.Now, entries: map[string]workEntry{}},
		sessions: &sessionCache{ttl: 5 * time.Second, entries: map[string]cachedSession{}}}
	g := gin.New()
	g.HandleMethodNotAllowed = true
	proxies := make([]string, len(o.TrustedProxies))
	for i, p := range o.TrustedProxies {
		proxies[i] = p.String()
	}
	if err := g.SetTrustedProxies(proxies); err != nil {
		return nil, fmt.Errorf("web: trusted proxies: %w", err)
	}
	g.Use(h.recoverPanic, h.requestID, h.securityHeaders)
	g.NoRoute(h.notFound)
	g.NoMethod(h.methodNotAllowed)
	h.routes(g)
	h.gin = g
	// Cross-origin POSTs are refused before any handler runs: browsers
	// send Sec-Fetch-Site (or Origin) on every state-changing request, so
	// a form on another site cannot act with the merchant's cookie.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.log.Warn("cross-origin request refused", "method", r.Method, "path", r.URL.Path,
			"origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
	}))
	// Webhook deliveries come from providers' servers, not browsers; their
	// signature authenticates them (webhooks.go).
	cop.AddInsecureBypassPattern("POST /webhooks/{provider}")
	h.http = cop.Handler(g)
	return h, nil
}

// ServeHTTP serves the dashboard.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.http.ServeHTTP(w, r) }

// Route is one registered route.
type Route struct {
	Method string
	Path   string // gin syntax, e.g. /pairs/:pair/suggestions
}

// Routes lists every registered route, for tests that check each one.
func (h *Handler) Routes() []Route {
	var out []Route
	for _, r := range h.gin.Routes() {
		out = append(out, Route{Method: r.Method, Path: r.Path})
	}
	return out
}

// PublicRoute reports whether a route is served without a session or a
// token: sign-in, health checks and static assets; the OAuth callback,
// which the state cookie and the stored state authenticate (the browser
// may come from the command line's link, with no session); and webhook
// deliveries, which the provider's signature authenticates.
// /connect/{provider} is not public: it needs a session, or a one-time
// ticket that it checks before doing anything.
func PublicRoute(path string) bool {
	switch {
	case path == "/login", path == "/healthz", path == "/readyz", strings.HasPrefix(path, "/static/"),
		path == "/oauth/callback", path == "/webhooks/:provider":
		return true
	}
	return false
}

func (h *Handler) healthz(c *gin.Context) { c.String(http.StatusOK, "ok\n") }

func (h *Handler) readyz(c *gin.Context) {
	if h.Ready != nil {
		if err := h.Ready(c.Request.Context()); err != nil {
			h.log.Warn("not ready", "err", err)
			c.String(http.StatusServiceUnavailable, "not ready\n")
			return
		}
	}
	c.String(http.StatusOK, "ready\n")
}

// errNoRunner is returned by actions that need a Runner when none is set.
var errNoRunner = errors.New("runs cannot be started from this server")
