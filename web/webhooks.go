package web

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
)

// WebhookReceiver authenticates and applies one provider delivery
// (webhook.Receiver, adapted in cmd/accord). Errors: ErrBadSignature when
// no pair's key verifies it, engine.ErrNotFound when no pair takes the
// provider's webhooks, engine.ErrInvalid for an authentic but unreadable
// body; anything else is a failure the provider should retry.
type WebhookReceiver interface {
	ReceiveWebhook(ctx context.Context, provider string, header http.Header, body []byte) error
}

// ErrBadSignature: a webhook delivery is unsigned, or signed with a key
// no pair has. It is answered 401 and changes nothing.
var ErrBadSignature = errors.New("webhook signature does not verify")

// maxWebhookBody bounds a delivery. Customer events are a few kilobytes;
// anything near this size is not a provider's.
const maxWebhookBody = 256 << 10

// receiveWebhook takes a provider's delivery. It needs no session and is
// exempt from the cross-origin check: the provider's signature over the
// body is what authenticates it. The answer is short and says nothing of
// the pairs; the provider retries anything but a 2xx.
func (h *Handler) receiveWebhook(c *gin.Context) {
	provider := c.Param("provider")
	if h.Webhooks == nil {
		c.String(http.StatusNotFound, "no webhooks are configured\n")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxWebhookBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			c.String(http.StatusRequestEntityTooLarge, "delivery too large\n")
			return
		}
		c.String(http.StatusBadRequest, "unreadable delivery\n")
		return
	}
	err = h.Webhooks.ReceiveWebhook(c.Request.Context(), provider, c.Request.Header, body)
	switch {
	case err == nil:
		c.String(http.StatusOK, "ok\n")
	case errors.Is(err, ErrBadSignature):
		h.log.Warn("webhook refused: bad signature", "provider", provider, "addr", c.ClientIP(),
			"request_id", c.GetString(ctxRequestID))
		c.String(http.StatusUnauthorized, "signature does not verify\n")
	case errors.Is(err, engine.ErrNotFound):
		c.String(http.StatusNotFound, "no sync takes webhooks from this provider\n")
	case errors.Is(err, engine.ErrInvalid):
		h.log.Warn("webhook refused: unreadable", "provider", provider, "err", err,
			"request_id", c.GetString(ctxRequestID))
		c.String(http.StatusBadRequest, "unreadable delivery\n")
	default:
		h.log.Error("webhook failed", "provider", provider, "err", err, "request_id", c.GetString(ctxRequestID))
		c.String(http.StatusInternalServerError, "not applied; deliver again\n")
	}
}
