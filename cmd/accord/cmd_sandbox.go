package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/accordhq/accord/connectors/lightspeed/sim"
	sqsim "github.com/accordhq/accord/connectors/square/sim"
)

// sandboxFlags are the knobs of `accord sandbox`; each provider reads the
// ones that apply to it.
type sandboxFlags struct {
	load, faults, token  string
	customers, rateLimit int
	registers            int
	seed                 int64
	rateWindow           time.Duration
	propagation          time.Duration
	webhook, webhookKey  string
}

func (a *app) sandboxCommand() *cobra.Command {
	var addr string
	var f sandboxFlags
	cmd := &cobra.Command{
		Use:   "sandbox lightspeed|square",
		Short: "Serve a provider simulator on loopback for trials and tests",
		Long: `sandbox serves an in-memory simulator of a provider's customer API. The first
line of output is its base URL and access token, separated by a space.

Both simulators also serve OAuth with automatic consent, for upstream.auth:
oauth: X-Series with client sim-client and secret sim-secret (auth_url
BASE/connect, token_url BASE/api/1.0/token), Square with application
sq0idp-sim and secret sq0csp-sim (under BASE/oauth2). With --webhook they
post a signed webhook for every customer change.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.token == "" {
				f.token = randomToken()
			}
			var h http.Handler
			var err error
			switch args[0] {
			case "lightspeed":
				h, err = lightspeedSandbox(f)
			case "square":
				h, err = squareSandbox(f)
			default:
				return &usageError{fmt.Errorf("unknown provider %q (lightspeed or square)", args[0])}
			}
			if err != nil {
				return &usageError{err}
			}
			return serveUntilDone(cmd.Context(), addr, h, func(base string) {
				fmt.Fprintf(a.stdout, "%s %s\n", base, f.token)
			})
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:0", "listen address")
	cmd.Flags().IntVar(&f.customers, "customers", 0, "number of seeded customers")
	cmd.Flags().Int64Var(&f.seed, "seed", 1, "seed of the generated data and of fault decisions")
	cmd.Flags().StringVar(&f.load, "load", "", "a JSON array of provider-shaped customers to load")
	cmd.Flags().StringVar(&f.faults, "faults", "", `faults to inject, e.g. "429=0.05,500=0.02,timeout=0.01,truncate=0.01,latency=20ms"`)
	cmd.Flags().StringVar(&f.token, "token", "", "the access token to require (default: a random one)")
	cmd.Flags().IntVar(&f.registers, "registers", 1, "X-Series: registers of the store, for the rate limit of 300 per register + 50")
	cmd.Flags().IntVar(&f.rateLimit, "rate-limit", 0, "requests per window, overriding the provider's default")
	cmd.Flags().DurationVar(&f.rateWindow, "rate-window", 0, "the rate-limit window (X-Series default 5m, Square 1s)")
	cmd.Flags().DurationVar(&f.propagation, "propagation-delay", 0, "Square: how long a change takes to show in search (Square documents up to a minute)")
	cmd.Flags().StringVar(&f.webhook, "webhook", "", "post customer webhooks to this URL, e.g. http://127.0.0.1:8080/webhooks/square")
	cmd.Flags().StringVar(&f.webhookKey, "webhook-key", "", "sign webhooks with this key (Square: the subscription's signature key; X-Series: the signing key)")
	return cmd
}

func lightspeedSandbox(f sandboxFlags) (http.Handler, error) {
	faults, err := sim.ParseFaults(f.faults)
	if err != nil {
		return nil, fmt.Errorf("--faults: %w", err)
	}
	o := sim.Options{Token: f.token, Customers: f.customers, Seed: f.seed, Faults: faults,
		RateLimit: f.rateLimit, RateWindow: f.rateWindow, Registers: f.registers}
	if f.webhook != "" {
		o.OnChange = sim.NewWebhookPoster(sim.WebhookOptions{URL: f.webhook, Secret: f.webhookKey}).Post
	}
	srv, err := sim.New(o)
	if err != nil {
		return nil, err
	}
	if f.load != "" {
		if err := loadFile(f.load, srv.Load); err != nil {
			return nil, err
		}
	}
	return srv, nil
}

func squareSandbox(f sandboxFlags) (http.Handler, error) {
	faults, err := sqsim.ParseFaults(f.faults)
	if err != nil {
		return nil, fmt.Errorf("--faults: %w", err)
	}
	o := sqsim.Options{Token: f.token, Customers: f.customers, Seed: f.seed, Faults: faults,
		RateLimit: f.rateLimit, RateWindow: f.rateWindow, PropagationDelay: f.propagation}
	if f.webhook != "" {
		o.OnChange = sqsim.NewWebhookPoster(sqsim.WebhookOptions{URL: f.webhook, SignatureKey: f.webhookKey}).Post
	}
	srv, err := sqsim.New(o)
	if err != nil {
		return nil, err
	}
	if f.load != "" {
		if err := loadFile(f.load, srv.Load); err != nil {
			return nil, err
		}
	}
	return srv, nil
}

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

func loadFile(path string, load func(io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("--load: %w", err)
	}
	defer f.Close()
	if err := load(f); err != nil {
		return fmt.Errorf("--load %s: %w", path, err)
	}
	return nil
}

// serveUntilDone serves h on addr until ctx ends, then shuts down
// gracefully. ready is called with the base URL once it is listening.
func serveUntilDone(ctx context.Context, addr string, h http.Handler, ready func(base string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return &usageError{fmt.Errorf("--addr: %w", err)}
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	ready("http://" + ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	return nil
}
