package lightspeed_test

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/accordhq/accord/connectors/lightspeed"
	"github.com/accordhq/accord/engine"
)

func TestNewValidatesOptions(t *testing.T) {
	t.Parallel()
	ok := lightspeed.Options{BaseURL: "https://shop.retail.lightspeed.app", Token: testToken}
	tests := []struct {
		name string
		mod  func(*lightspeed.Options)
		want string // substring of the error; "" means valid
	}{
		{"https", func(*lightspeed.Options) {}, ""},
		{"http loopback ip", func(o *lightspeed.Options) { o.BaseURL = "http://127.0.0.1:8080" }, ""},
		{"http localhost", func(o *lightspeed.Options) { o.BaseURL = "http://localhost:8080/" }, ""},
		{"http ipv6 loopback", func(o *lightspeed.Options) { o.BaseURL = "http://[::1]:9/" }, ""},
		{"oauth client without token", func(o *lightspeed.Options) { o.Token, o.HTTPClient = "", http.DefaultClient }, ""},
		{"ref field 4", func(o *lightspeed.Options) { o.ExternalRefField = "custom_field_4" }, ""},
		{"missing base url", func(o *lightspeed.Options) { o.BaseURL = "" }, "upstream.base_url: required"},
		{"relative base url", func(o *lightspeed.Options) { o.BaseURL = "shop.retail.lightspeed.app" }, "upstream.base_url:"},
		{"http remote", func(o *lightspeed.Options) { o.BaseURL = "http://shop.retail.lightspeed.app" }, "upstream.base_url: must use https"},
		{"ftp", func(o *lightspeed.Options) { o.BaseURL = "ftp://127.0.0.1" }, "upstream.base_url: must use https"},
		{"credentials in url", func(o *lightspeed.Options) { o.BaseURL = "https://u:" + testToken + "@x.example" }, "upstream.base_url: must not contain credentials"},
		{"bad ref field", func(o *lightspeed.Options) { o.ExternalRefField = "note" }, "upstream.external_ref_field: must be one of custom_field_1..custom_field_4"},
		{"ref field 5", func(o *lightspeed.Options) { o.ExternalRefField = "custom_field_5" }, "upstream.external_ref_field:"},
		{"no token no client", func(o *lightspeed.Options) { o.Token = "" }, "upstream.token: required"},
		{"token with newline", func(o *lightspeed.Options) { o.Token = testToken + "\n" }, "upstream.token: must not contain whitespace"},
		{"negative page size", func(o *lightspeed.Options) { o.PageSize = -1 }, "upstream.page_size:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := ok
			tt.mod(&o)
			_, err := lightspeed.New(o)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("New: %v, want no error", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New: error %v, want one containing %q", err, tt.want)
			}
			if !errors.Is(err, engine.ErrInvalid) {
				t.Errorf("New: error %v does not match engine.ErrInvalid", err)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("New: error %q contains the token", err)
			}
		})
	}
}

func TestNewReportsEveryBadOption(t *testing.T) {
	t.Parallel()
	_, err := lightspeed.New(lightspeed.Options{ExternalRefField: "x"})
	for _, field := range []string{"upstream.base_url", "upstream.token", "upstream.external_ref_field"} {
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("New: error %v does not name %s", err, field)
		}
	}
}

func TestBaseURLGetsAPIPathOnce(t *testing.T) {
	t.Parallel()
	var (
		mu    sync.Mutex
		paths []string
	)
	for _, suffix := range []string{"", "/", "/api/2.0", "/api/2.0/"} {
		b := setup(t, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			paths = append(paths, r.URL.Path)
			mu.Unlock()
			writeJSON(w, 200, feedBody(0, 0))
		}, nil)
		c, err := lightspeed.New(lightspeed.Options{BaseURL: b.server.URL + suffix, Token: testToken})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Pull(t.Context(), ""); err != nil {
			t.Fatalf("Pull with base %q: %v", suffix, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for i, p := range paths {
		if p != "/api/2.0/customers" {
			t.Errorf("request %d went to %s, want /api/2.0/customers", i, p)
		}
	}
}

func TestValidateRequiresAName(t *testing.T) {
	t.Parallel()
	c, err := lightspeed.New(lightspeed.Options{BaseURL: "https://x.retail.lightspeed.app", Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	for _, cu := range []engine.Customer{{FirstName: "Ana"}, {LastName: "Ng"}} {
		if err := c.Validate(cu); err != nil {
			t.Errorf("Validate(%+v) = %v, want nil", cu, err)
		}
	}
	err = c.Validate(engine.Customer{ID: "L1", FirstName: "  ", Email: "a@b.c", Company: "Acme"})
	if !errors.Is(err, engine.ErrIncomplete) || !strings.Contains(err.Error(), "first_name/last_name") {
		t.Fatalf("Validate without a name = %v, want ErrIncomplete naming first_name/last_name", err)
	}
}
