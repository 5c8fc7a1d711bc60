package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Webhook headers (see the package documentation).
const (
	HeaderTimestamp = "X-Accord-Timestamp"
	HeaderSignature = "X-Accord-Signature"
)

// Payload is the JSON body of a webhook notification.
type Payload struct {
	Event string `json:"event"` // the Kind
	// State is "firing" when the condition started, "resolved" when it
	// ended.
	State   string    `json:"state"`
	Pair    string    `json:"pair"`
	Summary string    `json:"summary"`
	Text    string    `json:"text"`
	Detail  string    `json:"detail,omitempty"`
	Value   int64     `json:"value"`
	URL     string    `json:"url,omitempty"`
	At      time.Time `json:"at"`
}

// WebhookOptions configure the webhook channel.
type WebhookOptions struct {
	URL    string
	Secret string // signs each body; never sent or logged
	// Client sends the requests; default a client with a 15s timeout.
	Client *http.Client
	Now    func() time.Time
}

// Webhook POSTs signed JSON to a URL.
type Webhook struct{ o WebhookOptions }

// NewWebhook checks o and returns the channel. Its errors name the option.
func NewWebhook(o WebhookOptions) (*Webhook, error) {
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("url: %q is not an http(s) URL", o.URL)
	}
	if len(o.Secret) < 16 {
		return nil, fmt.Errorf("secret: at least 16 characters are required")
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 15 * time.Second}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Webhook{o: o}, nil
}

// Name implements Sender.
func (w *Webhook) Name() string { return "webhook" }

// Send implements Sender. Any 2xx answer is delivery.
func (w *Webhook) Send(ctx context.Context, m Message) error {
	state := "firing"
	if m.Resolved {
		state = "resolved"
	}
	body, err := json.Marshal(Payload{Event: string(m.Kind), State: state, Pair: m.Pair, Summary: m.Subject,
		Text: m.Text, Detail: m.Detail, Value: m.Value, URL: m.URL, At: m.At.UTC()})
	if err != nil {
		return fmt.Errorf("webhook: encode: %w", err)
	}
	ts := strconv.FormatInt(w.o.Now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.o.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook: build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "accord-notify")
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, "sha256="+Sign(w.o.Secret, ts, body))
	res, err := w.o.Client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: post: %w", err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("webhook: receiver answered HTTP %d", res.StatusCode)
	}
	return nil
}

// Sign returns the hex HMAC-SHA256 of timestamp, ".", and body, keyed with
// secret: the value of X-Accord-Signature after "sha256=".
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp))
	mac.Write([]byte("."))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// ErrBadSignature: a webhook's signature or timestamp does not check out.
var ErrBadSignature = errors.New("notify: bad webhook signature")

// Verify checks a received webhook: the signature header matches the body
// and timestamp, and the timestamp is within tolerance of now (a replayed
// old delivery fails). It returns an error wrapping ErrBadSignature.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	ts := h.Get(HeaderTimestamp)
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q", ErrBadSignature, ts)
	}
	if d := now.Sub(time.Unix(secs, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: timestamp is %s away", ErrBadSignature, d.Round(time.Second))
	}
	got, ok := strings.CutPrefix(h.Get(HeaderSignature), "sha256=")
	want := Sign(secret, ts, body)
	if !ok || !hmac.Equal([]byte(got), []byte(want)) {
		return fmt.Errorf("%w: signature does not match", ErrBadSignature)
	}
	return nil
}
