package square_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord/connectors/square"
	sqsim "github.com/accordhq/accord/connectors/square/sim"
	"github.com/accordhq/accord/engine"
)

// delivery is one webhook as the simulator's poster sends it.
type delivery struct {
	body []byte
	sig  string
}

// capture serves a webhook receiver that records deliveries, and a
// simulator posting to it.
func capture(t *testing.T, key, notificationURL string) (*sqsim.Server, <-chan delivery) {
	t.Helper()
	got := make(chan delivery, 16)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- delivery{body: body, sig: r.Header.Get(square.SignatureHeader)}
	}))
	t.Cleanup(rcv.Close)
	p := sqsim.NewWebhookPoster(sqsim.WebhookOptions{URL: rcv.URL, NotificationURL: notificationURL, SignatureKey: key})
	t.Cleanup(p.Close)
	s, err := sqsim.New(sqsim.Options{OnChange: p.Post})
	if err != nil {
		t.Fatal(err)
	}
	return s, got
}

func next(t *testing.T, ch <-chan delivery) delivery {
	t.Helper()
	select {
	case d := <-ch:
		return d
	case <-time.After(5 * time.Second):
		t.Fatal("no webhook delivered")
	}
	return delivery{}
}

func TestWebhookSignature(t *testing.T) {
	t.Parallel()
	const key, hook = "sig-key-1", "https://accord.example.com/webhooks/square"
	s, got := capture(t, key, hook)
	if err := s.Load(strings.NewReader(`[{"id":"C1","given_name":"Ann"}]`)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update("C1", func(c *sqsim.Customer) { c.FamilyName = "Lee" }); err != nil {
		t.Fatal(err)
	}
	d := next(t, got)
	if err := square.VerifyWebhook(key, hook, d.body, d.sig); err != nil {
		t.Fatalf("a genuine delivery does not verify: %v", err)
	}
	tampered := append([]byte(nil), d.body...)
	tampered[len(tampered)-2] ^= 1
	for name, err := range map[string]error{
		"tampered body": square.VerifyWebhook(key, hook, tampered, d.sig),
		"wrong URL":     square.VerifyWebhook(key, "https://evil.example.com/webhooks/square", d.body, d.sig),
		"wrong key":     square.VerifyWebhook("other-key", hook, d.body, d.sig),
		"no signature":  square.VerifyWebhook(key, hook, d.body, ""),
		"not base64":    square.VerifyWebhook(key, hook, d.body, "%%%"),
		"no key":        square.VerifyWebhook("", hook, d.body, d.sig),
	} {
		if !errors.Is(err, square.ErrBadSignature) {
			t.Errorf("%s: VerifyWebhook = %v, want ErrBadSignature", name, err)
		}
	}
	ev, err := square.ParseWebhook(d.body)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Type != "customer.updated" || ev.CustomerID != "C1" || ev.EventID == "" || ev.MergeTo != "" {
		t.Fatalf("event = %+v", ev)
	}
}

func TestWebhookMerge(t *testing.T) {
	t.Parallel()
	s, got := capture(t, "k", "https://h/webhooks/square")
	if err := s.Load(strings.NewReader(`[{"id":"A","given_name":"Ann"},{"id":"B","email_address":"ann@example.com"}]`)); err != nil {
		t.Fatal(err)
	}
	merged, err := s.Merge([]string{"A", "B"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if merged.GivenName != "Ann" || merged.EmailAddress != "ann@example.com" || merged.ID == "A" {
		t.Fatalf("merged profile = %+v", merged)
	}
	if _, ok := s.Customer("A"); ok {
		t.Fatal("a merged profile still exists")
	}
	var types []string
	for range 3 {
		ev, err := square.ParseWebhook(next(t, got).body)
		if err != nil {
			t.Fatal(err)
		}
		if ev.MergeTo != merged.ID || !slices.Equal(ev.MergeFrom, []string{"A", "B"}) {
			t.Fatalf("event %+v does not carry the merge", ev)
		}
		types = append(types, ev.Type+":"+ev.CustomerID)
	}
	want := []string{"customer.created:" + merged.ID, "customer.deleted:A", "customer.deleted:B"}
	if !slices.Equal(types, want) {
		t.Fatalf("events = %v, want %v", types, want)
	}
}

func TestParseWebhookRejectsGarbage(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`nope`, `{}`, `{"type":"customer.updated","event_id":"e"}`} {
		if _, err := square.ParseWebhook([]byte(body)); !errors.Is(err, engine.ErrInvalid) {
			t.Errorf("ParseWebhook(%s) = %v, want ErrInvalid", body, err)
		}
	}
}
