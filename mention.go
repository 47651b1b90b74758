package belfry

import (
	"regexp"
	"strings"
)

// MentionKind is what an @-mention in a message names.
type MentionKind string

// The mention kinds (DECISIONS.md, "Rooms, once they hold conversations").
const (
	// MentionAll is @All: every member of the room.
	MentionAll MentionKind = "All"
	// MentionPresent is @Present: the members who have the room open now.
	MentionPresent MentionKind = "Present"
	// MentionAlias is @alias: the member whose e-mail address has alias
	// as its local part.
	MentionAlias MentionKind = "Alias"
	// MentionEmail is @address: the member with that e-mail address.
	MentionEmail MentionKind = "Email"
)

// Mention is one @-mention in a message. Name is the alias or the address,
// in lower case, for MentionAlias and MentionEmail.
type Mention struct {
	Kind MentionKind
	Name string
}

// mentionPattern finds an @ at the start of the text or after a character
// that cannot end an address (so that ana@example.com in prose mentions no
// one), followed by an address or a local part. Trailing dots, which end
// sentences, are trimmed afterwards.
var mentionPattern = regexp.MustCompile(`(?:^|[^\p{L}\p{N}._%+\-@])@([\p{L}\p{N}._%+\-]+(?:@[\p{L}\p{N}.\-]+\.[\p{L}\p{N}\-]+)?)`)

// ParseMentions returns the mentions of content, each once, in the order
// they first appear. Resolving them to members is the room's business:
// this only reads the text.
func ParseMentions(content string) []Mention {
	var out []Mention
	seen := make(map[Mention]bool)
	for _, m := range mentionPattern.FindAllStringSubmatch(content, -1) {
		mention := classify(strings.TrimRight(m[1], "."))
		if mention.Name == "" && mention.Kind != MentionAll && mention.Kind != MentionPresent || seen[mention] {
			continue
		}
		seen[mention] = true
		out = append(out, mention)
	}
	return out
}

// classify reads the text after an @. All and Present are matched in any
// case, as people type them.
func classify(s string) Mention {
	switch lower := strings.ToLower(s); {
	case lower == "all":
		return Mention{Kind: MentionAll}
	case lower == "present":
		return Mention{Kind: MentionPresent}
	case strings.Contains(lower, "@"):
		return Mention{Kind: MentionEmail, Name: lower}
	default:
		return Mention{Kind: MentionAlias, Name: lower}
	}
}
