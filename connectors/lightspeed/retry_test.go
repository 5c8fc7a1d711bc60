package lightspeed_test

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord/connectors/lightspeed"
	"github.com/accordhq/accord/engine"
)

func TestRetryAfterHTTPDateIsWaitedFor(t *testing.T) {
	t.Parallel()
	var reqs counter
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if reqs.add(r) == 1 {
			tooMany(w, epoch.Add(37*time.Second))
			return
		}
		writeJSON(w, 200, feedBody(0, 0))
	}, nil)
	page, err := b.client.Pull(t.Context(), "")
	if err != nil || !page.Done {
		t.Fatalf("Pull = %+v, %v; want the empty page after waiting", page, err)
	}
	if got := b.clock.Slept(); !slices.Equal(got, []time.Duration{37 * time.Second}) {
		t.Errorf("slept %v, want exactly [37s] (until the Retry-After date)", got)
	}
	if reqs.count() != 2 || b.client.Calls() != 2 {
		t.Errorf("server saw %d requests, Calls() = %d; want 2 and 2", reqs.count(), b.client.Calls())
	}
}

func TestRetryAfterBeyondMaxWaitIsReturned(t *testing.T) {
	t.Parallel()
	until := epoch.Add(4 * time.Minute)
	b := setup(t, func(w http.ResponseWriter, r *http.Request) { tooMany(w, until) },
		func(o *lightspeed.Options) { o.MaxWait = time.Minute })
	_, err := b.client.Pull(t.Context(), "")
	var ra *engine.RetryAfterError
	if !errors.As(err, &ra) {
		t.Fatalf("Pull = %v, want an *engine.RetryAfterError", err)
	}
	if !ra.After.Equal(until) {
		t.Errorf("RetryAfterError.After = %v, want %v", ra.After, until)
	}
	if engine.IsTerminal(err) {
		t.Errorf("a 429 must not be terminal: %v", err)
	}
	if len(b.clock.Slept()) != 0 || b.client.Calls() != 1 {
		t.Errorf("slept %v with %d calls; want no sleep and 1 call", b.clock.Slept(), b.client.Calls())
	}
}

func TestRetryAfterOtherForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header string
		want   time.Duration
	}{
		{"delta seconds", "12", 12 * time.Second},
		// Clock skew: the date already passed by our clock, so retry soon.
		{"date in the past", epoch.Add(-time.Hour).Format(http.TimeFormat), time.Second},
		{"RFC 850 date", epoch.Add(5 * time.Second).Format("Monday, 02-Jan-06 15:04:05 GMT"), 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var reqs counter
			b := setup(t, func(w http.ResponseWriter, r *http.Request) {
				if reqs.add(r) == 1 {
					w.Header().Set("Retry-After", tt.header)
					writeErr(w, 429, "Too Many Requests", "Rate limiting enforced")
					return
				}
				writeJSON(w, 200, feedBody(0, 0))
			}, nil)
			if _, err := b.client.Pull(t.Context(), ""); err != nil {
				t.Fatal(err)
			}
			if got := b.clock.Slept(); !slices.Equal(got, []time.Duration{tt.want}) {
				t.Errorf("Retry-After %q: slept %v, want [%v]", tt.header, got, tt.want)
			}
		})
	}
}

// TestPageSizeAdapts: the page size halves on 429 and on 504, and doubles
// back after recoverAfter (5) good pages.
func TestPageSizeAdapts(t *testing.T) {
	t.Parallel()
	var reqs counter
	version := int64(3_000_000_000)
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		switch reqs.add(r) {
		case 1:
			tooMany(w, epoch)
		case 2:
			writeErr(w, http.StatusGatewayTimeout, "Gateway Timeout", "upstream timed out")
		default:
			version++
			writeJSON(w, 200, feedBody(version, version, customer("c"+strconv.FormatInt(version, 10), version, nil)))
		}
	}, nil)
	cursor := ""
	for range 7 {
		page, err := b.client.Pull(t.Context(), cursor)
		if err != nil {
			t.Fatal(err)
		}
		cursor = page.Cursor
	}
	var sizes []string
	for _, q := range reqs.qs {
		v, err := url.ParseQuery(q)
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, v.Get("page_size"))
	}
	// 429 → 100, 504 → 50, five good pages at 50, then back to 100.
	want := []string{"200", "100", "50", "50", "50", "50", "50", "100", "100"}
	if !slices.Equal(sizes, want) {
		t.Errorf("page_size sent = %v, want %v", sizes, want)
	}
	if got := b.client.PageSize(); got != 100 {
		t.Errorf("PageSize() = %d, want 100", got)
	}
}

func TestReadsRetryServerErrorsAndCountCalls(t *testing.T) {
	t.Parallel()
	var reqs counter
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		switch reqs.add(r) {
		case 1:
			writeErr(w, 500, "Internal Server Error", "boom")
		case 2:
			// A cut-off body: valid status, half the JSON.
			writeJSON(w, 200, feedBody(3000000001, 3000000001, customer("a", 3000000001, nil))[:40])
		case 3:
			writeErr(w, http.StatusBadGateway, "Bad Gateway", "")
		default:
			writeJSON(w, 200, feedBody(3000000001, 3000000001, customer("a", 3000000001, nil)))
		}
	}, nil)
	page, err := b.client.Pull(t.Context(), "")
	if err != nil || len(page.Customers) != 1 {
		t.Fatalf("Pull = %+v, %v", page, err)
	}
	if b.client.Calls() != 4 || reqs.count() != 4 {
		t.Errorf("Calls() = %d, server saw %d; want 4 and 4", b.client.Calls(), reqs.count())
	}
	if n := len(b.clock.Slept()); n != 3 {
		t.Errorf("backed off %d times, want 3", n)
	}
}

