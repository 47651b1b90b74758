package console

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// TestMarkdownRenders checks that ordinary markdown comes out as the HTML
// a reader expects.
func TestMarkdownRenders(t *testing.T) {
	m := NewMarkdown()
	for _, tc := range []struct {
		content string
		want    []string
	}{
		{"**bold** and _it_", []string{"<strong>bold</strong>", "<em>it</em>"}},
		{"`x := 1`", []string{"<code>x := 1</code>"}},
		{"line one\nline two", []string{"line one<br"}},
		{"[docs](https://example.com/a?b=1)", []string{`href="https://example.com/a?b=1"`, `rel="nofollow noopener"`, `target="_blank"`}},
		{"~~gone~~", []string{"<del>gone</del>"}},
		{"- [x] done", []string{"<li>", "done"}},
		{"a < b & c", []string{"a &lt; b &amp; c"}},
	} {
		got := string(m.Render(tc.content))
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("Render(%q) = %q; want it to contain %q", tc.content, got, w)
			}
		}
	}
}

// TestMarkdownIsSafe feeds the renderer the usual injections and checks
// that nothing that runs script survives, whether it comes as raw HTML, as
// a markdown link or image, or disguised by case, entities or spacing.
func TestMarkdownIsSafe(t *testing.T) {
	m := NewMarkdown()
	for _, content := range []string{
		"<script>alert(1)</script>",
		"hi <script src=https://evil.example/x.js></script>",
		"<SCRIPT>alert(1)</SCRIPT>",
		"[click](javascript:alert(1))",
		"[click](JaVaScRiPt:alert(1))",
		"[click](java&#115;cript:alert(1))",
		"[click]( javascript:alert(1) )",
		"<a href=\"javascript:alert(1)\">click</a>",
		"![x](javascript:alert(1))",
		"<img src=x onerror=alert(1)>",
		"<img src=\"x\" onerror=\"alert(1)\"/>",
		"![x](x\" onerror=\"alert(1))",
		"<iframe src=\"https://evil.example\"></iframe>",
		"<svg onload=alert(1)>",
		"<a href=\"https://example.com\" onclick=\"alert(1)\">x</a>",
		"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
		"<div style=\"background:url(javascript:alert(1))\">x</div>",
		"[x](vbscript:msgbox(1))",
	} {
		got := string(m.Render(content))
		if bad := scripted(t, got); bad != "" {
			t.Errorf("Render(%q) = %q; it holds %s", content, got, bad)
		}
	}
}

// scripted parses rendered HTML as a browser would and returns what in it
// could run script or load from elsewhere unasked, or "" if nothing: an
// element that runs or embeds, an event handler or style attribute, or a
// link or source whose scheme is not http, https or mailto.
func scripted(t *testing.T, s string) string {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		t.Fatalf("rendered HTML %q does not parse: %v", s, err)
	}
	var bad string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "iframe", "svg", "object", "embed", "style", "form", "math":
				bad = "a <" + n.Data + "> element"
			}
			for _, a := range n.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				switch {
				case strings.HasPrefix(a.Key, "on") || a.Key == "style":
					bad = "the attribute " + a.Key
				case (a.Key == "href" || a.Key == "src") && strings.Contains(v, ":") &&
					!strings.HasPrefix(v, "http:") && !strings.HasPrefix(v, "https:") && !strings.HasPrefix(v, "mailto:"):
					bad = a.Key + "=" + a.Val
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return bad
}

// TestScriptedCatches checks the checker: HTML that would run script, as
// it would be rendered without the sanitizer, is caught.
func TestScriptedCatches(t *testing.T) {
	for _, s := range []string{
		"<p><script>alert(1)</script></p>",
		`<a href=" JavaScript:alert(1)">x</a>`,
		`<img src="x" onerror="alert(1)">`,
		`<img src="data:image/svg+xml,x">`,
	} {
		if scripted(t, s) == "" {
			t.Errorf("scripted(%q) found nothing", s)
		}
	}
	if bad := scripted(t, `<p><a href="https://example.com" rel="nofollow">x</a> <img src="/a.png" alt="a"></p>`); bad != "" {
		t.Errorf("scripted(safe HTML) = %s; want nothing", bad)
	}
}
