package belfry

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseMentions(t *testing.T) {
	alias := func(s string) Mention { return Mention{Kind: MentionAlias, Name: s} }
	email := func(s string) Mention { return Mention{Kind: MentionEmail, Name: s} }
	all, present := Mention{Kind: MentionAll}, Mention{Kind: MentionPresent}
	for _, tc := range []struct {
		content string
		want    []Mention
	}{
		{"no mentions here", nil},
		{"@All standup in 5", []Mention{all}},
		{"hey @present, anyone?", []Mention{present}},
		{"@ana please look", []Mention{alias("ana")}},
		{"cc @Ana.Lopez.", []Mention{alias("ana.lopez")}},
		{"ask @bob@example.com or @cy", []Mention{email("bob@example.com"), alias("cy")}},
		{"mail ana@example.com for details", nil},
		{"@ana and @ANA again, then @all @All", []Mention{alias("ana"), all}},
		{"(@ana) [@bob]", []Mention{alias("ana"), alias("bob")}},
		{"line one\n@ana on line two", []Mention{alias("ana")}},
		{"an @ alone, and @@double", nil},
		{"<script>@ana</script>", []Mention{alias("ana")}},
	} {
		if diff := cmp.Diff(ParseMentions(tc.content), tc.want); diff != "" {
			t.Errorf("ParseMentions(%q) mismatch (-got +want):\n%s", tc.content, diff)
		}
	}
}
