package matchers_test

import (
	"reflect"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/matchers"
)

func TestAutoLinks(t *testing.T) {
	t.Parallel()
	n := newNormalizer(t, "NZ")
	local := []engine.Customer{
		{ID: "L1", Email: "ann@x.co"},
		{ID: "L2", Email: "cat@x.co"}, {ID: "L3", Email: "cat@x.co"}, // shared: no link
		{ID: "L4", AccountCode: "A-9"},
		{ID: "L5", ExternalRef: "U9"},
	}
	upstream := []engine.Customer{
		{ID: "U1", Email: "ANN@x.co "},
		{ID: "U2", Email: "cat@x.co"},
		{ID: "U4", AccountCode: "a-9"},
		{ID: "U9", Email: "other@x.co"},
	}
	var got [][3]string
	for _, l := range matchers.AutoLinks(local, upstream, n) {
		got = append(got, [3]string{l.LocalID, l.UpstreamID, string(l.Tier)})
	}
	want := [][3]string{{"L1", "U1", "email"}, {"L4", "U4", "account_code"}, {"L5", "U9", "external_id"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("AutoLinks = %v, want %v", got, want)
	}
}

func TestSharedKeys(t *testing.T) {
	t.Parallel()
	n := newNormalizer(t, "NZ")
	cs := []engine.Customer{{ID: "1", Email: "a@x.co"}, {ID: "2", Email: "A@X.CO"}, {ID: "3", AccountCode: "7"},
		{ID: "4", AccountCode: "7", Email: "a@x.co"}, {ID: "5", Email: "noemail@x.co"}, {ID: "6", Email: "noemail@x.co"}}
	got := matchers.SharedKeys(cs, n)
	want := [][2]string{{"1", "2"}, {"1", "4"}, {"2", "4"}, {"3", "4"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SharedKeys = %v, want %v", got, want)
	}
}
