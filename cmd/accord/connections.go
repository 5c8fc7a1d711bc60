package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"

	"github.com/accordhq/accord/connectors/lightspeed"
	"github.com/accordhq/accord/connectors/square"
	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/oauth"
	"github.com/accordhq/accord/secret"
	"github.com/accordhq/accord/store"
)

// oauthProviders builds each upstream type's OAuth app from the pair's
// configuration and accord's callback URL. Their errors name the key.
var oauthProviders = map[string]func(u UpstreamConfig, redirect string) (oauth.Provider, error){
	"lightspeed": func(u UpstreamConfig, redirect string) (oauth.Provider, error) {
		return lightspeed.NewOAuth(lightspeed.OAuthOptions{ClientID: u.ClientID, ClientSecret: u.ClientSecret,
			RedirectURL: redirect, AuthURL: u.AuthURL, TokenURL: u.TokenURL, DomainPrefix: domainPrefixOf(u.BaseURL)})
	},
	"square": func(u UpstreamConfig, redirect string) (oauth.Provider, error) {
		return square.NewOAuth(square.OAuthOptions{ClientID: u.ClientID, ClientSecret: u.ClientSecret,
			RedirectURL: redirect, BaseURL: u.BaseURL, SquareVersion: u.SquareVersion})
	},
}

// boxes caches the installation's key per key file, so that every pair of a
// process (and the flow) seals with the same Box without re-reading it.
var boxes sync.Map // key path -> *secret.Box

// secretBox returns the Box sealing tokens at rest: the key from
// ACCORD_SECRET_KEY, else the key file (created with mode 0600 on first use).
func secretBox(cfg Config) (*secret.Box, error) {
	getenv := cfg.getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	path := cfg.keyPath()
	if getenv(secret.EnvKey) == "" {
		if b, ok := boxes.Load(path); ok {
			return b.(*secret.Box), nil
		}
	}
	key, err := secret.LoadKey(getenv, path)
	if err != nil {
		return nil, configErrorf("config: secret key: %w", err)
	}
	box, err := secret.NewBox(key)
	if err != nil {
		return nil, configErrorf("config: secret key: %w", err)
	}
	if getenv(secret.EnvKey) == "" {
		boxes.Store(path, box)
	}
	return box, nil
}

// oauthPairs reports whether any pair connects with OAuth.
func (c Config) oauthPairs() []PairConfig {
	var out []PairConfig
	for _, p := range c.Pairs {
		if p.Upstream.Auth == authOAuth {
			out = append(out, p)
		}
	}
	return out
}

// newFlow returns the connection flow of the configured OAuth pairs.
func newFlow(cfg Config, db *store.DB, log *slog.Logger) (*oauth.Flow, error) {
	box, err := secretBox(cfg)
	if err != nil {
		return nil, err
	}
	return &oauth.Flow{States: db, Conns: db, Box: box, Logger: log,
		Provider: func(pair string) (string, oauth.Provider, error) {
			p, ok := cfg.pair(pair)
			if !ok || p.Upstream.Auth != authOAuth {
				return "", nil, fmt.Errorf("pair %q does not connect with OAuth (upstream.auth: oauth): %w",
					pair, engine.ErrNotFound)
			}
			prov, err := oauthProviders[p.Upstream.Type](p.Upstream, cfg.redirectURL())
			if err != nil {
				return "", nil, configErrorf("config: pairs.%s.%w", pair, err)
			}
			return p.Upstream.Type, prov, nil
		}}, nil
}

// oauthClient returns the HTTP client and gate of a pair connected with
// OAuth: the client adds the connection's token, refreshing and saving it;
// the gate stops every request of a pair that needs re-authorisation
// before it is counted or metered, then applies next (the budget meter).
func oauthClient(cfg Config, p PairConfig, db *store.DB, next func(context.Context) error,
	log *slog.Logger) (*http.Client, func(context.Context) error, error) {
	box, err := secretBox(cfg)
	if err != nil {
		return nil, nil, err
	}
	prov, err := oauthProviders[p.Upstream.Type](p.Upstream, cfg.redirectURL())
	if err != nil {
		if errors.Is(err, engine.ErrInvalid) {
			return nil, nil, configErrorf("config: pairs.%s.%w", p.Name, err)
		}
		return nil, nil, err
	}
	src := oauth.NewSource(oauth.SourceOptions{Conn: p.Name, Store: db, Box: box, Provider: prov, Logger: log})
	gate := func(ctx context.Context) error {
		if err := src.Ready(ctx); err != nil {
			return err
		}
		if next != nil {
			return next(ctx)
		}
		return nil
	}
	return src.Client(), gate, nil
}
