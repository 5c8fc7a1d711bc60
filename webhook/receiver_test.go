package webhook_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accordhq/accord/connectors/lightspeed"
	"github.com/accordhq/accord/connectors/square"
	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/store/storetest"
	"github.com/accordhq/accord/webhook"
)

const (
	sigKey  = "square-signature-key"
	hookURL = "https://accord.example.com/webhooks/square"
)

// triggers is a fake Trigger that records the pairs it was asked to run.
type triggers struct {
	mu    sync.Mutex
	pairs []string
	c     chan string
}

func newTriggers() *triggers { return &triggers{c: make(chan string, 100)} }

func (f *triggers) Trigger(pair, _ string) {
	f.mu.Lock()
	f.pairs = append(f.pairs, pair)
	f.mu.Unlock()
	f.c <- pair
}

func (f *triggers) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.pairs)
}

// squareEndpoint adapts the Square connector's verifier and parser, as
// cmd/accord does.
func squareEndpoint(pair, key string) webhook.Endpoint {
	return webhook.Endpoint{Pair: pair, Provider: "square",
		Verify: func(r webhook.Request) error {
			return square.VerifyWebhook(key, hookURL, r.Body, r.Header.Get(square.SignatureHeader))
		},
		Parse: func(body []byte) ([]webhook.Event, error) {
			ev, err := square.ParseWebhook(body)
			if err != nil {
				return nil, err
			}
			e := webhook.Event{ID: ev.EventID, Kind: webhook.Changed, UpstreamID: ev.CustomerID}
			switch {
			case ev.MergeTo != "":
				e.Kind, e.MergeFrom, e.MergeTo = webhook.Merged, ev.MergeFrom, ev.MergeTo
			case ev.Type == "customer.deleted":
				e.Kind = webhook.Deleted
			}
			return []webhook.Event{e}, nil
		}}
}

func lightspeedEndpoint(pair, secret string) webhook.Endpoint {
	return webhook.Endpoint{Pair: pair, Provider: "lightspeed",
		Verify: func(r webhook.Request) error {
			return lightspeed.VerifyWebhook(secret, r.Body, r.Header.Get("X-Signature"))
		},
		Parse: func(body []byte) ([]webhook.Event, error) {
			ev, err := lightspeed.ParseWebhook(body)
			return []webhook.Event{{Kind: webhook.Changed, UpstreamID: ev.CustomerID}}, err
		}}
}

// delivery is a webhook as received, kept for replays.
type delivery struct {
	header http.Header
	body   []byte
	status int
	res    webhook.Result
	err    error
}

// receiver serves rc at /webhooks/{provider} the way the web handler does
// and reports every delivery.
func receiver(t *testing.T, rc *webhook.Receiver) (*httptest.Server, <-chan delivery) {
	t.Helper()
	got := make(chan delivery, 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		res, err := rc.Receive(r.Context(), strings.TrimPrefix(r.URL.Path, "/webhooks/"),
			webhook.Request{Header: r.Header, Body: body})
		status := http.StatusOK
		switch {
		case errors.Is(err, webhook.ErrUnauthenticated):
			status = http.StatusUnauthorized
		case err != nil:
			status = http.StatusInternalServerError
		}
		w.WriteHeader(status)
		got <- delivery{header: r.Header.Clone(), body: body, status: status, res: res, err: err}
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

func wait(t *testing.T, ch <-chan delivery) delivery {
	t.Helper()
	select {
	case d := <-ch:
		return d
	case <-time.After(5 * time.Second):
		t.Fatal("no delivery")
	}
	return delivery{}
}

func onBoth(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			if d == "sqlite" {
				fn(t, storetest.OpenSQLite(t))
			} else {
				fn(t, storetest.OpenPostgres(t))
			}
		})
	}
}

// link stores an active link between a local and an upstream id.
func link(t *testing.T, db *store.DB, local, up string) {
	t.Helper()
	err := db.ApplyBatch(context.Background(), engine.Batch{Pair: "main", Side: engine.Local, RunID: 1,
		At: time.Now(), Links: []engine.Link{{LocalID: local, UpstreamID: up, Method: engine.MethodEmail,
			State: engine.LinkActive}}})
	if err != nil {
		t.Fatal(err)
	}
}

func linkOf(t *testing.T, db *store.DB, local string) engine.Link {
	t.Helper()
	ls, err := db.LinksFor(context.Background(), "main", engine.Local, []string{local})
	if err != nil || len(ls) != 1 {
		t.Fatalf("links of %s = %v, %v", local, ls, err)
	}
	return ls[0]
}
