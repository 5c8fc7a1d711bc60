package main

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/accordhq/accord/connectors/lightspeed"
	"github.com/accordhq/accord/connectors/square"
	"github.com/accordhq/accord/engine"
)

// upstreamConn is what a pair needs of its upstream connector.
type upstreamConn interface {
	engine.Connector
	engine.CallCounter
}

// upstreamOptions are what every upstream factory gets besides the pair's
// configuration.
type upstreamOptions struct {
	timeout time.Duration
	gate    func(context.Context) error // the API budget meter, or nil
	logger  *slog.Logger
	// httpClient authenticates by itself (an OAuth connection), or is nil.
	httpClient *http.Client
}

// upstreams builds an upstream connector per `upstream.type`. Each factory
// reads its own keys of UpstreamConfig; their errors name the key and match
// engine.ErrInvalid.
var upstreams = map[string]func(u UpstreamConfig, o upstreamOptions) (upstreamConn, error){
	"lightspeed": func(u UpstreamConfig, o upstreamOptions) (upstreamConn, error) {
		return lightspeed.New(lightspeed.Options{BaseURL: u.BaseURL, Token: u.Token, HTTPClient: o.httpClient,
			ExternalRefField: cmp.Or(u.ExternalRefField, "custom_field_1"), PageSize: u.PageSize,
			Timeout: o.timeout, Logger: o.logger, Gate: o.gate})
	},
	"square": func(u UpstreamConfig, o upstreamOptions) (upstreamConn, error) {
		overlap, _ := time.ParseDuration(cmp.Or(u.Overlap, "0s")) // validated with the config
		return square.New(square.Options{BaseURL: u.BaseURL, Token: u.Token, SquareVersion: u.SquareVersion,
			ExternalRefField: u.ExternalRefField, AccountCodeField: u.AccountCodeField, PageSize: u.PageSize,
			Overlap: overlap, Timeout: o.timeout, Logger: o.logger, Gate: o.gate, HTTPClient: o.httpClient})
	},
}
