package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// apiEnsure answers what a till asks at the moment of a sale: the upstream
// id of a local customer, linked or created now if it has none.
func (h *Handler) apiEnsure(c *gin.Context) {
	var body struct {
		LocalID string `json:"local_id"`
	}
	if err := c.ShouldBindJSON(&body); err != nil || strings.TrimSpace(body.LocalID) == "" {
		h.apiError(c, invalid(`body: want {"local_id": "..."}`))
		return
	}
	if h.RecordOps == nil {
		h.apiOpsError(c, errNoRecordOps)
		return
	}
	p := pairOf(c)
	ctx, cancel := context.WithTimeout(c.Request.Context(), opsTimeout)
	defer cancel()
	res, err := h.RecordOps.Ensure(ctx, p.Name, body.LocalID)
	if err != nil {
		h.apiOpsError(c, err)
		return
	}
	if res.Created {
		h.work.forget(p.Name)
		h.log.Info("customer created upstream on demand", "pair", p.Name, "local_id", body.LocalID,
			"upstream_id", res.UpstreamID, "by", actor(c))
	}
	c.JSON(http.StatusOK, gin.H{"ok": true, "upstream_id": res.UpstreamID, "created": res.Created, "link_id": res.LinkID})
}
