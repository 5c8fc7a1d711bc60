package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/accordhq/accord/engine"
)

// fakeReceiver accepts deliveries signed "good" for lightspeed.
type fakeReceiver struct {
	mu    sync.Mutex
	got   int
	fails error
}

func (f *fakeReceiver) ReceiveWebhook(_ context.Context, provider string, h http.Header, body []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case provider != "lightspeed":
		return fmt.Errorf("no pair: %w", engine.ErrNotFound)
	case h.Get("X-Signature") != "good":
		return fmt.Errorf("%w: no key verifies it", ErrBadSignature)
	case f.fails != nil:
		return f.fails
	case string(body) == "garbage":
		return fmt.Errorf("payload: %w", engine.ErrInvalid)
	}
	f.got++
	return nil
}

// Webhooks need no session and pass the cross-origin check; the signature
// decides, and the answers say nothing about the pairs.
func TestWebhookAnswers(t *testing.T) {
	t.Parallel()
	b, _, r := withOAuth(t)
	post := func(provider, sig, body string, hdr ...string) int {
		req, _ := http.NewRequest(http.MethodPost, b.srv.URL+"/webhooks/"+provider, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if sig != "" {
			req.Header.Set("X-Signature", sig)
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for _, tc := range []struct {
		name, provider, sig, body string
		hdr                       []string
		want                      int
	}{
		{"signed", "lightspeed", "good", "payload={}", nil, http.StatusOK},
		{"signed, odd headers", "lightspeed", "good", "payload={}", []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://x.example"}, http.StatusOK},
		{"unsigned", "lightspeed", "", "payload={}", nil, http.StatusUnauthorized},
		{"forged", "lightspeed", "forged", "payload={}", nil, http.StatusUnauthorized},
		{"unknown provider", "xero", "good", "{}", nil, http.StatusNotFound},
		{"unreadable", "lightspeed", "good", "garbage", nil, http.StatusBadRequest},
		{"too large", "lightspeed", "good", strings.Repeat("x", maxWebhookBody+1), nil, http.StatusRequestEntityTooLarge},
	} {
		if got := post(tc.provider, tc.sig, tc.body, tc.hdr...); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	if r.got != 2 {
		t.Errorf("%d deliveries applied, want the 2 signed ones", r.got)
	}
	r.mu.Lock()
	r.fails = errors.New("store: database is locked")
	r.mu.Unlock()
	if got := post("lightspeed", "good", "payload={}"); got != http.StatusInternalServerError {
		t.Errorf("a store failure answered %d; the provider must deliver again", got)
	}
	b.h.Webhooks = nil
	if got := post("lightspeed", "good", "payload={}"); got != http.StatusNotFound {
		t.Errorf("without a receiver: %d", got)
	}
}

// Every state-changing route but the webhooks refuses a cross-origin
// request, even with the merchant's session.
func TestCrossOriginCoversEveryStateChangingRoute(t *testing.T) {
	t.Parallel()
	b, _, r := withOAuth(t)
	c := b.login()
	checked := 0
	for _, rt := range b.h.Routes() {
		if rt.Method == http.MethodGet || rt.Method == http.MethodHead {
			continue
		}
		req, _ := http.NewRequest(rt.Method, b.srv.URL+routeURL(rt.Path), strings.NewReader("a=b"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if rt.Path == "/webhooks/:provider" {
			if res.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s %s: %d, want the signature check (401)", rt.Method, rt.Path, res.StatusCode)
			}
			continue
		}
		checked++
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s cross-origin: %d, want 403", rt.Method, rt.Path, res.StatusCode)
		}
	}
	if checked < 20 {
		t.Fatalf("only %d state-changing routes checked", checked)
	}
	if len(b.store.calls) != 0 || r.got != 0 {
		t.Errorf("cross-origin requests changed state: %v, %d deliveries", b.store.calls, r.got)
	}
}
