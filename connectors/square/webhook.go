package square

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/accordhq/accord/engine"
)

// SignatureHeader is the header that signs a webhook delivery.
const SignatureHeader = "x-square-hmacsha256-signature"

// ErrBadSignature: a delivery's signature is missing or wrong.
var ErrBadSignature = errors.New("square: webhook signature does not match")

// VerifyWebhook checks a delivery's x-square-hmacsha256-signature: base64
// of HMAC-SHA256, keyed with the subscription's signature key, over the
// notification URL the subscription was registered with followed by the
// raw body. The URL is the configured one, never the request's Host, which
// a sender controls. The comparison is constant-time.
func VerifyWebhook(signatureKey, notificationURL string, body []byte, signature string) error {
	if signatureKey == "" || notificationURL == "" {
		return fmt.Errorf("%w: no signature key or notification URL configured", ErrBadSignature)
	}
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(signature))
	if err != nil || len(got) == 0 {
		return fmt.Errorf("%w: missing or not base64", ErrBadSignature)
	}
	m := hmac.New(sha256.New, []byte(signatureKey))
	m.Write([]byte(notificationURL))
	m.Write(body)
	if !hmac.Equal(got, m.Sum(nil)) {
		return ErrBadSignature
	}
	return nil
}

// WebhookEvent is what accord reads of a customer webhook: ids, never
// customer data, which the next run re-reads (level-based).
type WebhookEvent struct {
	EventID    string
	Type       string // customer.created, customer.updated, customer.deleted, ...
	MerchantID string
	CustomerID string
	// MergeFrom and MergeTo are event_context.merge: set on the events of a
	// merge, where the merged profiles became the new MergeTo.
	MergeFrom []string
	MergeTo   string
}

// ParseWebhook reads a delivery's envelope (connectors.md §2.7). Errors
// match engine.ErrInvalid.
func ParseWebhook(body []byte) (WebhookEvent, error) {
	var env struct {
		MerchantID string `json:"merchant_id"`
		Type       string `json:"type"`
		EventID    string `json:"event_id"`
		Data       struct {
			Type   string `json:"type"`
			ID     string `json:"id"`
			Object struct {
				Customer struct {
					ID string `json:"id"`
				} `json:"customer"`
				EventContext struct {
					Merge struct {
						From []string `json:"from_customer_ids"`
						To   string   `json:"to_customer_id"`
					} `json:"merge"`
				} `json:"event_context"`
			} `json:"object"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return WebhookEvent{}, fmt.Errorf("square: webhook: %w: %w", engine.ErrInvalid, err)
	}
	if env.Type == "" || env.EventID == "" {
		return WebhookEvent{}, fmt.Errorf("square: webhook: %w: type and event_id are required", engine.ErrInvalid)
	}
	ev := WebhookEvent{EventID: clipString(env.EventID, 100), Type: clipString(env.Type, 60),
		MerchantID: clipString(env.MerchantID, 100), CustomerID: clipString(env.Data.ID, 100),
		MergeTo: clipString(env.Data.Object.EventContext.Merge.To, 100)}
	if ev.CustomerID == "" {
		ev.CustomerID = clipString(env.Data.Object.Customer.ID, 100)
	}
	for _, id := range env.Data.Object.EventContext.Merge.From {
		if id != "" && len(ev.MergeFrom) < 100 {
			ev.MergeFrom = append(ev.MergeFrom, clipString(id, 100))
		}
	}
	if strings.HasPrefix(ev.Type, "customer.") && ev.CustomerID == "" {
		return WebhookEvent{}, fmt.Errorf("square: webhook %s: %w: no customer id", ev.EventID, engine.ErrInvalid)
	}
	return ev, nil
}
