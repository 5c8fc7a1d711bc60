package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/netip"
	"strings"

	"github.com/gin-gonic/gin"
)

// contentSecurityPolicy allows only this origin's own files: the script,
// the stylesheet and images (the charts are inline SVG elements, which need
// nothing). No inline script or style is ever rendered.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

func (h *Handler) securityHeaders(c *gin.Context) {
	hd := c.Writer.Header()
	hd.Set("Content-Security-Policy", contentSecurityPolicy)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	if h.secureRequest(c.Request) {
		hd.Set("Strict-Transport-Security", "max-age=31536000")
	}
	c.Next()
}

// requestID tags each request so a logged error can be found from what the
// merchant sees.
func (h *Handler) requestID(c *gin.Context) {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	c.Set(ctxRequestID, id)
	c.Header("X-Request-ID", id)
	c.Next()
}

func (h *Handler) recoverPanic(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			h.log.Error("panic serving request", "path", c.Request.URL.Path, "panic", r,
				"request_id", c.GetString(ctxRequestID))
			if !c.Writer.Written() {
				c.String(http.StatusInternalServerError, "internal error\n")
			}
			c.Abort()
		}
	}()
	c.Next()
}

// secureRequest reports whether the client reached us over TLS: directly,
// or through a trusted proxy that terminated it.
func (h *Handler) secureRequest(r *http.Request) bool {
	switch h.SecureCookies {
	case CookieAlways:
		return true
	case CookieNever:
		return false
	}
	if r.TLS != nil {
		return true
	}
	if !strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		return false
	}
	return h.fromTrustedProxy(r)
}

func (h *Handler) fromTrustedProxy(r *http.Request) bool {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	for _, p := range h.TrustedProxies {
		if p.Contains(ap.Addr().Unmap()) {
			return true
		}
	}
	return false
}

// Context keys set by the middleware.
const (
	ctxRequestID = "accord.request_id"
	ctxIdentity  = "accord.identity"
	ctxPair      = "accord.pair"
	ctxPairs     = "accord.pairs"
)
