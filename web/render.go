package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/a-h/templ"
	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/web/views"
)

// render writes a page with the request's context, so a client that goes
// away stops the rendering. The page is rendered into a pooled buffer and
// written at once: one write instead of a dozen through the connection's
// small buffer, and a failed render is a clean 500 instead of half a page.
// Pages are personal and change with every decision, so nothing caches
// them.
func (h *Handler) render(c *gin.Context, status int, comp templ.Component) {
	buf := pagePool.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledPage {
			buf.Reset()
			pagePool.Put(buf)
		}
	}()
	if err := comp.Render(c.Request.Context(), buf); err != nil {
		h.log.Error("render page", "path", c.Request.URL.Path, "err", err, "request_id", c.GetString(ctxRequestID))
		_ = c.Error(err)
		c.String(http.StatusInternalServerError, "internal error\n")
		return
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Length", strconv.Itoa(buf.Len()))
	c.Status(status)
	_, _ = c.Writer.Write(buf.Bytes())
}

// pagePool recycles page buffers; a page is tens of kilobytes.
var pagePool = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 64<<10)) }}

// maxPooledPage keeps an unusually large page's buffer out of the pool.
const maxPooledPage = 1 << 20

const flashCookie = "accord_flash"

// setFlash leaves a message for the page the browser is sent to next. It
// is display text only, escaped when shown, so it needs no signature.
func (h *Handler) setFlash(c *gin.Context, tone, text string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: tone + ":" + url.QueryEscape(text), Path: "/",
		MaxAge: 60, HttpOnly: true, Secure: h.secureRequest(c.Request), SameSite: http.SameSiteLaxMode})
}

// takeFlash reads and clears the message left by the previous action.
func (h *Handler) takeFlash(c *gin.Context) views.Flash {
	v, err := c.Cookie(flashCookie)
	if err != nil || v == "" {
		return views.Flash{}
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: h.secureRequest(c.Request), SameSite: http.SameSiteLaxMode})
	tone, text, _ := strings.Cut(v, ":")
	if tone != "ok" && tone != "error" {
		return views.Flash{}
	}
	t, err := url.QueryUnescape(text)
	if err != nil || len(t) > 500 {
		return views.Flash{}
	}
	return views.Flash{Tone: tone, Text: t}
}

// wantsJSON reports whether the page's own script submitted a form and
// wants a JSON answer instead of a redirect.
func wantsJSON(c *gin.Context) bool {
	return strings.Contains(c.GetHeader("Accept"), "application/json")
}

// done ends a successful form action: back to the page it came from
// (post/redirect/get) with a message, or a JSON answer for the script.
func (h *Handler) done(c *gin.Context, fallback, msg string) {
	if wantsJSON(c) {
		c.JSON(http.StatusOK, gin.H{"ok": true, "message": msg})
		return
	}
	h.setFlash(c, "ok", msg)
	c.Redirect(http.StatusSeeOther, returnTo(c, fallback))
}

// returnTo is the page a form came from (its "return" field), if it is a
// path on this site, else fallback.
func returnTo(c *gin.Context, fallback string) string {
	r := c.PostForm("return")
	if r == "" || safeNext(r) != r {
		return fallback
	}
	return r
}
