package console_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belfryhq/belfry/internal/browsertest"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// browser starts headless Chromium (Debian's package, which .ci/run
// installs) and returns a context that drives it, with JavaScript turned
// off for the pages, as an invitee's locked-down phone might have it.
func browser(t *testing.T) context.Context {
	t.Helper()
	ctx := liveBrowser(t)
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	if err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// liveBrowser starts headless Chromium, with a profile of its own, and
// returns a context that drives it, JavaScript on.
func liveBrowser(t *testing.T) context.Context {
	t.Helper()
	return browsertest.Live(t)
}

// TestAcceptInBrowser accepts an invitation the way an invitee does: a
// phone-sized window, JavaScript off, typing a name and pressing the
// button.
func TestAcceptInBrowser(t *testing.T) {
	e := newEnv(t)
	link, invited := e.invite("dana@example.com")
	ctx := browser(t)
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(link),
	)
	if err != nil {
		t.Fatal(err)
	}
	title := must(t, ctx, chromedp.Title())
	heading := must(t, ctx, chromedp.Text("h1"))
	if title != "Join Ops Team · Belfry" || heading != "Join Ops Team" {
		t.Errorf("page title %q, heading %q; want the account's name", title, heading)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys("#name", strings.Repeat(kb.End+kb.Backspace, 20)+"Dana Scully")); err != nil {
		t.Fatal(err)
	}
	shot := must(t, ctx, chromedp.FullScreenshot(100))
	if dir := os.Getenv("BELFRY_SCREENSHOTS"); dir != "" {
		os.WriteFile(filepath.Join(dir, "accept.png"), shot, 0o644)
	}
	if err := chromedp.Do(ctx, chromedp.Click("button[type=submit]"), chromedp.WaitVisible("#pin")); err != nil {
		t.Fatal(err)
	}
	welcome := must(t, ctx, chromedp.Text("h1"))
	pin := must(t, ctx, chromedp.Text("#pin"))
	pageWidth := must(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	viewWidth := must(t, ctx, chromedp.Evaluate[int](`window.innerWidth`))
	u := e.user(invited.ID)
	if welcome != "Welcome, Dana Scully" || strings.TrimSpace(pin) != u.PersonalPIN || u.DisplayName != "Dana Scully" {
		t.Errorf("after pressing Accept: heading %q, PIN %q; user %+v; want the typed name and the stored PIN", welcome, pin, u)
	}
	if pageWidth > viewWidth {
		t.Errorf("the page is %d px wide in a %d px phone viewport; want no sideways scrolling", pageWidth, viewWidth)
	}
	if dir := os.Getenv("BELFRY_SCREENSHOTS"); dir != "" {
		os.WriteFile(filepath.Join(dir, "welcome.png"), must(t, ctx, chromedp.FullScreenshot(100)), 0o644)
	}
}

// must runs one browser action that yields a value.
func must[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	return browsertest.Must(t, ctx, a)
}
