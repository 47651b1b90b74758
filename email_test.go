package belfry

import "testing"

func TestValidEmail(t *testing.T) {
	tests := []struct {
		address string
		want    bool
	}{
		{"ana@example.com", true},
		{"  ana@example.com  ", true},
		{"ana.silva+chime@example.co.uk", true},
		{"o'brien@example.com", true},
		{"josé@bücher.example", true},
		{"用户@例子.广告", true},
		{"ana@xn--bcher-kva.example", true},

		{"dir.example", false},
		{"ana@", false},
		{"@example.com", false},
		{"ana@example", false},
		{"ana@exa mple.com", false},
		{"ana@ example.com", false},
		{"ana@example..com", false},
		{"ana, bo@e.com", false},
		{"ana@e.com, bo@e.com", false},
		{"a\nb@e.com", false},
		{"a\rb@e.com", false},
		{"a\tb@e.com", false},
		{"a b@e.com", false},
		{"a\u00a0b@e.com", false},
		{"a\u2028b@e.com", false},
		{"a\x00b@e.com", false},
		{"a\x7fb@e.com", false},
		{"x\"<y>@e.com", false},
		{"\"ana\"@e.com", false},
		{"<ana@e.com>", false},
		{"Ana <ana@e.com>", false},
		{"ana@bo@e.com", false},
		{"ana;bo@e.com", false},
		{"ana:bo@e.com", false},
		{"a(b)@e.com", false},
		{"a\\b@e.com", false},
		{"a\xffb@e.com", false},
	}
	for _, tt := range tests {
		if got := ValidEmail(tt.address); got != tt.want {
			t.Errorf("ValidEmail(%q) = %v, want %v", tt.address, got, tt.want)
		}
	}
}
