package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
)

// startRun starts a run of the pair in this process. It returns the run's
// id; when a run is already going, the error wraps engine.ErrLocked and
// the id is that run's, when known.
func (h *Handler) startRun(c *gin.Context, pair string) (int64, error) {
	if h.Runner == nil {
		return 0, errNoRunner
	}
	id, err := h.Runner.StartRun(c.Request.Context(), pair, "dashboard")
	if err != nil {
		return id, err
	}
	h.log.Info("run started from the dashboard", "pair", pair, "run_id", id, "by", actor(c))
	h.work.forget(pair)
	return id, nil
}

// startRunForm starts a run and shows its page, which follows its progress.
func (h *Handler) startRunForm(c *gin.Context) {
	p := pairOf(c)
	id, err := h.startRun(c, p.Name)
	switch {
	case errors.Is(err, engine.ErrLocked) && id != 0:
		h.setFlash(c, "error", "A run of this sync is already going; here it is.")
		c.Redirect(http.StatusSeeOther, pairURL(p.Name, "runs/"+strconv.FormatInt(id, 10)))
	case errors.Is(err, engine.ErrLocked):
		h.actionFailed(c, fmt.Errorf("another process is running this sync: %w", engine.ErrConflict), pairURL(p.Name, "runs"))
	case err != nil:
		h.actionFailed(c, err, pairURL(p.Name, "runs"))
	default:
		c.Redirect(http.StatusSeeOther, pairURL(p.Name, "runs/"+strconv.FormatInt(id, 10)))
	}
}

func (h *Handler) apiStartRun(c *gin.Context) {
	id, err := h.startRun(c, pairOf(c).Name)
	if err != nil {
		if errors.Is(err, engine.ErrLocked) {
			c.JSON(http.StatusConflict, gin.H{"error": apiErrorDetail{Code: "conflict",
				Message: "a run of this pair is already in progress"}, "run_id": id})
			return
		}
		h.apiError(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"ok": true, "run_id": id})
}
