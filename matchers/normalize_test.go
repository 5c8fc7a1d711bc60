package matchers_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/matchers"
)

func newNormalizer(tb testing.TB, region string) *matchers.Normalizer {
	tb.Helper()
	n, err := matchers.NewNormalizer(region)
	if err != nil {
		tb.Fatalf("NewNormalizer(%q): %v", region, err)
	}
	return n
}

func TestNewNormalizer(t *testing.T) {
	t.Parallel()
	for _, region := range []string{"NZ", "us", " AU "} {
		if _, err := matchers.NewNormalizer(region); err != nil {
			t.Errorf("NewNormalizer(%q): %v", region, err)
		}
	}
	for _, region := range []string{"", "ZZ", "New Zealand", "001"} {
		_, err := matchers.NewNormalizer(region)
		if !errors.Is(err, engine.ErrInvalid) {
			t.Errorf("NewNormalizer(%q) error = %v, want ErrInvalid", region, err)
			continue
		}
		if !strings.Contains(err.Error(), `"`+region+`"`) {
			t.Errorf("NewNormalizer(%q) error %q does not name the region", region, err)
		}
	}
}

func TestAccountCode(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"  abc-123 ", "ABC-123"},
		{"ABC-123", "ABC-123"},
		{"ann-4x2q", "ANN-4X2Q"},
		{"ab 12", "AB 12"},
		{"kö-7", "KÖ-7"},
		{"10", "10"},
		{"", ""},
		{"   ", ""},
		{"-", ""},
		{"0", ""},
		{"000", ""},
		{"0-0", ""},
		{"n/a", ""},
		{"None", ""},
	}
	for _, tt := range tests {
		if got := matchers.AccountCode(tt.in); got != tt.want {
			t.Errorf("AccountCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPostcode(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"sw1a 1aa", "SW1A1AA"},
		{" SW1A\t1AA ", "SW1A1AA"},
		{"1010", "1010"},
		{"12345-6789", "12345-6789"},
		{"", ""},
		{"   ", ""},
	}
	for _, tt := range tests {
		if got := matchers.Postcode(tt.in); got != tt.want {
			t.Errorf("Postcode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizerKeys(t *testing.T) {
	t.Parallel()
	n := newNormalizer(t, "NZ")
	got := n.Keys(engine.Customer{
		ID:          "L1",
		Email:       " Ann.Lee@Shop.CO.NZ ",
		FirstName:   "  Ánn ",
		LastName:    "O’Lee",
		Phone:       "09 555 0101",
		Mobile:      "+64 21 555 0101",
		AccountCode: " ann-01 ",
		Address:     engine.Address{Postcode: "10 10"},
	})
	want := engine.Keys{
		Email:       "ann.lee@shop.co.nz",
		Phone:       "+6495550101",
		Mobile:      "+64215550101",
		Name:        "ann o'lee",
		Postcode:    "1010",
		AccountCode: "ANN-01",
	}
	if got != want {
		t.Errorf("Keys = %+v\nwant   %+v", got, want)
	}
	if got := n.Keys(engine.Customer{LastName: "Lee"}); got != (engine.Keys{Name: "lee"}) {
		t.Errorf("Keys(last name only) = %+v", got)
	}
	if got := n.Keys(engine.Customer{}); got != (engine.Keys{}) {
		t.Errorf("Keys(empty) = %+v, want zero keys", got)
	}
}

func TestNormalizerValue(t *testing.T) {
	t.Parallel()
	n := newNormalizer(t, "NZ")
	// same: the two values are not a conflict; differ: they are.
	tests := []struct {
		field, a, b string
		same        bool
	}{
		{engine.FieldPhone, "021 555 0101", "+64 21 555 0101", true},
		{engine.FieldMobile, "021-555-0101", "+64215550101", true},
		{engine.FieldPhone, "021 555 0101", "021 555 0102", false},
		{engine.FieldPhone, "555 0101", "5550101", true},      // parsable, invalid: E.164 anyway
		{engine.FieldPhone, "ext 5550101", "5550101 x", true}, // unparsable: digits
		{engine.FieldPhone, "021 555 0101 ext 2", "021 555 0101", false},
		{engine.FieldEmail, "ANN@X.CO.NZ ", "ann@x.co.nz", true},
		{engine.FieldEmail, "none", "", true},
		{engine.FieldEmail, "noemail@shop.co.nz", "", true},
		{engine.FieldEmail, "ann@shop", "bob@shop", false},
		{engine.FieldEmail, "ann@shop", "", false},
		{engine.FieldEmail, "ann@x.co.nz", "ann+1@x.co.nz", false},
		{engine.FieldFirstName, "José", "jose", true},
		{engine.FieldLastName, "Müller ", "MULLER", true},
		{engine.FieldCompany, "Ann & Co.", "ann co", true},
		{engine.FieldLine1, "12 Queen St.", "12 queen st", true},
		{engine.FieldLine2, "Unit 3", "Unit 4", false},
		{engine.FieldCity, "Auckland", " AUCKLAND", true},
		{engine.FieldState, "Auckland", "Waikato", false},
		{engine.FieldCountry, "nz", "NZ", true},
		{engine.FieldPostcode, "sw1a 1aa", "SW1A1AA", true},
		{engine.FieldAccountCode, " abc-1", "ABC-1", true},
		{engine.FieldBirthday, " 1990-01-02 ", "1990-01-02", true},
		{engine.FieldBirthday, "1990-01-02", "1990-01-03", false},
		{"custom", " x ", "x", true},
		{"custom", "x", "X", false},
	}
	for _, tt := range tests {
		va, vb := n.Value(tt.field, tt.a), n.Value(tt.field, tt.b)
		if (va == vb) != tt.same {
			t.Errorf("Value(%s): %q -> %q, %q -> %q; same = %v, want %v", tt.field, tt.a, va, tt.b, vb, va == vb, tt.same)
		}
	}
}

func BenchmarkNormalizerKeys(b *testing.B) {
	n := newNormalizer(b, "NZ")
	c := engine.Customer{
		ID: "L1", Email: " Ann.Lee@Shop.CO.NZ ", FirstName: "José", LastName: "Müller",
		Phone: "09 555 0101", Mobile: "+64 21 555 0101", AccountCode: "ann-01",
		Address: engine.Address{Postcode: "1010"},
	}
	ascii := c
	ascii.FirstName, ascii.LastName = "Ann", "Lee"
	b.Run("unicode", func(b *testing.B) {
		for b.Loop() {
			_ = n.Keys(c)
		}
	})
	b.Run("ascii", func(b *testing.B) {
		for b.Loop() {
			_ = n.Keys(ascii)
		}
	})
}
