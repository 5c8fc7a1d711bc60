package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/web/views"
)

// statusOf maps an error to an HTTP status, in one place: the engine's
// sentinels are the contract between the store and the handlers.
func statusOf(err error) int {
	switch {
	case errors.Is(err, engine.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, engine.ErrInvalid):
		return http.StatusUnprocessableEntity
	case errors.Is(err, engine.ErrConflict), errors.Is(err, engine.ErrLocked):
		return http.StatusConflict
	case errors.Is(err, errNoRunner):
		return http.StatusNotImplemented
	case errors.Is(err, context.Canceled):
		return 499 // the client went away
	}
	return http.StatusInternalServerError
}

// userMessage is what a person is told about a known error: the store's
// message without its package prefix and sentinel suffix. Unknown errors
// are never shown; they are logged with the request id instead.
func userMessage(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "store: ")
	for _, s := range []error{engine.ErrConflict, engine.ErrInvalid, engine.ErrNotFound} {
		msg = strings.TrimSuffix(msg, ": "+s.Error())
	}
	if msg == "" {
		return "Something went wrong."
	}
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}

// fail renders an error page for a page request.
func (h *Handler) fail(c *gin.Context, err error) {
	status := statusOf(err)
	if status >= 500 {
		h.serverError(c, err)
		return
	}
	ev := views.ErrorView{Status: status, Title: http.StatusText(status), Message: userMessage(err), BackURL: "/"}
	if status == http.StatusNotFound {
		ev.Title, ev.Message = "Not found", "There is nothing here. It may have been decided or removed."
	}
	h.render(c, status, views.ErrorPage(h.shell(c, ev.Title, ""), ev))
	c.Abort()
}

// actionFailed answers a form action that could not be done. A known
// refusal (already decided, invalid) goes back to the page with the
// reason; anything else is a server error.
func (h *Handler) actionFailed(c *gin.Context, err error, fallback string) {
	status := statusOf(err)
	if status >= 500 {
		h.serverError(c, err)
		return
	}
	if wantsJSON(c) {
		c.JSON(status, gin.H{"ok": false, "message": userMessage(err)})
		return
	}
	h.setFlash(c, "error", userMessage(err))
	c.Redirect(http.StatusSeeOther, returnTo(c, fallback))
}

// serverError logs err with the request id and shows a generic message
// naming that id.
func (h *Handler) serverError(c *gin.Context, err error) {
	id := c.GetString(ctxRequestID)
	if errors.Is(err, context.Canceled) {
		c.Status(499)
		c.Abort()
		return
	}
	h.log.Error("request failed", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err, "request_id", id)
	msg := "Something went wrong on our side (request " + id + "). It has been logged; try again in a moment."
	switch {
	case strings.HasPrefix(c.Request.URL.Path, "/api/"):
		c.JSON(http.StatusInternalServerError, apiErrorBody{Error: apiErrorDetail{Code: "internal", Message: msg}})
	case wantsJSON(c):
		c.JSON(http.StatusInternalServerError, gin.H{"ok": false, "message": msg})
	default:
		ev := views.ErrorView{Status: 500, Title: "Something went wrong", Message: msg, BackURL: "/"}
		h.render(c, http.StatusInternalServerError, views.ErrorPage(h.shell(c, ev.Title, ""), ev))
	}
	c.Abort()
}

func (h *Handler) notFound(c *gin.Context) {
	if strings.HasPrefix(c.Request.URL.Path, "/api/") {
		c.JSON(http.StatusNotFound, apiErrorBody{Error: apiErrorDetail{Code: "not_found", Message: "no such endpoint"}})
		return
	}
	c.String(http.StatusNotFound, "not found\n")
}

func (h *Handler) methodNotAllowed(c *gin.Context) {
	c.String(http.StatusMethodNotAllowed, "method not allowed\n")
}

// invalid is the error of a malformed parameter; it maps to 422.
func invalid(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, engine.ErrInvalid)...)
}
