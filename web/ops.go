package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
)

// RecordOps reconciles one record at once, outside the schedule: the
// sale-time ensure and "sync this record now". Both take the pair's lock
// like a run and wait for a run in progress, up to ctx's deadline.
type RecordOps interface {
	// Ensure returns the upstream id of local customer localID, linking it
	// by the matching tiers or creating it upstream now. Concurrent calls
	// for one customer create it at most once. Errors wrap
	// engine.ErrNotFound (no such local customer), engine.ErrNeedsReview
	// (it waits for a person), engine.ErrIncomplete (it lacks what the
	// upstream requires) or engine.ErrUnknownOutcome (a creation was sent
	// and not yet confirmed; ask again).
	Ensure(ctx context.Context, pair, localID string) (EnsureResult, error)
	// SyncRecord reads the record fresh from side, and its linked
	// counterpart, and decides them again; it returns the run that did it.
	SyncRecord(ctx context.Context, pair string, side engine.Side, id string) (engine.Run, error)
}

// EnsureResult is what Ensure found or made.
type EnsureResult struct {
	UpstreamID string
	// Created is true when this call created the upstream customer; every
	// other caller, before or after, gets the same id with false.
	Created bool
	LinkID  int64
}

// opsTimeout bounds how long a request waits for a run that holds the
// pair: a till waiting for a customer id should hear back in seconds, and
// a client may simply ask again.
const opsTimeout = 30 * time.Second

// opsRoutes registers the single-record endpoints on the pair's page group
// and API group.
func (h *Handler) opsRoutes(pages, api *gin.RouterGroup) {
	pages.POST("/links/:id/sync", h.syncLinkForm)
	api.POST("/ensure", h.apiEnsure)
	api.POST("/records/sync", h.apiSyncRecord)
}

// errNoRecordOps is returned when the server cannot reconcile records.
var errNoRecordOps = errors.New("records cannot be synced from this server")

// ErrNotSynced is what RecordOps returns before the pair's first full run
// has read both sides: a record decided against a side accord has not yet
// read could be created again where it already exists.
var ErrNotSynced = errors.New("the pair has not been synced yet")

// apiOpsError answers a failed ensure or record sync. Beyond the usual
// mapping (errors.go) it names the cases a caller acts on differently: a
// review to wait for, a record to fix, a creation to ask about again, a
// pair busy for longer than the request may wait.
func (h *Handler) apiOpsError(c *gin.Context, err error) {
	detail := func(status int, code string) {
		c.AbortWithStatusJSON(status, apiErrorBody{Error: apiErrorDetail{Code: code, Message: opsMessage(err)}})
	}
	switch {
	case errors.Is(err, errNoRecordOps):
		detail(http.StatusNotImplemented, "not_implemented")
	case errors.Is(err, engine.ErrNeedsReview):
		detail(http.StatusConflict, "needs_review")
	case errors.Is(err, ErrNotSynced):
		c.Header("Retry-After", "60")
		detail(http.StatusConflict, "not_synced")
	case errors.Is(err, engine.ErrIncomplete):
		detail(http.StatusUnprocessableEntity, "incomplete")
	case errors.Is(err, engine.ErrNotFound):
		detail(http.StatusUnprocessableEntity, "not_found")
	case errors.Is(err, engine.ErrUnknownOutcome):
		c.Header("Retry-After", "5")
		detail(http.StatusServiceUnavailable, "unknown_outcome")
	case errors.Is(err, engine.ErrLocked), errors.Is(err, context.DeadlineExceeded):
		c.Header("Retry-After", "5")
		c.AbortWithStatusJSON(http.StatusServiceUnavailable, apiErrorBody{Error: apiErrorDetail{Code: "busy",
			Message: "A run of this pair is in progress; try again in a moment."}})
	default:
		h.apiError(c, err)
	}
}

// opsMessage is the reason the engine gave, without the package prefixes
// the wrapping added on the way up.
func opsMessage(err error) string {
	msg := strings.NewReplacer("engine: ", "", "store: ", "").Replace(err.Error())
	if msg == "" {
		return "Something went wrong."
	}
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}
