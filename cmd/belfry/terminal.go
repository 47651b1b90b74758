package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// printable returns s with every character that a terminal would act on
// rather than show written as a \uXXXX escape: C0 and C1 controls and DEL
// (which move the cursor, retitle the window or start escape sequences),
// bidirectional controls such as U+202E (which make text read in another
// order than it is), the line and paragraph separators, and bytes that are
// not UTF-8. Names, e-mail addresses and messages that operator commands
// print come from API callers, whom the operator's terminal must not obey.
// The escapes are those of JSON strings, so a JSON line stays valid JSON:
// these characters can only appear inside its strings.
func printable(s string) string {
	if !strings.ContainsFunc(s, unsafeRune) && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				b.WriteString(`\ufffd`)
				continue
			}
		}
		if unsafeRune(r) {
			fmt.Fprintf(&b, `\u%04x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// unsafeRune reports whether a terminal might act on r rather than show it.
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029'
}

// outf is fmt.Fprintf for operator output: its string arguments, which may
// come from API callers, are made printable; the format is the program's.
func outf(w io.Writer, format string, args ...any) error {
	args = slices.Clone(args)
	for i, a := range args {
		if s, ok := a.(string); ok {
			args[i] = printable(s)
		}
	}
	_, err := fmt.Fprintf(w, format, args...)
	return err
}
