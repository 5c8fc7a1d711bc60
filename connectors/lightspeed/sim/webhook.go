package sim

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// Change is a committed change to a customer, reported to Options.OnChange.
// X-Series has one customer event, customer.update, for creates, edits and
// deletes alike (connectors.md §1.9).
type Change struct {
	Type     string // always "customer.update"
	Customer Customer
	At       time.Time
}

// emit reports a change to Options.OnChange. It must be called without
// holding s.mu, so that the hook may call the Server.
func (s *Server) emit(c Customer) {
	if s.opts.OnChange != nil {
		s.opts.OnChange(Change{Type: "customer.update", Customer: c.clone(), At: s.opts.Now()})
	}
}

// WebhookOptions configure a WebhookPoster.
type WebhookOptions struct {
	// URL receives the deliveries.
	URL string
	// Secret, when set, signs each delivery: X-Signature:
	// signature=<hex HMAC-SHA256 of the body>,algorithm=HMAC-SHA256. The
	// vendor signs deliveries to OAuth apps but does not document the key
	// or the encoding; this simulator uses the key it is given and hex.
	Secret string
	// DomainPrefix is sent in the domain_prefix field. Default "simstore".
	DomainPrefix string
	// Client sends the deliveries. Default: a client with a 5-second
	// timeout, the time X-Series gives a receiver.
	Client *http.Client
	// Attempts per delivery, with a short pause between. Default 3.
	Attempts int
}

// WebhookPoster delivers customer.update webhooks in the vendor's form: a
// form-encoded POST whose payload field is the customer as JSON in the API
// 1.0 shape. Deliveries are sent in order, by one goroutine, so a change
// never waits for the receiver. Use Post as Options.OnChange.
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
	o.DomainPrefix = cmpOr(o.DomainPrefix, "simstore")
	o.Attempts = cmpOr(o.Attempts, 3)
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 5 * time.Second}
	}
	p := &WebhookPoster{o: o, queue: make(chan Change, 1024), done: make(chan struct{})}
	go p.run()
	return p
}

// Post queues a delivery of c. It drops it when the queue is full, as a
// provider gives up on a receiver that cannot keep up.
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
			if p.deliver(c) {
				p.delivered.Add(1)
			} else {
				p.failed.Add(1)
			}
		}
	}
}

func (p *WebhookPoster) deliver(c Change) bool {
	body := Body(c, p.o.DomainPrefix)
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
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
		if p.o.Secret != "" {
			req.Header.Set("X-Signature", Sign(p.o.Secret, body))
		}
		res, err := p.o.Client.Do(req)
		if err != nil {
			continue
		}
		_ = res.Body.Close()
		if res.StatusCode < 300 {
			return true
		}
		if res.StatusCode < 500 && res.StatusCode != http.StatusTooManyRequests {
			return false // refused: a retry would be refused too
		}
	}
	return false
}

// Body is the form-encoded body of a delivery of c.
func Body(c Change, domainPrefix string) []byte {
	payload, _ := json.Marshal(payload10(c.Customer))
	return []byte(url.Values{"type": {c.Type}, "domain_prefix": {domainPrefix}, "environment": {"simulator"},
		"payload": {string(payload)}}.Encode())
}

// Sign returns the X-Signature header value of body under secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "signature=" + hex.EncodeToString(m.Sum(nil)) + ",algorithm=HMAC-SHA256"
}

// payload10 is the customer in the API 1.0 shape that webhooks carry: the
// same names as 2.0 for the usual fields, plus the contact block.
func payload10(c Customer) map[string]any {
	return map[string]any{
		"id": c.ID, "customer_code": c.CustomerCode, "customer_group_id": c.CustomerGroupID,
		"name": deref(c.Name), "first_name": deref(c.FirstName), "last_name": deref(c.LastName),
		"company_name": deref(c.CompanyName), "email": deref(c.Email), "phone": deref(c.Phone),
		"mobile": deref(c.Mobile), "custom_field_1": deref(c.CustomField1), "updated_at": c.UpdatedAt,
		"deleted_at": deref(c.DeletedAt), "balance": c.Balance,
		"contact": map[string]any{"email": deref(c.Email), "phone": deref(c.Phone), "mobile": deref(c.Mobile)},
	}
}
