package web

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/accordhq/accord/engine"
)

const (
	testEmail    = "ann@shop.nz"
	testPassword = "correct horse battery"
)

// testHash is bcrypt's, computed once: it is deliberately slow.
var testHash = sync.OnceValue(func() string {
	h, err := HashPassword(testPassword)
	if err != nil {
		panic(err)
	}
	return h
})

// testBundle is one dashboard over a fake store, served on loopback.
type testBundle struct {
	t      *testing.T
	store  *fakeStore
	runner *fakeRunner
	h      *Handler
	srv    *httptest.Server
}

func rec(side engine.Side, id, first, last, email, phone string) engine.Record {
	return engine.Record{Pair: "main", Side: side, Customer: engine.Customer{ID: id, FirstName: first, LastName: last,
		Email: email, Phone: phone}, SeenAt: time.Now()}
}

func newFakeStore() *fakeStore {
	f := &fakeStore{
		pairs: []PairInfo{{Name: "main", LocalType: "sqltable", LocalTable: "customers", UpstreamType: "lightspeed",
			UpstreamURL: "https://shop.retail.lightspeed.app", Fields: []string{engine.FieldFirstName, engine.FieldLastName,
				engine.FieldEmail, engine.FieldPhone}, CreateUpstream: true, CreateLocal: true,
			Schedule: Setting[string]{Value: "@hourly", Configured: "@hourly"}, MaxCreates: Setting[int]{Value: 500, Configured: 500},
			MaxPercent: Setting[float64]{Value: 20, Configured: 20}, CallsPerDay: Setting[int]{Value: 5000, Configured: 5000}}},
		users:       map[string]User{testEmail: {ID: 1, Email: testEmail, PasswordHash: testHash()}},
		sessions:    map[string]Session{},
		tokenHashes: map[string]int64{},
		records:     map[engine.Ref]engine.Record{},
		settings:    map[string]SettingsInput{},
	}
	for _, r := range []engine.Record{
		rec(engine.Local, "11", "Ann", "Lee", "ann@mail.nz", "021 555 0101"),
		rec(engine.Upstream, "u-11", "Ann", "Lee", "ann@mail.nz", "021 555 9999"),
		rec(engine.Local, "12", "Bob", "Ray", "bob@mail.nz", ""),
		rec(engine.Upstream, "u-12", "Robert", "Ray", "bob@mail.nz", ""),
		rec(engine.Local, "13", "Cat", "Ng", "cat@mail.nz", ""),
		rec(engine.Upstream, "u-13", "Cat", "Ng", "cat@mail.nz", ""),
		rec(engine.Local, "21", "Jon", "Smith", "jon@mail.nz", ""),
		rec(engine.Local, "22", "Jonathan", "Smith", "JON@mail.nz", ""),
	} {
		f.records[engine.Ref{Side: r.Side, ID: r.ID}] = r
	}
	ev := engine.Evidence{Rule: "email", Score: 0.85, Note: "local records 11, 14 share this email",
		Fields: []engine.FieldEvidence{{Field: engine.FieldEmail, Left: "ann@mail.nz", Right: "ann@mail.nz"}}}
	f.suggestions = []engine.Suggestion{
		{ID: 1, Pair: "main", LocalID: "11", UpstreamID: "u-11", Score: 0.97, Reason: engine.ReasonAmbiguousEmail, Evidence: ev, Status: engine.ReviewOpen, CreatedAt: time.Now()},
		{ID: 2, Pair: "main", LocalID: "12", UpstreamID: "u-12", Score: 0.85, Reason: engine.ReasonAmbiguousEmail, Evidence: ev, Status: engine.ReviewOpen, CreatedAt: time.Now()},
		{ID: 3, Pair: "main", LocalID: "21", UpstreamID: "u-13", Score: 0.80, Reason: engine.ReasonContradictingTiers, Status: engine.ReviewRejected, DecidedBy: testEmail, DecidedAt: time.Now()},
	}
	f.links = []engine.Link{
		{ID: 1, Pair: "main", LocalID: "13", UpstreamID: "u-13", Method: engine.MethodEmail, State: engine.LinkActive,
			Evidence:  engine.Evidence{Rule: "email", Score: 0.95, Fields: []engine.FieldEvidence{{Field: engine.FieldEmail, Left: "cat@mail.nz", Right: "cat@mail.nz"}}},
			CreatedBy: "accord", CreatedAt: time.Now()},
		{ID: 2, Pair: "main", LocalID: "30", Method: engine.MethodPushed, State: engine.LinkPending, CreatedBy: "accord", CreatedAt: time.Now()},
	}
	f.conflicts = []engine.Conflict{
		{ID: 7, Pair: "main", LinkID: 1, LocalID: "13", UpstreamID: "u-13", Field: engine.FieldPhone, LocalValue: "021 1", UpstreamValue: "021 2", Status: engine.ConflictOpen, CreatedAt: time.Now()},
	}
	f.records[engine.Ref{Side: engine.Local, ID: "13"}] = rec(engine.Local, "13", "Cat", "Ng", "cat@mail.nz", "021 1")
	f.records[engine.Ref{Side: engine.Upstream, ID: "u-13"}] = rec(engine.Upstream, "u-13", "Cat", "Ng", "cat@mail.nz", "021 2")
	f.sets = []engine.DuplicateSet{{ID: 5, Pair: "main", Side: engine.Local, Members: []string{"21", "22"},
		Reason: engine.ReasonSharedEmail, Evidence: engine.Evidence{Note: "local records 21, 22 share this email"}, Status: engine.ReviewOpen}}
	counts := engine.Counts{}
	counts.Add(engine.OutcomeLinked, engine.ReasonEmail, 40)
	counts.Add(engine.OutcomeSkipped, engine.ReasonIncomplete, 2)
	counts.Add(engine.OutcomeFailed, engine.ReasonRejectedByProvider, 1)
	start := time.Now().Add(-time.Hour)
	f.runs = []engine.Run{
		{ID: 1, Pair: "main", Status: engine.RunSucceeded, Trigger: "cli", StartedAt: start, FinishedAt: start.Add(3 * time.Second),
			Counts: counts, Pulled: map[engine.Side]int{engine.Local: 50, engine.Upstream: 48}, Changed: map[engine.Side]int{engine.Local: 50, engine.Upstream: 48}, APICalls: 12},
		{ID: 2, Pair: "main", Status: engine.RunHeld, Trigger: "cli", StartedAt: start.Add(time.Minute), FinishedAt: start.Add(2 * time.Minute),
			Counts: engine.Counts{engine.OutcomePlanned: {engine.ReasonHeld: 2}}, HeldReason: "600 upstream creates exceed the guard of 500", APICalls: 3},
	}
	f.outcomes = []engine.Outcome{
		{RunID: 1, Pair: "main", Side: engine.Local, RecordID: "30", Kind: engine.OutcomeSkipped, Reason: engine.ReasonIncomplete, Detail: "first_name/last_name: X-Series requires a first or last name"},
		{RunID: 1, Pair: "main", Side: engine.Local, RecordID: "31", Kind: engine.OutcomeFailed, Reason: engine.ReasonRejectedByProvider, Detail: "HTTP 422 date_of_birth"},
		{RunID: 1, Pair: "main", Side: engine.Local, RecordID: "13", Kind: engine.OutcomeLinked, Reason: engine.ReasonEmail},
	}
	f.writes = []engine.Write{
		{ID: 1, Pair: "main", RunID: 1, Kind: engine.WriteCreateUpstream, SourceID: "31", Customer: engine.Customer{ID: "31", FirstName: "Dee", LastName: "Bad", Birthday: "31/02/1985"},
			Status: engine.WriteDead, Attempts: 1, LastError: "HTTP 422 Unprocessable Entity: date_of_birth"},
		{ID: 2, Pair: "main", RunID: 2, Kind: engine.WriteCreateUpstream, SourceID: "40", Customer: engine.Customer{ID: "40", FirstName: "Eve"}, Status: engine.WriteHeld},
		{ID: 3, Pair: "main", RunID: 2, Kind: engine.WriteCreateUpstream, SourceID: "41", Customer: engine.Customer{ID: "41", FirstName: "Fay"}, Status: engine.WriteHeld},
	}
	return f
}

