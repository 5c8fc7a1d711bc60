package lightspeed_test

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord/connectors/lightspeed"
	lssim "github.com/accordhq/accord/connectors/lightspeed/sim"
	"github.com/accordhq/accord/engine"
)

func TestWebhookFromTheSimulator(t *testing.T) {
	t.Parallel()
	type delivery struct {
		body       []byte
		sig, ctype string
	}
	got := make(chan delivery, 4)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- delivery{b, r.Header.Get("X-Signature"), r.Header.Get("Content-Type")}
	}))
	defer rcv.Close()
	p := lssim.NewWebhookPoster(lssim.WebhookOptions{URL: rcv.URL, Secret: "client-secret"})
	defer p.Close()
	s, err := lssim.New(lssim.Options{OnChange: p.Post})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Load(strings.NewReader(`[{"id":"c-1","first_name":"Ann"}]`)); err != nil {
		t.Fatal(err)
	}
	if err := s.Update("c-1", func(c *lssim.Customer) { ln := "Lee"; c.LastName = &ln }); err != nil {
		t.Fatal(err)
	}
	var d delivery
	select {
	case d = <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("no webhook delivered")
	}
	if !strings.HasPrefix(d.ctype, "application/x-www-form-urlencoded") {
		t.Fatalf("content type %q", d.ctype)
	}
	if err := lightspeed.VerifyWebhook("client-secret", d.body, d.sig); err != nil {
		t.Fatalf("a genuine delivery does not verify: %v", err)
	}
	ev, err := lightspeed.ParseWebhook(d.body)
	if err != nil {
		t.Fatal(err)
	}
	if ev.CustomerID != "c-1" || ev.Type != "customer.update" || ev.DomainPrefix != "simstore" {
		t.Fatalf("event = %+v", ev)
	}

	tampered := strings.Replace(string(d.body), "Ann", "Bob", 1)
	for name, err := range map[string]error{
		"tampered body": lightspeed.VerifyWebhook("client-secret", []byte(tampered), d.sig),
		"wrong key":     lightspeed.VerifyWebhook("other", d.body, d.sig),
		"no header":     lightspeed.VerifyWebhook("client-secret", d.body, ""),
		"other alg":     lightspeed.VerifyWebhook("client-secret", d.body, strings.Replace(d.sig, "SHA256", "SHA1", 1)),
		"no key":        lightspeed.VerifyWebhook("", d.body, d.sig),
	} {
		if !errors.Is(err, lightspeed.ErrBadSignature) {
			t.Errorf("%s: VerifyWebhook = %v, want ErrBadSignature", name, err)
		}
	}
	// The encoding of the MAC is unconfirmed: base64 verifies too.
	mac := strings.TrimSuffix(strings.TrimPrefix(d.sig, "signature="), ",algorithm=HMAC-SHA256")
	raw, err := hex.DecodeString(mac)
	if err != nil {
		t.Fatalf("the simulator's MAC is not hex: %v", err)
	}
	b64 := "signature=" + base64.StdEncoding.EncodeToString(raw) + ",algorithm=HMAC-SHA256"
	if err := lightspeed.VerifyWebhook("client-secret", d.body, b64); err != nil {
		t.Fatalf("base64 signature: %v", err)
	}
}

func TestParseWebhookNeedsACustomerID(t *testing.T) {
	t.Parallel()
	for _, body := range []string{"%zz", "payload=nope", `payload={"name":"x"}`, ""} {
		if _, err := lightspeed.ParseWebhook([]byte(body)); !errors.Is(err, engine.ErrInvalid) {
			t.Errorf("ParseWebhook(%q) = %v, want ErrInvalid", body, err)
		}
	}
}
