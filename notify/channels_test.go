package notify_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord/notify"
	"github.com/accordhq/accord/notify/notifytest"
)

func TestEmailReachesTheSMTPServer(t *testing.T) {
	t.Parallel()
	srv := notifytest.NewSMTP(t, "accord", "s3cret")
	e, err := notify.NewEmail(notify.EmailOptions{Host: srv.Host, Port: srv.Port, Username: "accord",
		Password: "s3cret", From: "accord@shop.example", To: []string{"ops@shop.example"}, TLS: notify.TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	m := notify.Message{Pair: "main", Kind: notify.DeadLetters, Subject: "accord: main has 1 dead letter(s)",
		Text: "1 write gave up.", URL: "https://accord.example/pairs/main/outbox", At: time.Now()}
	if err := e.Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	mails := srv.Mails()
	if len(mails) != 1 {
		t.Fatalf("%d mails, want 1", len(mails))
	}
	got := mails[0]
	if got.From != "accord@shop.example" || len(got.To) != 1 || got.To[0] != "ops@shop.example" ||
		!strings.Contains(got.Data, "Subject: accord: main has 1 dead letter(s)") ||
		!strings.Contains(got.Data, "https://accord.example/pairs/main/outbox") {
		t.Errorf("mail = %+v", got)
	}

	bad, err := notify.NewEmail(notify.EmailOptions{Host: srv.Host, Port: srv.Port, Username: "accord",
		Password: "wrong", From: "accord@shop.example", To: []string{"ops@shop.example"}, TLS: notify.TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	if err := bad.Send(t.Context(), m); err == nil {
		t.Error("a refused login sent the mail")
	}
}

func TestEmailOptionsNameTheField(t *testing.T) {
	t.Parallel()
	ok := notify.EmailOptions{Host: "smtp.example", From: "a@b.example", To: []string{"c@d.example"}}
	for _, tc := range []struct {
		want string
		edit func(*notify.EmailOptions)
	}{
		{"smtp_host", func(o *notify.EmailOptions) { o.Host = "" }},
		{"tls", func(o *notify.EmailOptions) { o.TLS = "ssl3" }},
		{"from", func(o *notify.EmailOptions) { o.From = "not an address" }},
		{"to", func(o *notify.EmailOptions) { o.To = nil }},
		{"password", func(o *notify.EmailOptions) { o.Username = "u" }},
		{"tls: none would send the password in clear", func(o *notify.EmailOptions) {
			o.Username, o.Password, o.TLS = "u", "p", notify.TLSNone
		}},
	} {
		o := ok
		tc.edit(&o)
		if _, err := notify.NewEmail(o); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewEmail(%+v) = %v, want an error naming %s", o, err, tc.want)
		}
	}
	if _, err := notify.NewEmail(ok); err != nil {
		t.Errorf("NewEmail(valid) = %v", err)
	}
}

func TestWebhookIsSigned(t *testing.T) {
	t.Parallel()
	const secret = "0123456789abcdef-secret"
	got := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		err := notify.Verify(secret, r.Header, body, time.Now(), 5*time.Minute)
		if err == nil && !strings.Contains(string(body), `"event":"runs_failing"`) {
			err = io.ErrUnexpectedEOF
		}
		if err == nil {
			// A tampered body or another secret must not verify.
			if notify.Verify(secret, r.Header, append(body, ' '), time.Now(), 5*time.Minute) == nil ||
				notify.Verify("another-secret-of-16+", r.Header, body, time.Now(), 5*time.Minute) == nil ||
				notify.Verify(secret, r.Header, body, time.Now().Add(time.Hour), 5*time.Minute) == nil {
				err = notify.ErrBadSignature
			}
		}
		got <- err
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	wh, err := notify.NewWebhook(notify.WebhookOptions{URL: srv.URL, Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	if err := wh.Send(t.Context(), notify.Message{Pair: "main", Kind: notify.RunsFailing, Value: 3, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatalf("receiver: %v", err)
	}
	if _, err := notify.NewWebhook(notify.WebhookOptions{URL: "ftp://x", Secret: secret}); err == nil ||
		!strings.Contains(err.Error(), "url") {
		t.Errorf("bad URL accepted: %v", err)
	}
	if _, err := notify.NewWebhook(notify.WebhookOptions{URL: srv.URL, Secret: "short"}); err == nil ||
		!strings.Contains(err.Error(), "secret") {
		t.Errorf("short secret accepted: %v", err)
	}
}