func setup(t *testing.T) *testBundle { t.Helper(); return setupWith(t, nil) }

// setupWith is setup with options changed by edit first.
func setupWith(t *testing.T, edit func(*Options)) *testBundle {
	t.Helper()
	f := newFakeStore()
	r := &fakeRunner{store: f, watches: map[int64]chan engine.Progress{}}
	o := Options{Pairs: f, Users: f, Sessions: f, Tokens: f, Review: f, Conflicts: f, Duplicates: f, Links: f,
		Records: f, Runs: f, Outbox: f, Audit: f, Overview: f, Settings: f, Runner: r, Tester: fakeTester{},
		Location: time.UTC}
	if edit != nil {
		edit(&o)
	}
	h, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &testBundle{t: t, store: f, runner: r, h: h, srv: srv}
}

type fakeTester struct{}

func (fakeTester) TestConnection(context.Context, string) ([]ConnectionCheck, error) {
	return []ConnectionCheck{{Side: engine.Local, Label: "Local table customers", OK: true, Took: 3 * time.Millisecond},
		{Side: engine.Upstream, Label: "Lightspeed X-Series", OK: false, Auth: true, Message: "HTTP 401 Unauthorized"}}, nil
}

// client returns a browser-like client that keeps cookies and does not
// follow redirects, so tests see the 303s.
func (b *testBundle) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// login signs in and returns the signed-in client.
func (b *testBundle) login() *http.Client {
	b.t.Helper()
	c := b.client()
	res := b.post(c, "/login", url.Values{"email": {testEmail}, "password": {testPassword}, "next": {"/pairs/main"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/pairs/main" {
		b.t.Fatalf("login: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	return c
}

func (b *testBundle) post(c *http.Client, path string, form url.Values, hdr ...string) *http.Response {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	b.t.Cleanup(func() { res.Body.Close() })
	return res
}

func (b *testBundle) get(c *http.Client, path string) *http.Response {
	b.t.Helper()
	res, err := c.Get(b.srv.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	b.t.Cleanup(func() { res.Body.Close() })
	return res
}

// page gets a page, checks its status and parses it.
func (b *testBundle) page(c *http.Client, path string, status int) *goquery.Document {
	b.t.Helper()
	res := b.get(c, path)
	if res.StatusCode != status {
		body, _ := io.ReadAll(res.Body)
		b.t.Fatalf("GET %s: %d, want %d\n%s", path, res.StatusCode, status, body)
	}
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return doc
}

func testid(id string) string { return `[data-testid="` + id + `"]` }

func text(doc *goquery.Document, sel string) string {
	return strings.TrimSpace(doc.Find(sel).First().Text())
}
