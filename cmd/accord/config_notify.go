package main

import (
	"fmt"
	"time"

	"github.com/accordhq/accord/notify"
)

// NotifyConfig is where accord tells people that a pair needs them (see
// package notify). Both channels are optional; a channel is on when its
// first key (smtp_host, url) is set.
type NotifyConfig struct {
	Email   NotifyEmailConfig   `yaml:"email"`
	Webhook NotifyWebhookConfig `yaml:"webhook"`
	// Interval is how often every pair is checked besides after each of
	// its runs (a Go duration, default 1m): runs of other processes and
	// replicas, and dead letters that a person acted on, are seen then.
	Interval string `yaml:"interval"`
}

// NotifyEmailConfig is the SMTP server notifications are sent through.
// ACCORD_NOTIFY_EMAIL_TO takes a comma-separated list.
type NotifyEmailConfig struct {
	SMTPHost string   `yaml:"smtp_host"`
	SMTPPort int      `yaml:"smtp_port"` // default 25, 587 or 465 by tls
	Username string   `yaml:"username"`
	Password string   `yaml:"password"` // write it as ${VAR}
	From     string   `yaml:"from"`
	To       []string `yaml:"to"`
	TLS      string   `yaml:"tls"` // none, starttls (default) or tls
}

// NotifyWebhookConfig is the URL signed notifications are POSTed to.
type NotifyWebhookConfig struct {
	URL    string `yaml:"url"`
	Secret string `yaml:"secret"` // write it as ${VAR}; at least 16 characters
}

// validate checks the notification settings; each error names its key.
func (n NotifyConfig) validate() []error {
	_, errs := n.senders()
	if n.Interval != "" {
		if d, err := time.ParseDuration(n.Interval); err != nil || d < time.Second {
			errs = append(errs, fmt.Errorf("notify.interval: %q is not a duration of a second or more, such as 1m", n.Interval))
		}
	}
	return errs
}

// senders builds the configured channels.
func (n NotifyConfig) senders() ([]notify.Sender, []error) {
	var out []notify.Sender
	var errs []error
	e := n.Email
	if e.SMTPHost != "" || e.From != "" || len(e.To) > 0 {
		s, err := notify.NewEmail(notify.EmailOptions{Host: e.SMTPHost, Port: e.SMTPPort, Username: e.Username,
			Password: e.Password, From: e.From, To: e.To, TLS: e.TLS})
		if err != nil {
			errs = append(errs, fmt.Errorf("notify.email.%w", err))
		} else {
			out = append(out, s)
		}
	}
	if w := n.Webhook; w.URL != "" || w.Secret != "" {
		s, err := notify.NewWebhook(notify.WebhookOptions{URL: w.URL, Secret: w.Secret})
		if err != nil {
			errs = append(errs, fmt.Errorf("notify.webhook.%w", err))
		} else {
			out = append(out, s)
		}
	}
	return out, errs
}

// interval returns how often every pair is checked.
func (n NotifyConfig) interval() time.Duration {
	if d, err := time.ParseDuration(n.Interval); err == nil && d > 0 {
		return d
	}
	return time.Minute
}
