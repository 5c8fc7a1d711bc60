package matchers_test

import (
	"testing"

	"github.com/accordhq/accord/matchers"
)

func TestEmail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"plain", "ann@example.co.nz", "ann@example.co.nz"},
		{"case and spaces", "  Ann.Lee@Shop.CO.NZ \t", "ann.lee@shop.co.nz"},
		{"unicode upper case", "ÉLODIE@CAFÉ.FR", "élodie@café.fr"},
		{"decomposed equals composed", "e\u0301lodie@cafe.fr", "élodie@cafe.fr"},
		{"mailto", "mailto:Ann@Shop.co.nz", "ann@shop.co.nz"},
		{"mailto with query", "MAILTO:ann@shop.co.nz?subject=Hi", "ann@shop.co.nz"},
		{"angle brackets", "<ann@shop.co.nz>", "ann@shop.co.nz"},
		{"gmail dots kept", "a.n.n@gmail.com", "a.n.n@gmail.com"},
		{"plus tag kept", "ann+shop@gmail.com", "ann+shop@gmail.com"},
		{"empty", "", ""},
		{"whitespace", " \t\n", ""},
		{"no at", "ann.shop.co.nz", ""},
		{"two ats", "ann@shop@co.nz", ""},
		{"no local part", "@shop.co.nz", ""},
		{"undotted domain", "ann@localhost", ""},
		{"empty label", "ann@shop..nz", ""},
		{"trailing dot", "ann@shop.nz.", ""},
		{"inner space", "ann lee@shop.co.nz", ""},
		{"list", "ann@shop.co.nz; bob@shop.co.nz", ""},
		{"display name", "Ann <ann@shop.co.nz>", ""},
		{"placeholder none", "none", ""},
		{"placeholder n/a", "N/A", ""},
		{"placeholder dash", "-", ""},
		{"placeholder noemail", "noemail@shop.co.nz", ""},
		{"placeholder no-email", "No-Email@gmail.com", ""},
		{"placeholder no@email.com", "no@email.com", ""},
		{"placeholder test@test.com", "TEST@TEST.COM", ""},
		{"placeholder example.com", "ann@example.com", ""},
		{"placeholder .invalid", "ann@shop.invalid", ""},
		{"placeholder noreply", "noreply@shop.co.nz", ""},
		{"not a placeholder: info", "info@shop.co.nz", "info@shop.co.nz"},
		{"control character", "ann\x00@shop.co.nz", ""},
		{"invalid utf-8", "ann\xff@shop.co.nz", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := matchers.Email(tt.in); got != tt.want {
				t.Errorf("Email(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
