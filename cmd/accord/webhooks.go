package main

import (
	"cmp"

	"github.com/accordhq/accord/connectors/lightspeed"
	"github.com/accordhq/accord/connectors/square"
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
