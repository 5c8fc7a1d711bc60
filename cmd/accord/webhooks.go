package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/accordhq/accord/connectors/lightspeed"
	"github.com/accordhq/accord/connectors/square"
	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/oauth"
	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/web"
	"github.com/accordhq/accord/webhook"
)

// webhookEndpoints lists the webhook subscriptions of the configured pairs.
// A pair without a way to authenticate deliveries gets none: its
// deliveries are refused.
func webhookEndpoints(cfg Config) []webhook.Endpoint {
	var out []webhook.Endpoint
	for _, p := range cfg.Pairs {
		u := p.Upstream
		switch u.Type {
		case "square":
			if u.Webhook.SignatureKey == "" {
				continue
			}
			out = append(out, squareEndpoint(p.Name, u.Webhook.SignatureKey, cfg.webhookURL(p)))
		case "lightspeed":
			key := u.Webhook.SignatureKey
			if u.Auth == authOAuth {
				key = cmp.Or(key, u.ClientSecret)
			}
			if key == "" && !u.Webhook.AllowUnsigned {
				continue
			}
			out = append(out, lightspeedEndpoint(p.Name, key, u.Webhook.AllowUnsigned))
		}
	}
	return out
}

// squareEndpoint verifies a delivery with the subscription's key over the
// configured notification URL, and reads its ids: a merge (on any of its
// events) re-points links, a delete without a merge goes to review.
func squareEndpoint(pair, key, notificationURL string) webhook.Endpoint {
	return webhook.Endpoint{Pair: pair, Provider: "square",
		Verify: func(r webhook.Request) error {
			return square.VerifyWebhook(key, notificationURL, r.Body, r.Header.Get(square.SignatureHeader))
		},
		Parse: func(body []byte) ([]webhook.Event, error) {
			ev, err := square.ParseWebhook(body)
			if err != nil {
				return nil, err
			}
			e := webhook.Event{ID: ev.EventID, Kind: webhook.Changed, UpstreamID: ev.CustomerID}
			switch {
			case ev.MergeTo != "" && len(ev.MergeFrom) > 0:
				e.Kind, e.MergeFrom, e.MergeTo = webhook.Merged, ev.MergeFrom, ev.MergeTo
			case ev.Type == "customer.deleted":
				e.Kind = webhook.Deleted
			}
			return []webhook.Event{e}, nil
		}}
}

// lightspeedEndpoint verifies X-Signature with key. With allowUnsigned a
// delivery without the header is accepted: it can only schedule a run.
func lightspeedEndpoint(pair, key string, allowUnsigned bool) webhook.Endpoint {
	return webhook.Endpoint{Pair: pair, Provider: "lightspeed",
		Verify: func(r webhook.Request) error {
			if allowUnsigned && r.Header.Get("X-Signature") == "" {
				return nil
			}
			return lightspeed.VerifyWebhook(key, r.Body, r.Header.Get("X-Signature"))
		},
		Parse: func(body []byte) ([]webhook.Event, error) {
			ev, err := lightspeed.ParseWebhook(body)
			if err != nil {
				return nil, err
			}
			// X-Series reports creates, edits and deletes alike as
			// customer.update; the change feed tells them apart.
			return []webhook.Event{{Kind: webhook.Changed, UpstreamID: ev.CustomerID}}, nil
		}}
}

// integrations are what `accord serve` adds for providers: the OAuth
// connection flow and the webhook receiver, whose deliveries start runs
// through a debouncer.
type integrations struct {
	flow      *oauth.Flow       // nil without OAuth pairs
	receiver  *webhook.Receiver // nil without webhook endpoints
	debouncer *webhook.Debouncer
}

// newIntegrations builds the server's OAuth flow and webhook receiver.
// Deliveries start incremental runs through hub, debounced; the debouncer
// stops with ctx, the server's lifetime for runs.
func newIntegrations(ctx context.Context, cfg Config, db *store.DB, hub *runHub, log *slog.Logger) (*integrations, error) {
	in := &integrations{}
	if len(cfg.oauthPairs()) > 0 {
		flow, err := newFlow(cfg, db, log)
		if err != nil {
			return nil, err
		}
		in.flow = flow
		log.Info("OAuth connections at /connect/{provider}", "redirect_url", cfg.redirectURL())
	}
	if eps := webhookEndpoints(cfg); len(eps) > 0 {
		in.debouncer = webhook.NewDebouncer(ctx, func(ctx context.Context, pair, trigger string) error {
			_, err := hub.StartRun(ctx, pair, trigger)
			return err
		}, 0, 0, log)
		in.receiver = &webhook.Receiver{Endpoints: eps, Store: db, Trigger: in.debouncer, Logger: log}
		for _, ep := range eps {
			p, _ := cfg.pair(ep.Pair)
			log.Info("webhooks accepted", "pair", ep.Pair, "url", cfg.webhookURL(p))
		}
	}
	return in, nil
}

// apply adds the integrations to the dashboard's options.
func (in *integrations) apply(o *web.Options) {
	if in.flow != nil {
		o.OAuth, o.Connections = in.flow, in.flow.Conns
	}
	if in.receiver != nil {
		o.Webhooks = webhookReceiver{in.receiver}
	}
}

// webhookReceiver adapts the receiver to web, which knows only engine's
// errors and its own.
type webhookReceiver struct{ rc *webhook.Receiver }

func (w webhookReceiver) ReceiveWebhook(ctx context.Context, provider string, header http.Header, body []byte) error {
	_, err := w.rc.Receive(ctx, provider, webhook.Request{Header: header, Body: body})
	switch {
	case errors.Is(err, webhook.ErrUnauthenticated):
		return fmt.Errorf("%w: %w", web.ErrBadSignature, err)
	case errors.Is(err, webhook.ErrUnknownProvider):
		return fmt.Errorf("%w: %w", err, engine.ErrNotFound)
	}
	return err
}
