package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// startRunAPI starts a run over the API and waits for it to end.
func startRunAPI(t *testing.T, base, token string) (int64, string) {
	t.Helper()
	code, v := callAPI(t, base, token, "POST", "/api/v1/pairs/main/runs", nil)
	if code != http.StatusAccepted {
		t.Fatalf("start run: %d %v", code, v)
	}
	id := int64(v["run_id"].(float64))
	var status string
	waitFor(t, 30*time.Second, fmt.Sprintf("run %d ends", id), func() bool {
		_, v := callAPI(t, base, token, "GET", fmt.Sprintf("/api/v1/runs/%d", id), nil)
		status = v["run"].(map[string]any)["status"].(string)
		return status != "running"
	})
	return id, status
}

// simCount counts the simulator's customers with the email.
func simCount(f pairFixture, email string) int {
	n := 0
	for _, c := range f.sim.Customers(false) {
		if c.Email != nil && strings.EqualFold(*c.Email, email) {
			n++
		}
	}
	return n
}

// A till asking twenty times at once for the upstream id of a new
// customer gets one id, created once.
func TestEnsureEndpointCreatesExactlyOnce(t *testing.T) {
	t.Parallel()
	f := newPairFixture(t, "")
	env := map[string]string{"TOKEN": "tok"}
	token := apiToken(t, env, f.cfg)
	r := startReplica(t, env, "--config", f.cfg)
	ensure := func(body map[string]string) (int, map[string]any) {
		return callAPI(t, r.base, token, "POST", "/api/v1/pairs/main/ensure", body)
	}

	// Before the pair's first run has read both sides, nothing is decided
	// on half the facts; that run is started instead.
	code, v := ensure(map[string]string{"local_id": "1"})
	if e, _ := v["error"].(map[string]any); code != http.StatusConflict || e["code"] != "not_synced" {
		t.Fatalf("ensure before any run: %d %v", code, v)
	}
	waitFor(t, 30*time.Second, "the first run", func() bool {
		code, v = ensure(map[string]string{"local_id": "1"})
		return code == http.StatusOK
	})
	if v["created"] != false || v["upstream_id"] == "" || simCount(f, "ann@mail.nz") != 1 {
		t.Errorf("ensure Ann, who was upstream already: %v; upstream holds her %d times", v, simCount(f, "ann@mail.nz"))
	}

	addShopCustomers(t, f, demoLocal{ID: 3, FirstName: "Cal", LastName: "New", Email: "cal@mail.nz"})
	const callers = 20
	type answer struct {
		code int
		v    map[string]any
	}
	answers := make([]answer, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			code, v := ensure(map[string]string{"local_id": "3"})
			answers[i] = answer{code, v}
		})
	}
	wg.Wait()
	created := 0
	for i, a := range answers {
		if a.code != http.StatusOK || a.v["upstream_id"] == "" || a.v["upstream_id"] != answers[0].v["upstream_id"] ||
			a.v["link_id"] != answers[0].v["link_id"] {
			t.Fatalf("caller %d: %d %v; first caller: %v", i, a.code, a.v, answers[0].v)
		}
		if a.v["created"] == true {
			created++
		}
	}
	if created != 1 {
		t.Errorf("%d callers were told they created the customer, want 1", created)
	}
	if n := simCount(f, "cal@mail.nz"); n != 1 {
		t.Fatalf("the simulator holds Cal %d times, want once", n)
	}
	if n := len(f.sim.Customers(false)); n != 3 {
		t.Errorf("the simulator holds %d customers, want Ann, Bob and Cal", n)
	}
	if n := shopCount(t, f); n != 3 {
		t.Errorf("the shop holds %d customers, want its own 3 and no copies", n)
	}

	// What the caller must fix or wait for is said plainly.
	addShopCustomers(t, f, demoLocal{ID: 4, Email: "noname@mail.nz"},
		demoLocal{ID: 5, FirstName: "Tia", LastName: "One", Email: "twin@mail.nz"},
		demoLocal{ID: 6, FirstName: "Tia", LastName: "Two", Email: "twin@mail.nz"})
	if _, status := startRunAPI(t, r.base, token); status != "succeeded" {
		t.Fatalf("run to find the twins: %s", status)
	}
	for _, tc := range []struct {
		body map[string]string
		code int
		err  string
	}{
		{map[string]string{"local_id": "999"}, http.StatusUnprocessableEntity, "not_found"},
		{map[string]string{"local_id": "4"}, http.StatusUnprocessableEntity, "incomplete"},
		{map[string]string{"local_id": "5"}, http.StatusConflict, "needs_review"},
		{map[string]string{"id": "5"}, http.StatusUnprocessableEntity, "invalid"},
	} {
		code, v := ensure(tc.body)
		e, _ := v["error"].(map[string]any)
		if code != tc.code || e["code"] != tc.err || e["message"] == "" {
			t.Errorf("ensure %v: %d %v; want %d %s", tc.body, code, v, tc.code, tc.err)
		}
	}
	if n := simCount(f, "twin@mail.nz"); n != 0 {
		t.Errorf("a customer waiting for review was created upstream %d times", n)
	}
}

