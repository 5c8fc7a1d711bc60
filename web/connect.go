package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/web/views"
)

// OAuthFlow is the authorization-code flow of the pairs that connect their
// upstream with OAuth (oauth.Flow). It keeps the state server-side, single
// use, and the tokens sealed; web only carries the browser through it.
// Errors of a bad ticket, state or refusal wrap engine.ErrInvalid; a pair
// that does not connect with OAuth is engine.ErrNotFound.
type OAuthFlow interface {
	// Handles reports whether pair connects its upstream with OAuth.
	Handles(pair string) bool
	// UseTicket takes a one-time start link printed by `accord connect`
	// and returns who printed it.
	UseTicket(ctx context.Context, pair, ticket string) (actor string, err error)
	// Start returns the provider's authorization URL and the state to bind
	// to this browser.
	Start(ctx context.Context, pair, actor string) (authURL, state string, err error)
	// Finish exchanges the callback's code, given the browser's state.
	Finish(ctx context.Context, q url.Values, cookieState string) (engine.Connection, error)
}

// ConnectionFinder reads a pair's OAuth connection; errors wrap
// engine.ErrNotFound when it was never connected.
type ConnectionFinder interface {
	FindConnection(ctx context.Context, name string) (engine.Connection, error)
}

// stateCookie binds an authorization to the browser that started it, so a
// callback forged into another browser (login CSRF) finds no match. It is
// sent only to the callback, and survives the provider's top-level
// redirect back because it is SameSite=Lax.
const stateCookie = "accord_oauth_state"

// connectRoutes registers the routes that providers and the command line
// reach: connecting with OAuth and webhook deliveries. Each authenticates
// its own way (a session or a one-time ticket, the state cookie, the
// provider's signature); see PublicRoute.
func (h *Handler) connectRoutes(r *gin.Engine) {
	r.GET("/connect/:provider", h.sessionOrTicket, h.startConnect)
	r.GET("/oauth/callback", h.finishConnect)
	r.POST("/webhooks/:provider", h.receiveWebhook)
}

// sessionOrTicket admits a signed-in person, or anyone holding a start
// link's ticket, which startConnect checks before anything else.
func (h *Handler) sessionOrTicket(c *gin.Context) {
	if c.Query("ticket") != "" {
		c.Next()
		return
	}
	h.requireSession(c)
}

// startConnect sends the browser to the provider to authorise accord for
// one pair, with a fresh state bound to this browser.
func (h *Handler) startConnect(c *gin.Context) {
	ctx := c.Request.Context()
	name := c.Query("pair")
	p, err := h.findPair(ctx, name)
	if err != nil {
		h.serverError(c, err)
		return
	}
	if h.OAuth == nil || p.Name == "" || p.UpstreamType != c.Param("provider") || !h.OAuth.Handles(p.Name) {
		h.connectFailed(c, http.StatusNotFound, "Nothing to connect",
			"No sync named "+quoted(name)+" connects to "+c.Param("provider")+" with OAuth. "+
				"Set upstream.auth: oauth in accord.yaml and restart accord serve.", "")
		return
	}
	who := actor(c)
	if ticket := c.Query("ticket"); ticket != "" {
		if who, err = h.OAuth.UseTicket(ctx, p.Name, ticket); err != nil {
			h.connectError(c, p, err)
			return
		}
	}
	authURL, state, err := h.OAuth.Start(ctx, p.Name, who)
	if err != nil {
		h.connectError(c, p, err)
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: stateCookie, Value: state, Path: "/oauth/callback", MaxAge: 600,
		HttpOnly: true, Secure: h.secureRequest(c.Request), SameSite: http.SameSiteLaxMode})
	c.Redirect(http.StatusSeeOther, authURL)
}

// finishConnect is where the provider sends the browser back. The state
// must match both the stored one and this browser's cookie; then the code
// is exchanged and the sealed token stored.
func (h *Handler) finishConnect(c *gin.Context) {
	cookie, _ := c.Cookie(stateCookie)
	http.SetCookie(c.Writer, &http.Cookie{Name: stateCookie, Value: "", Path: "/oauth/callback", MaxAge: -1,
		HttpOnly: true, Secure: h.secureRequest(c.Request), SameSite: http.SameSiteLaxMode})
	if h.OAuth == nil {
		h.connectFailed(c, http.StatusNotFound, "Nothing to connect", "No sync connects with OAuth here.", "")
		return
	}
	conn, err := h.OAuth.Finish(c.Request.Context(), c.Request.URL.Query(), cookie)
	if err != nil {
		h.connectError(c, PairInfo{}, err)
		return
	}
	msg := "Connected " + providerLabel(conn.Provider)
	if conn.Account != "" {
		msg += " (" + conn.Account + ")"
	}
	h.setFlash(c, "ok", msg+". Runs use this connection from now on.")
	c.Redirect(http.StatusSeeOther, pairURL(conn.Name, "connections"))
}

// connectError explains a failed connection without internals: refusals
// and stale links say what happened; anything else (the provider's token
// endpoint failing, the store) is logged with the request id.
func (h *Handler) connectError(c *gin.Context, p PairInfo, err error) {
	retry := ""
	if p.Name != "" {
		retry = "/connect/" + url.PathEscape(p.UpstreamType) + "?pair=" + url.QueryEscape(p.Name)
	}
	switch {
	case errors.Is(err, context.Canceled):
		c.Status(499)
	case errors.Is(err, engine.ErrInvalid):
		msg := strings.TrimPrefix(err.Error(), engine.ErrInvalid.Error()+": ")
		h.log.Warn("oauth connection refused", "pair", p.Name, "reason", msg, "request_id", c.GetString(ctxRequestID))
		h.connectFailed(c, http.StatusBadRequest, "Not connected", sentence(msg), retry)
	case errors.Is(err, engine.ErrNotFound):
		h.connectFailed(c, http.StatusNotFound, "Nothing to connect", "This sync does not connect with OAuth.", "")
	default:
		id := c.GetString(ctxRequestID)
		h.log.Error("oauth connection failed", "pair", p.Name, "err", err, "request_id", id)
		h.connectFailed(c, http.StatusBadGateway, "Not connected",
			"The provider did not complete the connection (request "+id+"). Try again; if it keeps failing, "+
				"check the app's client id, client secret and redirect URL.", retry)
	}
}

func (h *Handler) connectFailed(c *gin.Context, status int, title, msg, retry string) {
	h.render(c, status, views.ConnectResultPage(views.ConnectResultView{CSS: h.assets.url("app.css"),
		Title: title, Message: msg, RetryURL: retry, BackURL: "/"}))
	c.Abort()
}

// findPair returns the named pair, or a zero PairInfo when there is none.
func (h *Handler) findPair(ctx context.Context, name string) (PairInfo, error) {
	pairs, err := h.Pairs.Pairs(ctx)
	if err != nil {
		return PairInfo{}, err
	}
	for _, p := range pairs {
		if p.Name == name && name != "" {
			return p, nil
		}
	}
	return PairInfo{}, nil
}

func providerLabel(provider string) string {
	return upstreamName(PairInfo{UpstreamType: provider})
}

func quoted(s string) string { return "\u201c" + s + "\u201d" }

// sentence capitalises msg and ends it with a full stop.
func sentence(msg string) string {
	msg = strings.TrimSpace(msg)
	if msg == "" {
		return "The connection was not made."
	}
	msg = strings.ToUpper(msg[:1]) + msg[1:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}
