package sim

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// WebhookOptions configure a WebhookPoster: one webhook subscription.
type WebhookOptions struct {
	// URL receives the deliveries.
	URL string
	// NotificationURL is the URL the subscription was registered with,
	// which the signature covers. Default URL. (They differ when a proxy
	// sits in front of the receiver.)
	NotificationURL string
	// SignatureKey is the subscription's signature key.
	SignatureKey string
	// MerchantID is the seller the events are about. Default
	// "MLSIMULATOR01", the OAuth app's default seller.
	MerchantID string
	// Client sends the deliveries. Default: a client with a 10-second
	// timeout.
	Client *http.Client
	// Attempts per delivery, with a short pause between. Default 3.
	Attempts int
}

// WebhookPoster delivers customer.created, customer.updated and
// customer.deleted events as Square does: a JSON envelope signed with
// x-square-hmacsha256-signature, base64 of HMAC-SHA256 over notification
// URL + body. Events are sent in order by one goroutine, so a change never
// waits for the receiver. Use Post as Options.OnChange.
type WebhookPoster struct {
	o         WebhookOptions
	queue     chan Change
	done      chan struct{}
	closeOnce sync.Once
	delivered atomic.Int64
	failed    atomic.Int64
}

// NewWebhookPoster starts a poster; Close stops it.
func NewWebhookPoster(o WebhookOptions) *WebhookPoster {
	o.NotificationURL = cmpOr(o.NotificationURL, o.URL)
	o.MerchantID = cmpOr(o.MerchantID, "MLSIMULATOR01")
	o.Attempts = cmpOr(o.Attempts, 3)
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 10 * time.Second}
	}
	p := &WebhookPoster{o: o, queue: make(chan Change, 1024), done: make(chan struct{})}
	go p.run()
	return p
}

// Post queues a delivery of c, or drops it when the queue is full.
func (p *WebhookPoster) Post(c Change) {
	select {
	case p.queue <- c:
	default:
		p.failed.Add(1)
	}
}

// Close stops delivering; queued deliveries are dropped.
func (p *WebhookPoster) Close() { p.closeOnce.Do(func() { close(p.done) }) }

// Delivered and Failed count deliveries answered 2xx, and given up.
func (p *WebhookPoster) Delivered() int64 { return p.delivered.Load() }
func (p *WebhookPoster) Failed() int64    { return p.failed.Load() }

func (p *WebhookPoster) run() {
	for {
		select {
		case <-p.done:
			return
		case c := <-p.queue:
			if p.deliver(EventBody(c, p.o.MerchantID)) {
				p.delivered.Add(1)
			} else {
				p.failed.Add(1)
			}
		}
	}
}

func (p *WebhookPoster) deliver(body []byte) bool {
	for i := range p.o.Attempts {
		if i > 0 {
			select {
			case <-p.done:
				return false
			case <-time.After(time.Duration(i) * 100 * time.Millisecond):
			}
		}
		req, err := http.NewRequest(http.MethodPost, p.o.URL, bytes.NewReader(body))
		if err != nil {
			return false
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("x-square-hmacsha256-signature", Sign(p.o.SignatureKey, p.o.NotificationURL, body))
		res, err := p.o.Client.Do(req)
		if err != nil {
			continue
		}
		_ = res.Body.Close()
		if res.StatusCode < 300 {
			return true
		}
	}
	return false
}

// Sign returns the x-square-hmacsha256-signature value of a delivery.
func Sign(key, notificationURL string, body []byte) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(notificationURL))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// EventBody is the webhook envelope of c (connectors.md §2.7), with a
// fresh event_id. A deleted customer's object omits group_ids and
// segment_ids, as Square's does.
func EventBody(c Change, merchantID string) []byte {
	cust := c.Customer.clone()
	cust.SegmentIDs = nil
	if c.Type == "customer.deleted" {
		cust.GroupIDs = nil
	}
	object := map[string]any{"customer": cust}
	if c.Merge != nil {
		object["event_context"] = map[string]any{"merge": c.Merge}
	}
	b, _ := json.Marshal(map[string]any{
		"merchant_id": merchantID, "type": c.Type, "event_id": newEventID(), "created_at": stamp(c.At),
		"data": map[string]any{"type": "customer", "id": cust.ID, "object": object},
	})
	return b
}

// newEventID is a random UUID, like Square's event ids.
func newEventID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
