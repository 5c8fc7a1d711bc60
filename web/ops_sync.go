package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
)

// syncRecord reconciles one record now, waiting a bounded time for a run
// that holds the pair.
func (h *Handler) syncRecord(c *gin.Context, pair string, side engine.Side, id string) (engine.Run, error) {
	if h.RecordOps == nil {
		return engine.Run{}, errNoRecordOps
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), opsTimeout)
	defer cancel()
	run, err := h.RecordOps.SyncRecord(ctx, pair, side, id)
	h.work.forget(pair)
	if err == nil {
		h.log.Info("record synced on demand", "pair", pair, "side", side, "id", id, "run_id", run.ID, "by", actor(c))
	}
	return run, err
}

// apiSyncRecord is "sync this record now" for scripts: the run that read
// the record again, and the record's links afterwards.
func (h *Handler) apiSyncRecord(c *gin.Context) {
	var body struct {
		Side string `json:"side"`
		ID   string `json:"id"`
	}
	err := c.ShouldBindJSON(&body)
	side := engine.Side(body.Side)
	if err != nil || !side.Valid() || strings.TrimSpace(body.ID) == "" {
		h.apiError(c, invalid(`body: want {"side": "local"|"upstream", "id": "..."}`))
		return
	}
	p := pairOf(c)
	run, err := h.syncRecord(c, p.Name, side, body.ID)
	if err != nil {
		h.apiOpsError(c, err)
		return
	}
	links, err := h.Links.LinksFor(c.Request.Context(), p.Name, side, []string{body.ID})
	if err != nil {
		h.apiError(c, err)
		return
	}
	out := make([]apiLink, len(links))
	for i, l := range links {
		out[i] = newAPILink(l)
	}
	apiOK(c, gin.H{"run": h.newAPIRun(run), "links": out})
}

// syncLinkForm is the link page's "Sync now": both records of the link are
// read again and decided afresh, and the page shows what was found.
func (h *Handler) syncLinkForm(c *gin.Context) {
	p := pairOf(c)
	id, err := idParam(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	l, err := h.linkIn(c.Request.Context(), p.Name, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	back := pairURL(p.Name, "links/"+strconv.FormatInt(l.ID, 10))
	side, rid := engine.Local, l.LocalID
	if rid == "" {
		side, rid = engine.Upstream, l.UpstreamID
	}
	run, err := h.syncRecord(c, p.Name, side, rid)
	switch {
	case errors.Is(err, errNoRecordOps):
		h.actionFailed(c, invalid("records cannot be synced from this server"), back)
	case errors.Is(err, ErrNotSynced):
		h.actionFailed(c, fmt.Errorf("this sync has not run yet; run it once first: %w", engine.ErrConflict), back)
	case errors.Is(err, engine.ErrLocked), errors.Is(err, context.DeadlineExceeded):
		h.actionFailed(c, fmt.Errorf("a run of this sync is in progress; try again in a moment: %w", engine.ErrConflict), back)
	case err != nil && run.ID != 0:
		h.setFlash(c, "error", "The sync failed: "+run.Error)
		c.Redirect(http.StatusSeeOther, back)
	case err != nil:
		h.actionFailed(c, err, back)
	default:
		h.done(c, back, "Both records were read again: "+runSummary(run)+".")
	}
}
