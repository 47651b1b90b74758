package console_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/browsertest"
	"github.com/chromedp/chromedp"
)

// signInBrowser signs address in from the start page, as a member does:
// type the address, open the e-mailed link, press the button.
func (e *env) signInBrowser(ctx context.Context, address string) {
	e.t.Helper()
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(e.srv.URL+"/"),
		chromedp.WaitVisible("#email"),
	)
	if err != nil {
		e.t.Fatal(err)
	}
	e.screenshot(ctx, "signin.png")
	before := len(e.signInLinks(address))
	submit(e.t, ctx, chromedp.SendKeys("#email", address), chromedp.Click("button[type=submit]"))
	links := e.signInLinks(address)
	if len(links) != before+1 {
		e.t.Fatalf("after asking, %d sign-in links for %s; want %d", len(links), address, before+1)
	}
	submit(e.t, ctx, chromedp.Navigate(links[len(links)-1]))
	submit(e.t, ctx, chromedp.Click("button[type=submit]"))
	if err := chromedp.Do(ctx, chromedp.WaitVisible("#pin")); err != nil {
		e.t.Fatal(err)
	}
}

// submit runs steps that end in a navigation and waits for the page it
// leads to, which must answer 200.
func submit(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	browsertest.Submit(t, ctx, steps...)
}

// screenshot saves the browser's page as name in BELFRY_SCREENSHOTS, when
// it is set.
func (e *env) screenshot(ctx context.Context, name string) {
	e.t.Helper()
	screenshot(e.t, ctx, name)
}

// screenshot saves the browser's page as name in BELFRY_SCREENSHOTS, when
// it is set.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("BELFRY_SCREENSHOTS")
	if dir == "" {
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), must(t, ctx, chromedp.FullScreenshot(100)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitText waits until the element sel holds want.
func waitText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	browsertest.WaitText(t, ctx, sel, want)
}

// TestLiveRoomInBrowsers has two members in one room, each in a browser
// of their own: what one writes the other sees without reloading; so is a
// message posted through the service, as a webhook posts, and a
// redaction replaces a message where it stands.
func TestLiveRoomInBrowsers(t *testing.T) {
	e := newEnv(t)
	e.enterprise()
	ana, bo := e.newMember("ana@example.com"), e.newMember("bo@example.com")
	r := e.room("Ops <b>room</b>", ana, bo)
	e.svc.PostRoomMessage(e.ctx(), e.team.ID, r.ID, bo.ID, "Good morning **everyone**")
	actx, bctx := liveBrowser(t), liveBrowser(t)
	e.signInBrowser(actx, "ana@example.com")
	e.signInBrowser(bctx, "bo@example.com")
	e.screenshot(actx, "rooms.png")
	room := e.srv.URL + "/rooms/" + r.ID
	for _, ctx := range []context.Context{actx, bctx} {
		if err := chromedp.Do(ctx, chromedp.Navigate(room), chromedp.WaitVisible("#content")); err != nil {
			t.Fatal(err)
		}
	}
	// A marker that a reload would wipe out: Bo's page must stay the same.
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`window.stayed = true`)); err != nil {
		t.Fatal(err)
	}
	submit(t, actx, chromedp.SendKeys("#content", "Deploy at 3, @bo <script>alert(1)</script>"), chromedp.Click("form button[type=submit]"))
	waitText(t, bctx, "#messages", "Deploy at 3")
	// A webhook's post, as a CI job sends it, shows up as live.
	_, hookURL, err := e.svc.CreateWebhook(e.ctx(), e.team.ID, r.ID, "CI")
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(hookURL)
	if err != nil {
		t.Fatal(err)
	}
	hook, err := e.svc.PostWebhookMessage(e.ctx(), strings.TrimPrefix(u.Path, "/incomingwebhooks/"), u.Query().Get("token"), "build 42 passed")
	if err != nil {
		t.Fatal(err)
	}
	waitText(t, bctx, "#messages", "CI (Webhook)")
	if senders := must(t, bctx, chromedp.Text("#messages")); strings.Contains(senders, "(Webhook) (Webhook)") {
		t.Errorf("the webhook's post names its sender %q; want CI (Webhook) once", senders)
	}
	waitText(t, bctx, "#messages", "build 42 passed")
	e.screenshot(bctx, "room.png")
	if err := e.svc.RedactRoomMessage(e.ctx(), e.team.ID, r.ID, hook.ID); err != nil {
		t.Fatal(err)
	}
	waitText(t, bctx, "#m-"+hook.ID, "message redacted")
	stayed := must(t, bctx, chromedp.Evaluate[bool](`window.stayed === true`))
	mentioned := must(t, bctx, chromedp.Evaluate[bool](`!!document.querySelector("#messages li.mentioned")`))
	scripts := must(t, bctx, chromedp.Evaluate[int](`document.querySelectorAll("#messages script").length`))
	title := must(t, bctx, chromedp.Text("h1"))
	if !stayed || !mentioned || scripts != 0 || title != "Ops <b>room</b>" {
		t.Errorf("Bo's page: not reloaded %v, mention marked %v, %d scripts in messages, heading %q; want true, true, 0, the room's name as text",
			stayed, mentioned, scripts, title)
	}
	if got := e.history(belfry.Thread{RoomID: r.ID}); len(got) != 3 {
		t.Errorf("the room holds %q; want 3 messages", got)
	}
}

