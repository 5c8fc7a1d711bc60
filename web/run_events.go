package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
)

// runEvents streams a running run's progress as server-sent events:
// "progress" events with the stage and counts, then one "done" event with
// the final status. A run this process is not running gets its current
// status as "done" at once, and the page falls back to refreshing.
func (h *Handler) runEvents(c *gin.Context) {
	p := pairOf(c)
	id, err := idParam(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	r, err := h.runIn(ctx, p.Name, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	w := c.Writer
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no") // a proxy must not hold events back
	w.WriteHeader(http.StatusOK)
	send := func(event string, v any) bool {
		b, _ := json.Marshal(v)
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
			return false
		}
		w.Flush()
		return true
	}
	done := func() {
		final, err := h.runIn(ctx, p.Name, id)
		if err != nil {
			final = r
		}
		send("done", gin.H{"status": final.Status, "label": runBadge(final.Status).Label, "summary": runSummary(final)})
	}
	if r.Status != engine.RunRunning || h.Runner == nil {
		done()
		return
	}
	ch, stop, ok := h.Runner.Watch(id)
	if !ok {
		done()
		return
	}
	defer stop()
	keepalive := time.NewTicker(15 * time.Second)
	defer keepalive.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-keepalive.C:
			if _, err := fmt.Fprint(w, ": keepalive\n\n"); err != nil {
				return
			}
			w.Flush()
		case pr, open := <-ch:
			if !open {
				done()
				return
			}
			if !send("progress", gin.H{"step": pr.Step, "side": pr.Side, "done": pr.Done, "total": pr.Total,
				"text": h.progressText(p, pr), "value": progressStep(pr)}) {
				return
			}
		}
	}
}
