package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
)

// bulkResult is what one bulk approval did.
type bulkResult struct {
	Approved int  `json:"approved"`
	Skipped  int  `json:"skipped"` // decided meanwhile, or a record linked by an earlier approval
	More     bool `json:"more"`    // more remain above the score: approve again
}

// bulkApproveAbove approves the unambiguous open suggestions scoring at
// least min (narrowed by a search), up to bulkPerClick per request so one
// click never holds the store for long. Each approval is its own audited
// decision, exactly as if clicked one by one.
func (h *Handler) bulkApproveAbove(c *gin.Context, pair string, min float64, search string) (bulkResult, error) {
	var res bulkResult
	if min < 0.5 || min > 1 {
		return res, invalid("min_score %s: bulk approval needs a score from 0.50 to 1", fmtScore(min))
	}
	q := QueueQuery{Pair: pair, Status: engine.ReviewOpen, MinScore: min}
	if t := strings.TrimSpace(search); t != "" {
		q.Search = h.PrepareSearch(t)
	}
	ctx := c.Request.Context()
	ids, err := h.Review.BulkApprovable(ctx, q, bulkPerClick+1)
	if err != nil {
		return res, err
	}
	if len(ids) > bulkPerClick {
		ids, res.More = ids[:bulkPerClick], true
	}
	defer h.work.forget(pair)
	for _, id := range ids {
		if _, err := h.Review.ApproveSuggestion(ctx, id, actor(c)); err != nil {
			if errors.Is(err, engine.ErrConflict) {
				res.Skipped++
				continue
			}
			return res, err
		}
		res.Approved++
	}
	h.log.Info("bulk approval", "pair", pair, "min_score", min, "approved", res.Approved, "skipped", res.Skipped, "by", actor(c))
	return res, nil
}

func (res bulkResult) message(min float64) string {
	msg := fmt.Sprintf("Approved %s scoring at least %s.", plural(res.Approved, "suggestion", "suggestions"), fmtScore(min))
	if res.Skipped > 0 {
		msg += fmt.Sprintf(" %s had been decided meanwhile.", plural(res.Skipped, "suggestion", "suggestions"))
	}
	if res.More {
		msg += " More remain: approve again to continue."
	}
	return msg
}

func (h *Handler) bulkApprove(c *gin.Context) {
	p := pairOf(c)
	back := pairURL(p.Name, "suggestions")
	min, err := strconv.ParseFloat(c.PostForm("min_score"), 64)
	if err != nil {
		h.actionFailed(c, invalid("min_score %q: enter a score such as 0.95", c.PostForm("min_score")), back)
		return
	}
	res, err := h.bulkApproveAbove(c, p.Name, min, c.PostForm("q"))
	if err != nil {
		h.actionFailed(c, err, back)
		return
	}
	h.done(c, back, res.message(min))
}

func (h *Handler) apiBulkApprove(c *gin.Context) {
	var body struct {
		MinScore float64 `json:"min_score"`
		Q        string  `json:"q"`
	}
	if err := c.ShouldBindJSON(&body); err != nil {
		h.apiError(c, invalid("body: want {\"min_score\": 0.95}"))
		return
	}
	res, err := h.bulkApproveAbove(c, pairOf(c).Name, body.MinScore, body.Q)
	if err != nil {
		h.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"ok": true, "approved": res.Approved, "skipped": res.Skipped, "more": res.More})
}
