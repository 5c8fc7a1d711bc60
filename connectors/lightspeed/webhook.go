package lightspeed

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/accordhq/accord/engine"
)

// WebhookEvent is what accord reads of an X-Series webhook delivery: which
// customer changed, never its data. The engine re-reads the change feed
// (deliveries are not guaranteed, may repeat and may arrive out of order).
type WebhookEvent struct {
	Type         string // customer.update when the delivery does not say
	CustomerID   string
	DomainPrefix string // when the delivery names its store
}

// ParseWebhook reads a delivery: a form-encoded body whose payload field
// holds the customer as JSON in the API 1.0 shape (connectors.md §1.9).
// Errors match engine.ErrInvalid.
func ParseWebhook(body []byte) (WebhookEvent, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return WebhookEvent{}, fmt.Errorf("lightspeed: webhook: %w: the body is not form-encoded", engine.ErrInvalid)
	}
	var p struct {
		ID json.RawMessage `json:"id"`
	}
	raw := form.Get("payload")
	if raw == "" || json.Unmarshal([]byte(raw), &p) != nil {
		return WebhookEvent{}, fmt.Errorf("lightspeed: webhook: %w: payload is not a JSON object", engine.ErrInvalid)
	}
	var id string
	if json.Unmarshal(p.ID, &id) != nil || id == "" {
		return WebhookEvent{}, fmt.Errorf("lightspeed: webhook: %w: payload has no customer id", engine.ErrInvalid)
	}
	typ := form.Get("type")
	if typ == "" {
		typ = "customer.update"
	}
	return WebhookEvent{Type: clipText(typ, 60), CustomerID: clipText(id, 100),
		DomainPrefix: clipText(form.Get("domain_prefix"), 64)}, nil
}

// ErrBadSignature: a delivery's X-Signature is missing, malformed or wrong.
var ErrBadSignature = errors.New("lightspeed: webhook signature does not match")

// VerifyWebhook checks the X-Signature header ("signature=<mac>,
// algorithm=HMAC-SHA256") against an HMAC-SHA256 of the raw body under
// secret. X-Series does not document the key or the MAC's encoding
// (connectors.md §1.9): the key is configured (the app's client secret by
// default) and both hex and base64 encodings are accepted. The comparison
// is constant-time.
func VerifyWebhook(secret string, body []byte, header string) error {
	if secret == "" {
		return fmt.Errorf("%w: no signing key configured", ErrBadSignature)
	}
	var sig, alg string
	for part := range strings.SplitSeq(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch strings.ToLower(k) {
		case "signature":
			sig = v
		case "algorithm":
			alg = v
		}
	}
	if sig == "" || !strings.EqualFold(alg, "HMAC-SHA256") {
		return fmt.Errorf("%w: want signature=...,algorithm=HMAC-SHA256", ErrBadSignature)
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	want := m.Sum(nil)
	for _, dec := range []func(string) ([]byte, error){hex.DecodeString, base64.StdEncoding.DecodeString,
		base64.RawURLEncoding.DecodeString} {
		if got, err := dec(sig); err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrBadSignature
}
