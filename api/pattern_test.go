package api

import "testing"

// TestCompilePattern checks model patterns against java.util.regex without
// flags, as the service applies them: whole values, and '.' never matching a
// line terminator.
func TestCompilePattern(t *testing.T) {
	tests := []struct {
		pattern, value string
		want           bool
	}{
		{`.+@.+\..+`, "ana@example.com", true},
		{`.+@.+\..+`, "a\nb@example.com", false},
		{`.+@.+\..+`, "a\rb@example.com", false},
		{`.+@.+\..+`, "a\u0085b@example.com", false},
		{`.+@.+\..+`, "ana@example.com\u2029x", false},
		{`.+@.+\..+`, "ana@example.com\n", false},
		{`.*\S.*`, "ok name", true},
		{`.*\S.*`, "ok\nname", false},
		{`.*\S.*`, "\n", false},
		{`.*\S.*`, "ok\u2028name", true}, // U+2028 is no \s in Java either: it is the \S
		{`[A-Z]{2}`, "AB", true},
		{`[A-Z]{2}`, "ABC", false},
		{`[A-Z]{2}`, "AB\n", false},
		{`^\+?[1-9]\d{1,14}$`, "+14155550100", true},
		{`^\+?[1-9]\d{1,14}$`, "+14155550100\n", false},
		{`^$|^[a-zA-Z0-9 ]{2,15}$`, "", true},
		{`^$|^[a-zA-Z0-9 ]{2,15}$`, "x", false},
	}
	for _, tt := range tests {
		if got := compilePattern(tt.pattern).MatchString(tt.value); got != tt.want {
			t.Errorf("pattern %s on %q = %v, want %v", tt.pattern, tt.value, got, tt.want)
		}
	}
}