// TestRoomWithoutJavaScript reads and writes a room, and a conversation,
// at a phone's size with JavaScript off.
func TestRoomWithoutJavaScript(t *testing.T) {
	e := newEnv(t)
	e.enterprise()
	ana, bo := e.newMember("ana@example.com"), e.newMember("bo@example.com")
	r := e.room("Ops", ana, bo)
	e.svc.PostRoomMessage(e.ctx(), e.team.ID, r.ID, bo.ID, "Hello from Bo")
	ctx := browser(t)
	e.signInBrowser(ctx, "ana@example.com")
	submit(t, ctx, chromedp.Click(`#rooms a`))
	submit(t, ctx, chromedp.SendKeys("#content", "Hello from Ana"), chromedp.Click("form button[type=submit]"))
	page := must(t, ctx, chromedp.Text("#messages"))
	if !strings.Contains(page, "Hello from Bo") || !strings.Contains(page, "Hello from Ana") {
		t.Errorf("the room page without JavaScript shows %q; want both messages", page)
	}
	noSideways(t, ctx)
	// Ana administers the room: she makes a webhook and gets its URL to
	// copy, at a phone's size.
	must(t, ctx, chromedp.Click("#webhooks summary"))
	submit(t, ctx, chromedp.SendKeys("#webhook-name", "CI"), chromedp.Click(`#webhooks > form button`))
	if link := must(t, ctx, chromedp.Value("#webhook-url")); !strings.Contains(link, "/incomingwebhooks/") {
		t.Errorf("after creating a webhook the page shows the URL %q; want the new webhook's", link)
	}
	noSideways(t, ctx)
	submit(t, ctx, chromedp.Navigate(e.srv.URL+"/welcome"))
	submit(t, ctx, chromedp.SendKeys("#email", "bo@example.com"), chromedp.Click(`form[action="/conversations"] button`))
	submit(t, ctx, chromedp.SendKeys("#content", "Lunch?"), chromedp.Click("form button[type=submit]"))
	if got := must(t, ctx, chromedp.Text("#messages")); !strings.Contains(got, "Lunch?") {
		t.Errorf("the conversation shows %q; want the message written", got)
	}
	noSideways(t, ctx)
	e.screenshot(ctx, "conversation.png")
}

// noSideways fails when the page is wider than the phone's viewport.
func noSideways(t *testing.T, ctx context.Context) {
	t.Helper()
	pageWidth := must(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	viewWidth := must(t, ctx, chromedp.Evaluate[int](`window.innerWidth`))
	if pageWidth > viewWidth {
		t.Errorf("the page is %d px wide in a %d px phone viewport; want no sideways scrolling", pageWidth, viewWidth)
	}
}
