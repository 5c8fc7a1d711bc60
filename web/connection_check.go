package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// testConnection asks both sides of the pair to answer once.
func (h *Handler) testConnection(c *gin.Context, pair string) ([]ConnectionCheck, error) {
	if h.Tester == nil {
		return nil, errNoRunner
	}
	return h.Tester.TestConnection(c.Request.Context(), pair)
}

func checksText(cs []ConnectionCheck) (string, bool) {
	ok := true
	parts := make([]string, 0, len(cs))
	for _, ch := range cs {
		if ch.OK {
			parts = append(parts, ch.Label+": answered in "+fmtDuration(ch.Took)+".")
			continue
		}
		ok = false
		msg := ch.Label + ": " + ch.Message
		if ch.Auth {
			msg += " The credentials were refused; reconnect."
		}
		parts = append(parts, msg)
	}
	return strings.Join(parts, " "), ok
}

func (h *Handler) testConnectionForm(c *gin.Context) {
	p := pairOf(c)
	back := pairURL(p.Name, "connections")
	cs, err := h.testConnection(c, p.Name)
	if err != nil {
		h.actionFailed(c, err, back)
		return
	}
	text, ok := checksText(cs)
	tone := "ok"
	if !ok {
		tone = "error"
	}
	h.setFlash(c, tone, text)
	c.Redirect(http.StatusSeeOther, back)
}

func (h *Handler) apiTestConnection(c *gin.Context) {
	cs, err := h.testConnection(c, pairOf(c).Name)
	if err != nil {
		h.apiError(c, err)
		return
	}
	type check struct {
		Side    string `json:"side"`
		Label   string `json:"label"`
		OK      bool   `json:"ok"`
		Auth    bool   `json:"auth_failure,omitempty"`
		Message string `json:"message,omitempty"`
		TookMS  int64  `json:"took_ms"`
	}
	out := make([]check, len(cs))
	all := true
	for i, ch := range cs {
		out[i] = check{Side: string(ch.Side), Label: ch.Label, OK: ch.OK, Auth: ch.Auth, Message: ch.Message,
			TookMS: ch.Took.Milliseconds()}
		all = all && ch.OK
	}
	c.JSON(http.StatusOK, gin.H{"ok": all, "checks": out})
}
