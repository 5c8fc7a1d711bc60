package webhook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/accordhq/accord/engine"
)

// Kind says what an event reports.
type Kind string

// Event kinds.
const (
	Changed Kind = "changed" // created or updated: only a reason to run
	Deleted Kind = "deleted"
	Merged  Kind = "merged" // MergeFrom became MergeTo
)

// Event is a delivery reduced to ids.
type Event struct {
	ID         string // the provider's event id; "" when it sends none
	Kind       Kind
	UpstreamID string
	MergeFrom  []string
	MergeTo    string
}

// Request is one delivery, its body read in full.
type Request struct {
	Header http.Header
	Body   []byte
}

// Endpoint is one pair's webhook subscription at one provider.
type Endpoint struct {
	Pair     string
	Provider string
	// Verify returns nil when the delivery is authentic for this pair.
	Verify func(r Request) error
	// Parse reduces an authentic delivery to events. Errors wrap
	// engine.ErrInvalid.
	Parse func(body []byte) ([]Event, error)
}

// Trigger schedules an incremental run of a pair. It must not block.
type Trigger interface {
	Trigger(pair, reason string)
}

// Errors of Receive, for the handler to map to a status.
var (
	// ErrUnknownProvider: no pair takes this provider's webhooks (404).
	ErrUnknownProvider = errors.New("webhook: no pair takes webhooks from this provider")
	// ErrUnauthenticated: no pair's key verifies the signature (401).
	ErrUnauthenticated = errors.New("webhook: signature does not verify")
)

// Receiver applies deliveries.
type Receiver struct {
	Endpoints []Endpoint
	Store     engine.UpstreamEventStore
	Trigger   Trigger
	Logger    *slog.Logger
	Now       func() time.Time
}

// Result is what one delivery did, per pair it was for.
type Result struct {
	Pairs  []string
	Events int
	// Repointed and Review count links re-pointed to a merge's survivor and
	// sent to review; Replayed counts events applied before.
	Repointed, Review, Replayed int
}

// Receive authenticates a delivery to /webhooks/{provider} and applies it
// to every pair whose endpoint verifies it (several pairs may share one
// subscription). Errors: ErrUnknownProvider, ErrUnauthenticated, one
// wrapping engine.ErrInvalid for an authentic but unreadable body, or a
// store failure (the provider should deliver again).
func (rc *Receiver) Receive(ctx context.Context, provider string, req Request) (Result, error) {
	var res Result
	known := false
	for _, ep := range rc.Endpoints {
		if ep.Provider != provider {
			continue
		}
		known = true
		if ep.Verify(req) != nil {
			continue
		}
		events, err := ep.Parse(req.Body)
		if err != nil {
			return res, fmt.Errorf("webhook: %s delivery for %s: %w", provider, ep.Pair, err)
		}
		if err := rc.apply(ctx, ep, events, &res); err != nil {
			return res, err
		}
		res.Pairs = append(res.Pairs, ep.Pair)
		res.Events += len(events)
		if rc.Trigger != nil {
			rc.Trigger.Trigger(ep.Pair, "webhook")
		}
	}
	switch {
	case !known:
		return res, ErrUnknownProvider
	case len(res.Pairs) == 0:
		rc.log().Warn("webhook refused: signature does not verify", "provider", provider)
		return res, ErrUnauthenticated
	}
	rc.log().Info("webhook accepted", "provider", provider, "pairs", res.Pairs, "events", res.Events,
		"repointed", res.Repointed, "review", res.Review, "replayed", res.Replayed)
	return res, nil
}

// apply changes links for deletes and merges; changes need nothing but the
// run that follows.
func (rc *Receiver) apply(ctx context.Context, ep Endpoint, events []Event, res *Result) error {
	actor := "webhook:" + ep.Provider
	for _, ev := range events {
		var out engine.EventResult
		var err error
		switch ev.Kind {
		case Merged:
			out, err = rc.Store.MergeUpstream(ctx, engine.UpstreamMerge{Pair: ep.Pair, EventID: ev.ID, Actor: actor,
				From: ev.MergeFrom, To: ev.MergeTo, At: rc.now()})
		case Deleted:
			out, err = rc.Store.DeleteUpstream(ctx, engine.UpstreamDelete{Pair: ep.Pair, EventID: ev.ID, Actor: actor,
				UpstreamID: ev.UpstreamID, At: rc.now()})
		default:
			continue
		}
		if err != nil {
			return fmt.Errorf("webhook: %s event %s for %s: %w", ep.Provider, ev.ID, ep.Pair, err)
		}
		res.Repointed += len(out.Repointed)
		res.Review += len(out.Review)
		if out.Replayed {
			res.Replayed++
		}
	}
	return nil
}

func (rc *Receiver) log() *slog.Logger {
	if rc.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return rc.Logger
}

func (rc *Receiver) now() time.Time {
	if rc.Now == nil {
		return time.Now()
	}
	return rc.Now()
}

// Providers lists the providers that have at least one endpoint.
func (rc *Receiver) Providers() []string {
	seen := map[string]bool{}
	var out []string
	for _, ep := range rc.Endpoints {
		if !seen[ep.Provider] {
			seen[ep.Provider] = true
			out = append(out, ep.Provider)
		}
	}
	return out
}
