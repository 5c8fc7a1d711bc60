package web

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/web/views"
)

// showAudit is the audit log of the pair, newest first.
func (h *Handler) showAudit(c *gin.Context) {
	p := pairOf(c)
	off, err := offsetParam(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	es, total, err := h.Audit.FindAudit(c.Request.Context(), AuditQuery{Pair: p.Name, Actor: c.Query("actor"),
		Action: c.Query("action"), Limit: pageSize, Offset: off})
	if err != nil {
		h.fail(c, err)
		return
	}
	v := views.AuditView{Empty: views.Empty{Title: "No decisions yet", Text: "Approvals, rejections, resolutions and retries are recorded here."}}
	for _, e := range es {
		v.Rows = append(v.Rows, views.AuditRow{At: h.fmtTime(e.At), Actor: e.Actor, Action: auditLabel(e.Action),
			Subject: e.Subject, URL: subjectURL(p.Name, e.Subject), Detail: detailText(e.Detail)})
	}
	v.Pager = offsetPager(c, off, len(es), total, pageSize, "entries")
	h.render(c, http.StatusOK, views.AuditPage(h.shell(c, "Audit log", "audit"), v))
}

// subjectURL links an audited subject to its page where it has one.
func subjectURL(pair, subject string) string {
	kind, id, ok := strings.Cut(subject, ":")
	if !ok {
		return ""
	}
	switch kind {
	case "run":
		return pairURL(pair, "runs/"+id)
	case "link":
		return pairURL(pair, "links/"+id)
	}
	return ""
}

// detailText shows an entry's details as "key value" pairs in key order.
func detailText(d map[string]any) string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		if d[k] == nil {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %v", strings.ReplaceAll(k, "_", " "), d[k]))
	}
	return strings.Join(parts, " · ")
}

type apiAuditEntry struct {
	ID      int64          `json:"id"`
	Actor   string         `json:"actor"`
	Action  string         `json:"action"`
	Subject string         `json:"subject"`
	Detail  map[string]any `json:"detail"`
	At      apiTime        `json:"at"`
}

func (h *Handler) apiAudit(c *gin.Context) {
	off, err := offsetParam(c)
	if err != nil {
		h.apiError(c, err)
		return
	}
	es, total, err := h.Audit.FindAudit(c.Request.Context(), AuditQuery{Pair: pairOf(c).Name, Actor: c.Query("actor"),
		Action: c.Query("action"), Limit: maxPageSize, Offset: off})
	if err != nil {
		h.apiError(c, err)
		return
	}
	out := make([]apiAuditEntry, len(es))
	for i, e := range es {
		out[i] = apiAuditEntry{ID: e.ID, Actor: e.Actor, Action: e.Action, Subject: e.Subject, Detail: e.Detail, At: at(e.At)}
	}
	c.JSON(http.StatusOK, gin.H{"entries": out, "total": total})
}