// "Sync now" reads one record again, from the API and from the link page.
func TestSyncRecordEndpointAndButton(t *testing.T) {
	t.Parallel()
	f := newPairFixture(t, "")
	env := map[string]string{"TOKEN": "tok"}
	token := apiToken(t, env, f.cfg)
	pw := signUp(t, env, f.cfg, "ann@shop.nz")
	r := startReplica(t, env, "--config", f.cfg)
	if _, status := startRunAPI(t, r.base, token); status != "succeeded" {
		t.Fatalf("first run: %s", status)
	}

	code, v := callAPI(t, r.base, token, "POST", "/api/v1/pairs/main/records/sync", map[string]string{"side": "local", "id": "1"})
	run, _ := v["run"].(map[string]any)
	links, _ := v["links"].([]any)
	if code != http.StatusOK || run["trigger"] != "record" || run["status"] != "succeeded" || len(links) != 1 {
		t.Fatalf("sync Ann: %d %v", code, v)
	}
	linkID := int64(links[0].(map[string]any)["id"].(float64))
	if code, v := callAPI(t, r.base, token, "POST", "/api/v1/pairs/main/records/sync", map[string]string{"side": "left", "id": "1"}); code != http.StatusUnprocessableEntity {
		t.Errorf("a bad side: %d %v", code, v)
	}

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	linkPage := fmt.Sprintf("%s/pairs/main/links/%d", r.base, linkID)
	res, err := c.PostForm(r.base+"/login", url.Values{"email": {"ann@shop.nz"}, "password": {pw}, "next": {linkPage[len(r.base):]}})
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("sign in: %v %v", res, err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), `data-testid="sync-now"`) {
		t.Fatal("the link page has no Sync now button")
	}
	res, err = c.PostForm(linkPage+"/sync", url.Values{})
	if err != nil || res.StatusCode != http.StatusOK || res.Request.URL.Path != linkPage[len(r.base):] {
		t.Fatalf("sync now: %v %v", res, err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), "Both records were read again") {
		t.Errorf("the link page does not say the records were read again")
	}
}

// A plan over the guard waits; approving it through the API lets the next
// run make it, once.
func TestHeldPlanAppliedAfterAPIApproval(t *testing.T) {
	t.Parallel()
	f := newPairFixture(t, "    guard: {max_creates: 1}\n")
	addShopCustomers(t, f, demoLocal{ID: 3, FirstName: "Cal", LastName: "Three", Email: "cal@mail.nz"},
		demoLocal{ID: 4, FirstName: "Dee", LastName: "Four", Email: "dee@mail.nz"})
	env := map[string]string{"TOKEN": "tok"}
	token := apiToken(t, env, f.cfg)
	r := startReplica(t, env, "--config", f.cfg)

	id, status := startRunAPI(t, r.base, token)
	if status != "held" {
		t.Fatalf("a run creating three customers over a guard of one: %s, want held", status)
	}
	if n := len(f.sim.Customers(false)); n != 1 {
		t.Fatalf("a held plan wrote: the simulator holds %d customers", n)
	}
	code, v := callAPI(t, r.base, token, "POST", fmt.Sprintf("/api/v1/runs/%d/plan/approve", id), nil)
	if code != http.StatusOK || v["released"] != float64(3) {
		t.Fatalf("approve: %d %v", code, v)
	}
	if _, status := startRunAPI(t, r.base, token); status != "succeeded" {
		t.Fatalf("the run after approval: %s", status)
	}
	for _, email := range []string{"ann@mail.nz", "bob@mail.nz", "cal@mail.nz", "dee@mail.nz"} {
		if n := simCount(f, email); n != 1 {
			t.Errorf("%s is upstream %d times after approval, want once", email, n)
		}
	}
}
