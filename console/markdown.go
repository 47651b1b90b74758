package console

import (
	"bytes"
	"html/template"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// Markdown renders message content, which members write in markdown, as
// HTML that is safe to put in a page. It works in two steps, each enough
// on its own against the usual attacks, so that a flaw in one is caught by
// the other: goldmark, with raw HTML off (html.WithUnsafe is not given),
// leaves out the HTML a message holds and empties dangerous link targets
// such as javascript:; then bluemonday's policy for user-generated content
// keeps only the elements and attributes it knows to be harmless. A
// Markdown is safe for concurrent use.
type Markdown struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// NewMarkdown returns a renderer of message content: GitHub's flavour
// (tables, strikethrough, autolinks, task lists), a line break where the
// writer broke the line, as chat messages are read, and links that open
// apart from the page and carry no referrer or opener.
func NewMarkdown() *Markdown {
	policy := bluemonday.UGCPolicy()
	policy.AddTargetBlankToFullyQualifiedLinks(true)
	return &Markdown{
		md: goldmark.New(
			goldmark.WithExtensions(extension.GFM),
			goldmark.WithRendererOptions(html.WithHardWraps()),
		),
		policy: policy,
	}
}

// Render returns content as safe HTML. Content that goldmark cannot
// render (it renders any text) is shown escaped, as written.
func (m *Markdown) Render(content string) template.HTML {
	var buf bytes.Buffer
	if err := m.md.Convert([]byte(content), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(content))
	}
	return template.HTML(m.policy.SanitizeBytes(buf.Bytes()))
}