func TestReadsGiveUpAfterMaxRetries(t *testing.T) {
	t.Parallel()
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		writeErr(w, 503, "Service Unavailable", "down")
	}, func(o *lightspeed.Options) { o.MaxRetries = 2 })
	_, err := b.client.Get(t.Context(), "x")
	if err == nil || engine.IsTerminal(err) || errors.Is(err, engine.ErrUnknownOutcome) {
		t.Fatalf("Get = %v, want a retryable error", err)
	}
	if b.client.Calls() != 3 {
		t.Errorf("Calls() = %d, want 3 (1 + 2 retries)", b.client.Calls())
	}
}

func TestUnauthorizedIsTerminal(t *testing.T) {
	t.Parallel()
	for _, status := range []int{401, 403} {
		b := setup(t, func(w http.ResponseWriter, r *http.Request) {
			writeErr(w, status, http.StatusText(status), "invalid token")
		}, nil)
		_, err := b.client.Pull(t.Context(), "")
		if !engine.IsTerminal(err) {
			t.Errorf("Pull on %d = %v, want terminal", status, err)
		}
		_, err = b.client.Create(t.Context(), engine.Customer{FirstName: "A", ExternalRef: "L1"}, "k")
		if !engine.IsTerminal(err) || errors.Is(err, engine.ErrUnknownOutcome) {
			t.Errorf("Create on %d = %v, want terminal", status, err)
		}
		if b.client.Calls() != 2 {
			t.Errorf("%d: Calls() = %d, want 2 (no retries)", status, b.client.Calls())
		}
	}
}

func TestGetNotFound(t *testing.T) {
	t.Parallel()
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/2.0/customers/a%2Fb" && r.URL.EscapedPath() != "/api/2.0/customers/a%2Fb" {
			t.Errorf("path %s, want the id escaped", r.URL.EscapedPath())
		}
		writeErr(w, 404, "Not Found", "customer not found")
	}, nil)
	_, err := b.client.Get(t.Context(), "a/b")
	if !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("Get = %v, want ErrNotFound", err)
	}
}

// TestPacingWaitsForTheWindowReset: with the window nearly used up, the
// client waits for X-RateLimit-Reset instead of drawing a 429; with nothing
// left and a reset beyond MaxWait, it returns a RetryAfterError unsent.
func TestPacingWaitsForTheWindowReset(t *testing.T) {
	t.Parallel()
	var reqs counter
	reset := epoch.Add(20 * time.Second)
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		n := reqs.add(r)
		w.Header().Set("X-RateLimit-Limit", "350")
		w.Header().Set("X-RateLimit-Remaining", map[int]string{1: "2", 2: "0"}[n])
		w.Header().Set("X-RateLimit-Reset", map[int]string{1: reset.Format(http.TimeFormat), 2: epoch.Add(time.Hour).Format(http.TimeFormat)}[n])
		writeJSON(w, 200, feedBody(0, 0))
	}, nil)
	for range 2 {
		if _, err := b.client.Pull(t.Context(), ""); err != nil {
			t.Fatal(err)
		}
	}
	if got := b.clock.Slept(); !slices.Equal(got, []time.Duration{20 * time.Second}) {
		t.Errorf("slept %v, want [20s] before the second request", got)
	}
	_, err := b.client.Pull(t.Context(), "")
	if at, ok := engine.RetryAfter(err); !ok || !at.Equal(epoch.Add(time.Hour)) {
		t.Errorf("third Pull = %v, want a RetryAfterError at the reset", err)
	}
	if reqs.count() != 2 {
		t.Errorf("server saw %d requests, want 2 (the third is not sent)", reqs.count())
	}
}

// TestTokenNeverLeaks: even a server that echoes the credentials back does
// not get the token into an error or a log line.
func TestTokenNeverLeaks(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	var reqs counter
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		echo := "bad header " + r.Header.Get("Authorization")
		switch reqs.add(r) % 4 {
		case 1:
			writeErr(w, 500, echo, echo)
		case 2:
			writeErr(w, 422, echo, "email: "+echo)
		case 3:
			w.WriteHeader(400)
			_, _ = w.Write([]byte("<html>" + echo + "</html>"))
		default:
			w.Header().Set("Retry-After", "3600")
			writeErr(w, 429, echo, echo)
		}
	}, func(o *lightspeed.Options) {
		o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		o.MaxRetries = 1
	})
	var errs []error
	for range 3 {
		_, err := b.client.Create(t.Context(), engine.Customer{FirstName: "A", ExternalRef: "L1"}, "k")
		errs = append(errs, err)
		_, err = b.client.Get(t.Context(), "x")
		errs = append(errs, err)
	}
	for _, err := range errs {
		if err == nil {
			t.Fatal("expected errors from the echoing server")
		}
		if strings.Contains(err.Error(), testToken) {
			t.Errorf("error contains the token: %q", err)
		}
	}
	if strings.Contains(logs.String(), testToken) {
		t.Errorf("logs contain the token:\n%s", logs.String())
	}
}
