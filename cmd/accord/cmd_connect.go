package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"

	"github.com/spf13/cobra"
)

func (a *app) connectCommand() *cobra.Command {
	var cfgPath string
	cmd := &cobra.Command{
		Use:   "connect PAIR",
		Short: "Print a link that connects a pair's upstream with OAuth",
		Long: `connect prints a one-time link (valid ten minutes) that starts connecting
the pair's point of sale with OAuth: open it in a browser, sign in to the
point of sale and allow accord; you come back to accord's Connections page.
The pair needs upstream.auth: oauth with client_id and client_secret, and
accord serve must be reachable at public_url (the link's address), which is
also where the provider sends the browser back (public_url/oauth/callback,
to register with the provider's app). The tokens are kept encrypted in the
store, under ACCORD_SECRET_KEY or the key file next to it.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cfgPath, a.getenv)
			if err != nil {
				return err
			}
			p, ok := cfg.pair(args[0])
			if !ok {
				return &usageError{fmt.Errorf("no pair %q in %s", args[0], cfgPath)}
			}
			if p.Upstream.Auth != authOAuth {
				return configErrorf("config: pairs.%s.upstream.auth: set it to oauth, with client_id and client_secret, to connect with OAuth", p.Name)
			}
			link, err := a.connectLink(cmd.Context(), cfg, p)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, link)
			fmt.Fprintf(a.stderr, "Open the link above in a browser within ten minutes; accord serve must be running at %s.\n"+
				"Register %s as the redirect URL of the %s app.\n", cfg.publicURL(), cfg.redirectURL(), upstreamLabel(p.Upstream.Type))
			return nil
		},
	}
	cmd.Flags().StringVar(&cfgPath, "config", "accord.yaml", "configuration file")
	return cmd
}

// connectLink stores a one-time ticket and returns the link that starts
// the connection flow with it.
func (a *app) connectLink(ctx context.Context, cfg Config, p PairConfig) (string, error) {
	log := slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	db, err := openStore(ctx, cfg.Database, log)
	if err != nil {
		return "", err
	}
	defer db.Close()
	flow, err := newFlow(cfg, db, log)
	if err != nil {
		return "", err
	}
	// The provider is built now so that a configuration error shows here,
	// not in the browser.
	if _, _, err := flow.Provider(p.Name); err != nil {
		return "", err
	}
	ticket, err := flow.NewTicket(ctx, p.Name, "cli")
	if err != nil {
		return "", fmt.Errorf("connect %s: %w", p.Name, err)
	}
	q := url.Values{"pair": {p.Name}, "ticket": {ticket}}
	return cfg.publicURL() + "/connect/" + url.PathEscape(p.Upstream.Type) + "?" + q.Encode(), nil
}
