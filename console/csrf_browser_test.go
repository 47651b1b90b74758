package console_test

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/chromedp/chromedp"
)

// TestCrossSiteFormInBrowser is the login CSRF the accept form must resist,
// in a real browser: the visitor first opens an invitation page, so the
// browser holds the form cookie, then a page of another origin, whose form
// posts a name to that invitation and which the visitor is tricked into
// submitting. Belfry answers with its 403 page and accepts nothing.
func TestCrossSiteFormInBrowser(t *testing.T) {
	e := newEnv(t)
	link, invited := e.invite("victim@example.com")
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>Prize</title><form method="post" action="%s">`+
			`<input type="hidden" name="name" value="Mallory"><button type="submit">Claim your prize</button></form>`,
			html.EscapeString(link))
	}))
	defer evil.Close()
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitVisible("#name"), chromedp.Navigate(evil.URL)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click("button[type=submit]")); err != nil {
		t.Fatal(err)
	}
	// The answer comes from another origin, in another renderer, which
	// chromedp's queries follow once the browser is there.
	for strings.HasPrefix(must(t, ctx, chromedp.Location()), evil.URL) {
		// Each Location is a round trip to the browser: wait by asking.
	}
	heading := must(t, ctx, chromedp.Text("h1"))
	body := must(t, ctx, chromedp.Text("main"))
	if heading != "Request refused" || !strings.Contains(body, "nothing was changed") {
		t.Errorf("after the cross-site form: heading %q, page %q; want Belfry's refusal", heading, body)
	}
	if u := e.user(invited.ID); u.Registration != belfry.Unregistered || u.DisplayName != "" {
		t.Errorf("after the cross-site form the user is %s named %q; want Unregistered, unnamed", u.Registration, u.DisplayName)
	}
}
