package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/web/views"
)

// outboxTabs are the statuses the outbox page shows, in tab order.
var outboxTabs = []struct {
	status engine.WriteStatus
	label  string
}{
	{engine.WriteDead, "Dead letters"}, {engine.WritePending, "Pending"},
	{engine.WriteInflight, "Being checked"}, {engine.WriteHeld, "Held"},
}

// showOutbox lists the pair's writes of one status: dead letters first.
func (h *Handler) showOutbox(c *gin.Context) {
	p := pairOf(c)
	status := engine.WriteStatus(c.DefaultQuery("status", string(engine.WriteDead)))
	off, err := offsetParam(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	ws, total, err := h.Outbox.FindWrites(c.Request.Context(), WriteQuery{Pair: p.Name, Status: status, Limit: pageSize, Offset: off})
	if err != nil {
		h.fail(c, err)
		return
	}
	v := views.OutboxView{Status: string(status), ReturnTo: c.Request.URL.RequestURI()}
	for _, t := range outboxTabs {
		v.Tabs = append(v.Tabs, views.Link{Label: t.label, URL: pairURL(p.Name, "outbox") + "?status=" + string(t.status),
			Current: t.status == status})
	}
	switch status {
	case engine.WriteDead:
		v.Empty = views.Empty{Title: "No dead letters", Text: "Every write was made, or is still being tried."}
		v.Note = "Writes the other side refused, or that failed too often. Fix the cause (often the record itself), then retry."
	case engine.WriteInflight:
		v.Empty = views.Empty{Title: "Nothing being checked"}
		v.Note = "Writes whose outcome is not known yet. The next run reads the other side to settle them before any retry, so nothing is created twice."
	case engine.WriteHeld:
		v.Empty = views.Empty{Title: "Nothing held", Text: "Held writes belong to plans waiting for approval."}
	default:
		v.Empty = views.Empty{Title: "Nothing waiting", Text: "Writes appear here between a run planning them and making them."}
	}
	for _, w := range ws {
		v.Rows = append(v.Rows, h.writeRow(p, w))
	}
	v.Pager = offsetPager(c, off, len(ws), total, pageSize, "writes")
	h.render(c, http.StatusOK, views.OutboxPage(h.shell(c, "Outbox", "outbox"), v))
}

func writeKindLabel(p PairInfo, k engine.WriteKind) string {
	switch k {
	case engine.WriteCreateUpstream:
		return "Create in " + sideName(p, engine.Upstream)
	case engine.WriteCreateLocal:
		return "Create locally"
	case engine.WriteUpdateUpstream:
		return "Update in " + sideName(p, engine.Upstream)
	case engine.WriteUpdateLocal:
		return "Update locally"
	}
	return humanize(string(k))
}

func (h *Handler) writeRow(p PairInfo, w engine.Write) views.WriteRow {
	id := strconv.FormatInt(w.ID, 10)
	row := views.WriteRow{ID: id, Kind: writeKindLabel(p, w.Kind), Record: w.Customer.DisplayName(), SourceID: w.SourceID,
		Target: sideName(p, w.Kind.Target()), Status: writeBadge(w.Status), Attempts: fmtInt(w.Attempts),
		LastError: w.LastError, Updated: h.fmtAgo(w.UpdatedAt), RunID: strconv.FormatInt(w.RunID, 10),
		RunURL: pairURL(p.Name, "runs/"+strconv.FormatInt(w.RunID, 10))}
	if w.Kind.IsUpdate() {
		var sets []string
		for _, f := range w.Fields {
			sets = append(sets, fieldLabel(f)+" → "+w.Customer.Field(f))
		}
		row.Record = strings.Join(sets, ", ")
		row.SourceID = w.TargetID
	}
	if w.RunID == 0 {
		row.RunID, row.RunURL = "—", pairURL(p.Name, "audit")
	}
	if w.Status == engine.WritePending && !w.NextAttemptAt.IsZero() && w.NextAttemptAt.After(h.Now()) {
		row.NextTry = "next try " + h.fmtAgo(w.NextAttemptAt)
	}
	switch w.Status {
	case engine.WriteDead:
		row.RetryURL = pairURL(p.Name, "outbox/"+id+"/retry")
		row.DiscardURL = pairURL(p.Name, "outbox/"+id+"/discard")
	case engine.WritePending, engine.WriteHeld, engine.WritePlanned:
		row.DiscardURL = pairURL(p.Name, "outbox/"+id+"/discard")
	}
	return row
}

// writeIn reads one write and checks it belongs to pair ("" for the API).
func (h *Handler) writeIn(ctx context.Context, pair string, id int64) (engine.Write, error) {
	ws, _, err := h.Outbox.FindWrites(ctx, WriteQuery{ID: id, Limit: 1})
	if err != nil {
		return engine.Write{}, err
	}
	if len(ws) == 0 || (pair != "" && ws[0].Pair != pair) {
		return engine.Write{}, &notFoundError{what: "write"}
	}
	return ws[0], nil
}

type apiWrite struct {
	ID            int64    `json:"id"`
	Pair          string   `json:"pair"`
	RunID         int64    `json:"run_id"`
	Kind          string   `json:"kind"`
	SourceID      string   `json:"source_id"`
	TargetID      string   `json:"target_id,omitempty"`
	Fields        []string `json:"fields,omitempty"`
	Status        string   `json:"status"`
	Attempts      int      `json:"attempts"`
	LastError     string   `json:"last_error,omitempty"`
	NextAttemptAt apiTime  `json:"next_attempt_at"`
	UpdatedAt     apiTime  `json:"updated_at"`
}

// apiOutbox lists writes of one status (status=dead by default).
func (h *Handler) apiOutbox(c *gin.Context) {
	off, err := offsetParam(c)
	if err != nil {
		h.apiError(c, err)
		return
	}
	status := engine.WriteStatus(c.DefaultQuery("status", string(engine.WriteDead)))
	ws, total, err := h.Outbox.FindWrites(c.Request.Context(), WriteQuery{Pair: pairOf(c).Name, Status: status,
		Limit: maxPageSize, Offset: off})
	if err != nil {
		h.apiError(c, err)
		return
	}
	out := make([]apiWrite, len(ws))
	for i, w := range ws {
		out[i] = apiWrite{ID: w.ID, Pair: w.Pair, RunID: w.RunID, Kind: string(w.Kind), SourceID: w.SourceID,
			TargetID: w.TargetID, Fields: w.Fields, Status: string(w.Status), Attempts: w.Attempts, LastError: w.LastError,
			NextAttemptAt: at(w.NextAttemptAt), UpdatedAt: at(w.UpdatedAt)}
	}
	c.JSON(http.StatusOK, gin.H{"writes": out, "total": total})
}
