package notify

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/wneessen/go-mail"
)

// TLS modes of an SMTP connection.
const (
	TLSNone     = "none"     // plain text (a relay on localhost)
	TLSStartTLS = "starttls" // upgrade with STARTTLS, required
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
)

// EmailOptions configure the email channel.
type EmailOptions struct {
	Host     string
	Port     int // default 25 (none), 587 (starttls) or 465 (tls)
	Username string
	Password string // never logged
	From     string
	To       []string
	TLS      string // none, starttls (default) or tls
	Timeout  time.Duration
}

// Email sends messages through an SMTP server, one connection per message.
type Email struct{ o EmailOptions }

// NewEmail checks o and returns the channel. Its errors name the option.
func NewEmail(o EmailOptions) (*Email, error) {
	if o.TLS == "" {
		o.TLS = TLSStartTLS
	}
	switch {
	case o.Host == "":
		return nil, fmt.Errorf("smtp_host: required")
	case o.Port < 0 || o.Port > 65535:
		return nil, fmt.Errorf("smtp_port: %d is not a port", o.Port)
	case o.TLS != TLSNone && o.TLS != TLSStartTLS && o.TLS != TLSImplicit:
		return nil, fmt.Errorf("tls: %q is not none, starttls or tls", o.TLS)
	case o.From == "":
		return nil, fmt.Errorf("from: required")
	case len(o.To) == 0:
		return nil, fmt.Errorf("to: at least one address is required")
	case (o.Username == "") != (o.Password == ""):
		return nil, fmt.Errorf("username, password: give both or neither")
	case o.TLS == TLSNone && o.Username != "" && !loopback(o.Host):
		return nil, fmt.Errorf("tls: none would send the password in clear to %s; use starttls or tls "+
			"(none is for a relay on localhost)", o.Host)
	}
	msg := mail.NewMsg()
	if err := msg.From(o.From); err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	if err := msg.To(o.To...); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	if o.Port == 0 {
		o.Port = map[string]int{TLSNone: 25, TLSStartTLS: 587, TLSImplicit: 465}[o.TLS]
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	return &Email{o: o}, nil
}

// Name implements Sender.
func (e *Email) Name() string { return "email" }

// Send implements Sender.
func (e *Email) Send(ctx context.Context, m Message) error {
	msg := mail.NewMsg()
	if err := msg.From(e.o.From); err != nil {
		return fmt.Errorf("email from: %w", err)
	}
	if err := msg.To(e.o.To...); err != nil {
		return fmt.Errorf("email to: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetBodyString(mail.TypeTextPlain, emailBody(m))
	opts := []mail.Option{mail.WithPort(e.o.Port), mail.WithTimeout(e.o.Timeout)}
	switch e.o.TLS {
	case TLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	case TLSStartTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, mail.WithSSL())
	}
	if e.o.Username != "" {
		// Over TLS, the strongest mechanism the server offers. Without
		// TLS, PLAIN, which go-mail sends only to a relay on localhost:
		// a password never crosses the network in clear.
		auth := mail.SMTPAuthAutoDiscover
		if e.o.TLS == TLSNone {
			auth = mail.SMTPAuthPlain
		}
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(e.o.Username), mail.WithPassword(e.o.Password))
	}
	c, err := mail.NewClient(e.o.Host, opts...)
	if err != nil {
		return fmt.Errorf("email: smtp client for %s: %w", e.o.Host, err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("email: send through %s:%d: %w", e.o.Host, e.o.Port, err)
	}
	return nil
}

// loopback reports whether host is this machine, where a password may
// travel without TLS.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func emailBody(m Message) string {
	var b strings.Builder
	b.WriteString(m.Text)
	b.WriteString("\n")
	if m.Detail != "" {
		b.WriteString("\nDetail: " + m.Detail + "\n")
	}
	if m.URL != "" {
		b.WriteString("\nOpen: " + m.URL + "\n")
	}
	fmt.Fprintf(&b, "\nSync: %s\nEvent: %s\nAt: %s\n", m.Pair, m.Kind, m.At.UTC().Format(time.RFC3339))
	return b.String()
}
