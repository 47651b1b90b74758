package belfry

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ValidText reports whether s is text that Belfry keeps: valid UTF-8 with
// no NUL. Neither can be held by a PostgreSQL text column, and neither has
// a place in any name, ID, address or token of the Chime API, so every
// adapter refuses such a string before a store sees it.
func ValidText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// CheckName refuses a name that people will read (an account's, a room's,
// a user's display name) when it holds a character that changes how the
// text around it shows rather than showing itself: control characters
// (NUL, CR and LF, ESC that starts terminal sequences, DEL, C1), line and
// paragraph separators, and the bidirectional embeddings, overrides and
// isolates (U+202A-U+202E, U+2066-U+2069) with which a name can make a
// listing, a log line or an e-mail read backwards (CVE-2021-42574). The
// bidirectional marks (U+200E, U+200F, U+061C) and zero-width joiners stay
// allowed: right-to-left names, some scripts and emoji need them, and they
// cannot reorder text beyond the name. field names the name in the message.
// Every entry that sets a name (the API and the accept page) calls it.
func CheckName(field, name string) error {
	if !utf8.ValidString(name) {
		return Errorf(BadRequest, "%s is not valid UTF-8 text", field)
	}
	if i := strings.IndexFunc(name, notInName); i >= 0 {
		r, _ := utf8.DecodeRuneInString(name[i:])
		return Errorf(BadRequest, "%s must not contain control or bidirectional formatting characters; it has %s at character %d",
			field, runeName(r), utf8.RuneCountInString(name[:i])+1)
	}
	return nil
}

func notInName(r rune) bool {
	switch {
	case unicode.IsControl(r), r == '\u2028', r == '\u2029':
		return true
	case r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// runeName shows a character that cannot be shown as itself.
func runeName(r rune) string {
	switch r {
	case '\n':
		return "a line feed (U+000A)"
	case '\r':
		return "a carriage return (U+000D)"
	case 0:
		return "a NUL (U+0000)"
	case '\x1b':
		return "an escape (U+001B)"
	}
	return fmt.Sprintf("%U", r)
}

// MaxAccountName is the model's bound on an account's name (AccountName).
const MaxAccountName = 100

// CheckAccountName holds an account's name to the model's AccountName: 1
// to MaxAccountName characters, not all spaces, and a name (CheckName).
// The API checks the model before the service sees a call; this keeps
// every other way in, such as the console, to the same rule.
func CheckAccountName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return Errorf(BadRequest, "Give the account a name.")
	case utf8.RuneCountInString(name) > MaxAccountName:
		return Errorf(BadRequest, "An account's name has at most %d characters.", MaxAccountName)
	}
	return CheckName("Name", name)
}
