// Package browsertest drives headless Chromium for the tests of Belfry's
// pages, so that a test of the console's handlers and an end-to-end test
// of the built binary start and drive the browser the same way.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Live starts headless Chromium (Debian's package, which .ci/run installs,
// or BELFRY_CHROMIUM), with a profile of its own, and returns a context
// that drives it, JavaScript on. The test is skipped when there is no
// Chromium; the browser ends with the test, and every step within a
// minute of the start.
func Live(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("BELFRY_CHROMIUM")
	if path == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		t.Skip("browser test left out: no chromium on PATH (apt-get install chromium, or set BELFRY_CHROMIUM)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

// Submit runs steps that end in a navigation, a form's or a link's, and
// waits for the page it leads to, which must answer 200 (after any
// redirect).
func Submit(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 {
		t.Fatalf("the browser got %d from %s", resp.Status, resp.URL)
	}
}

// Must runs one browser action that yields a value.
func Must[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// WaitText waits until the element sel holds want.
func WaitText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => { const el = document.querySelector(`+JSString(sel)+`);
		return !!el && el.textContent.includes(`+JSString(want)+`); })()`))
	if err != nil {
		t.Fatalf("waiting for %q in %s: %v", want, sel, err)
	}
}

// JSString quotes s as a JavaScript template literal.
func JSString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "`", "\\`", "$", `\$`)
	return "`" + r.Replace(s) + "`"
}
