package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
)

// The JSON API under /api/v1 covers the pages' operations for scripts.
// Errors are {"error": {"code", "message"}} with the status the page would
// have had; times are RFC 3339 in UTC.

type apiErrorBody struct {
	Error apiErrorDetail `json:"error"`
}

type apiErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// apiError answers an API request that failed.
func (h *Handler) apiError(c *gin.Context, err error) {
	status := statusOf(err)
	if status >= 500 {
		h.serverError(c, err)
		return
	}
	code := map[int]string{http.StatusNotFound: "not_found", http.StatusUnprocessableEntity: "invalid",
		http.StatusConflict: "conflict", http.StatusNotImplemented: "not_implemented"}[status]
	c.AbortWithStatusJSON(status, apiErrorBody{Error: apiErrorDetail{Code: code, Message: userMessage(err)}})
}

// withPairAPI loads the pair named in an API path.
func (h *Handler) withPairAPI(c *gin.Context) {
	pairs, err := h.Pairs.Pairs(c.Request.Context())
	if err != nil {
		h.apiError(c, err)
		return
	}
	for _, p := range pairs {
		if p.Name == c.Param("pair") {
			c.Set(ctxPair, p)
			c.Set(ctxPairs, pairs)
			c.Next()
			return
		}
	}
	h.apiError(c, invalidPair(c.Param("pair")))
}

// idParam reads a numeric id from the path.
func idParam(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, &notFoundError{what: "id " + c.Param("id")}
	}
	return id, nil
}

// apiTime is a time for JSON: RFC 3339 UTC, or null.
type apiTime struct{ time.Time }

func (t apiTime) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(strconv.Quote(t.UTC().Format(time.RFC3339))), nil
}

func at(t time.Time) apiTime { return apiTime{t} }

type apiPair struct {
	Name           string   `json:"name"`
	LocalType      string   `json:"local_type"`
	LocalTable     string   `json:"local_table"`
	UpstreamType   string   `json:"upstream_type"`
	UpstreamURL    string   `json:"upstream_url"`
	Fields         []string `json:"fields"`
	CreateUpstream bool     `json:"create_upstream"`
	CreateLocal    bool     `json:"create_local"`
	Schedule       string   `json:"schedule"`
	MaxCreates     int      `json:"guard_max_creates"`
	MaxPercent     float64  `json:"guard_max_percent"`
	CallsPerDay    int      `json:"budget_calls_per_day"`
}

func newAPIPair(p PairInfo) apiPair {
	return apiPair{Name: p.Name, LocalType: p.LocalType, LocalTable: p.LocalTable, UpstreamType: p.UpstreamType,
		UpstreamURL: p.UpstreamURL, Fields: p.Fields, CreateUpstream: p.CreateUpstream, CreateLocal: p.CreateLocal,
		Schedule: p.Schedule.Value, MaxCreates: p.MaxCreates.Value, MaxPercent: p.MaxPercent.Value,
		CallsPerDay: p.CallsPerDay.Value}
}

func (h *Handler) apiPairs(c *gin.Context) {
	pairs, err := h.Pairs.Pairs(c.Request.Context())
	if err != nil {
		h.apiError(c, err)
		return
	}
	out := make([]apiPair, len(pairs))
	for i, p := range pairs {
		out[i] = newAPIPair(p)
	}
	c.JSON(http.StatusOK, gin.H{"pairs": out})
}

type apiRecord struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	Fields   map[string]string `json:"fields"`
	Deleted  bool              `json:"deleted,omitempty"`
	SeenAt   apiTime           `json:"seen_at"`
	External string            `json:"external_ref,omitempty"`
}

func newAPIRecord(r engine.Record, ok bool) *apiRecord {
	if !ok {
		return nil
	}
	fs := map[string]string{}
	for _, f := range engine.DataFields {
		if v := r.Field(f); v != "" {
			fs[f] = v
		}
	}
	return &apiRecord{ID: r.ID, Name: r.DisplayName(), Fields: fs, Deleted: r.Deleted, SeenAt: at(r.SeenAt),
		External: r.ExternalRef}
}

type apiEvidence struct {
	Rule   string             `json:"rule"`
	Score  float64            `json:"score"`
	Note   string             `json:"note,omitempty"`
	Fields []apiFieldEvidence `json:"fields"`
}

type apiFieldEvidence struct {
	Field  string  `json:"field"`
	Local  string  `json:"local"`
	Remote string  `json:"upstream"`
	Weight float64 `json:"weight"`
}

func newAPIEvidence(e engine.Evidence) apiEvidence {
	out := apiEvidence{Rule: e.Rule, Score: e.Score, Note: e.Note, Fields: []apiFieldEvidence{}}
	for _, f := range e.Fields {
		out.Fields = append(out.Fields, apiFieldEvidence{Field: f.Field, Local: f.Left, Remote: f.Right, Weight: f.Weight})
	}
	return out
}

// apiOK answers a successful API action.
func apiOK(c *gin.Context, body gin.H) {
	if body == nil {
		body = gin.H{}
	}
	body["ok"] = true
	c.JSON(http.StatusOK, body)
}
