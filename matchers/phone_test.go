package matchers_test

import (
	"testing"

	"github.com/accordhq/accord/matchers"
)

func TestPhone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, region, want string
	}{
		{"nz national mobile", "021 555 0101", "NZ", "+64215550101"},
		{"nz international", "+64 21 555 0101", "NZ", "+64215550101"},
		{"nz punctuation", "(021) 555-0101", "NZ", "+64215550101"},
		{"nz trunk zero in brackets", "+64 (0)21 555 0101", "NZ", "+64215550101"},
		{"nz 00 prefix", "00 64 21 555 0101", "NZ", "+64215550101"},
		{"plus then 00 prefix", "+0064 21 555 0101", "NZ", "+64215550101"},
		{"plus then 001 prefix", "+001 415 555 2671", "NZ", "+14155552671"},
		{"nz landline", "09 555 0101", "NZ", "+6495550101"},
		{"region lower case", "021 555 0101", "nz", "+64215550101"},
		{"us national", "(415) 555-2671", "US", "+14155552671"},
		{"us with country code", "1-415-555-2671", "US", "+14155552671"},
		{"extension dropped", "(415) 555-2671 ext. 12", "US", "+14155552671"},
		{"extension x", "021 555 0101 x 5", "NZ", "+64215550101"},
		{"foreign number in nz", "+44 20 7946 0958", "NZ", "+442079460958"},
		{"invalid us area code", "+1 555 123 4567", "US", ""},
		{"too short", "5550101", "NZ", ""},
		{"zeros", "000", "NZ", ""},
		{"letters", "none", "NZ", ""},
		{"plus only", "+", "NZ", ""},
		{"empty", "", "NZ", ""},
		{"whitespace", "   ", "NZ", ""},
		{"unknown region, national", "021 555 0101", "ZZ", ""},
		{"unknown region, international", "+64 21 555 0101", "ZZ", "+64215550101"},
		{"no region, national", "021 555 0101", "", ""},
		{"very long", "021 555 0101 " + string(make([]byte, 200)), "NZ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := matchers.Phone(tt.in, tt.region); got != tt.want {
				t.Errorf("Phone(%q, %q) = %q, want %q", tt.in, tt.region, got, tt.want)
			}
		})
	}
}
