package lightspeed_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/accordhq/accord/engine"
)

func TestSearchFollowsOffsetPaging(t *testing.T) {
	t.Parallel()
	const total = 1003
	var reqs counter
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		reqs.add(r)
		q := r.URL.Query()
		if r.URL.Path != "/api/2.0/search" || q.Get("type") != "customers" || q.Get("email") != "a+b@example.com" {
			t.Errorf("request %s, want /api/2.0/search?type=customers&email=a+b@example.com", r.URL)
		}
		offset, _ := strconv.Atoi(q.Get("offset"))
		size, _ := strconv.Atoi(q.Get("page_size"))
		var elems []string
		for i := offset; i < min(total, offset+size); i++ {
			elems = append(elems, fmt.Sprintf(`{"id":"c%d","email":"a+b@example.com","version":%d}`, i, 3000000000+i))
		}
		body := `{"data":[`
		for i, e := range elems {
			if i > 0 {
				body += ","
			}
			body += e
		}
		writeJSON(w, 200, []byte(body+"]}"))
	}, nil)
	got, err := b.client.Search(t.Context(), "email", "a+b@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != total || got[0].ID != "c0" || got[total-1].ID != "c1002" {
		t.Errorf("Search returned %d customers, want %d in order", len(got), total)
	}
	var offsets []string
	for _, raw := range reqs.qs {
		q, _ := url.ParseQuery(raw)
		offsets = append(offsets, q.Get("offset")+"/"+q.Get("page_size"))
	}
	if !slices.Equal(offsets, []string{"0/1000", "1000/1000"}) {
		t.Errorf("offset/page_size sent = %v, want [0/1000 1000/1000]", offsets)
	}
}

func TestSearchFields(t *testing.T) {
	t.Parallel()
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("customer_code") != "ACC-1" {
			t.Errorf("query %s, want customer_code=ACC-1", r.URL.RawQuery)
		}
		writeJSON(w, 200, []byte(`{"data":[{"id":"c1","customer_code":"ACC-1","version":3000000001}]}`))
	}, nil)
	got, err := b.client.Search(t.Context(), "customer_code", "ACC-1")
	if err != nil || len(got) != 1 || got[0].AccountCode != "ACC-1" {
		t.Fatalf("Search by customer_code = %+v, %v", got, err)
	}
	if _, err := b.client.Search(t.Context(), "phone", "1"); !errors.Is(err, engine.ErrInvalid) {
		t.Errorf("Search by phone = %v, want ErrInvalid", err)
	}
}

func TestSearchRefusesUnreadableResults(t *testing.T) {
	t.Parallel()
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, []byte(`{"data":[{"id":"c1","email":["x"]}]}`))
	}, nil)
	if _, err := b.client.Search(t.Context(), "email", "x"); !errors.Is(err, engine.ErrInvalid) {
		t.Errorf("Search with a bad record = %v, want ErrInvalid (a lookup must not drop records silently)", err)
	}
}
