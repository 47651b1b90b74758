package console_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/chromedp/chromedp"
)

// fitsWidth fails the test when the page scrolls sideways.
func fitsWidth(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	pageWidth := must(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	viewWidth := must(t, ctx, chromedp.Evaluate[int](`window.innerWidth`))
	if pageWidth > viewWidth {
		t.Errorf("%s is %d px wide in a %d px viewport; want no sideways scrolling", page, pageWidth, viewWidth)
	}
}

// apiCall returns the context of a change as the API makes it for key k:
// the caller and the audit event of operation.
func apiCall(k *belfry.AccessKey, operation string) context.Context {
	return belfry.WithAudit(as(k), &belfry.AuditEvent{Time: time.Now().UTC(), AwsAccountID: k.AwsAccountID, AccessKeyID: k.ID,
		CallerARN: k.ARN(), SourceIP: "192.0.2.10", Operation: operation})
}

// stock gives e's root key an Enterprise account with rooms, members and
// a webhook, made through the API's way in, and returns the account and
// its first room.
func (e *adminEnv) stock() (*belfry.Account, *belfry.Room) {
	e.t.Helper()
	corp, err := e.svc.CreateAccount(apiCall(e.root, "CreateAccount"), "Example Corp")
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.ClaimDomain(apiCall(e.root, "ClaimDomain"), corp.ID, "example.com", belfry.EnterpriseLWA); err != nil {
		e.t.Fatal(err)
	}
	var ids []string
	for _, m := range []string{"ana@example.com", "bo@example.com"} {
		u, err := e.svc.CreateUser(apiCall(e.root, "CreateUser"), corp.ID, belfry.CreateUserInput{Email: m})
		if err != nil {
			e.t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	room, err := e.svc.CreateRoom(apiCall(e.root, "CreateRoom"), corp.ID, "Incident response", "")
	if err != nil {
		e.t.Fatal(err)
	}
	e.svc.CreateRoom(apiCall(e.root, "CreateRoom"), corp.ID, "Release planning", "")
	e.svc.CreateRoomMembership(apiCall(e.root, "CreateRoomMembership"), corp.ID, room.ID, ids[0], belfry.RoleAdministrator)
	e.svc.CreateRoomMembership(apiCall(e.root, "CreateRoomMembership"), corp.ID, room.ID, ids[1], belfry.RoleMember)
	e.svc.CreateWebhook(apiCall(e.root, "CreateWebhook"), corp.ID, room.ID, "Pager alerts")
	return corp, room
}

// TestConsoleInBrowser does what a newcomer does first, on a phone with
// JavaScript off: sign in with the root key, create an account, invite
// users and see them listed.
func TestConsoleInBrowser(t *testing.T) {
	e := newAdminEnv(t)
	ctx := browser(t)
	submit(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Navigate(e.srv.URL+"/console/"))
	fitsWidth(t, ctx, "the sign-in page")
	screenshot(t, ctx, "console-signin.png")
	e.signInBrowser(ctx)
	submit(t, ctx, chromedp.SendKeys("#name", "Night Shift"), chromedp.Click("form[action='/console/accounts'] button"))
	if h := must(t, ctx, chromedp.Text("h1")); h != "Night Shift" {
		t.Fatalf("after creating an account the heading is %q; want its page", h)
	}
	submit(t, ctx, chromedp.SendKeys("#emails", "dana@example.com, fox@example.com"), chromedp.Click("form[action$='/invite'] button"))
	users := must(t, ctx, chromedp.Text("#users"))
	if !strings.Contains(users, "dana@example.com") || !strings.Contains(users, "fox@example.com") || !strings.Contains(users, "Unregistered") {
		t.Errorf("after inviting, the users are %q; want dana@ and fox@example.com, unregistered", users)
	}
	if link := must(t, ctx, chromedp.Value("input[id^=link-]")); !strings.Contains(link, "/invitations/") {
		t.Errorf("the invitation link to copy is %q", link)
	}
	fitsWidth(t, ctx, "the account's page")
	submit(t, ctx, chromedp.Click("#signout"))
	if _, err := chromedp.Run(ctx, chromedp.WaitVisible("#secret_access_key")); err != nil {
		t.Errorf("after signing out: %v; want the sign-in form", err)
	}
}

// signInBrowser signs the browser, on the sign-in page, in with the root
// key.
func (e *adminEnv) signInBrowser(ctx context.Context) {
	e.t.Helper()
	submit(e.t, ctx, chromedp.SendKeys("#access_key_id", e.root.ID), chromedp.SendKeys("#secret_access_key", e.root.Secret),
		chromedp.Click("button[type=submit]"))
	if got := must(e.t, ctx, chromedp.Text("#key")); got != e.root.ID {
		e.t.Fatalf("after signing in the page names key %q; want %s", got, e.root.ID)
	}
}

// TestConsolePagesInBrowser opens each main page of the console, with
// something on it, at a phone's width, where it must fit; with
// BELFRY_SCREENSHOTS set it opens them at a laptop's width instead and
// saves their screenshots there, for the README.
func TestConsolePagesInBrowser(t *testing.T) {
	e := newAdminEnv(t)
	corp, room := e.stock()
	team, err := e.svc.CreateAccount(apiCall(e.root, "CreateAccount"), "Night Shift")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.InviteUsers(apiCall(e.root, "InviteUsers"), team.ID, []string{"dana@example.net", "fox@example.net", "walter@example.net"}, ""); err != nil {
		t.Fatal(err)
	}
	// A failed and a retried e-mail, for the job queue to explain.
	jobs, err := e.svc.ClaimJobs(context.Background(), belfry.KindMail, "outbox", e.now, time.Minute, 2)
	if err != nil || len(jobs) != 2 {
		t.Fatalf("ClaimJobs = %v, %v", jobs, err)
	}
	e.svc.FinishJob(context.Background(), jobs[0], belfry.JobOutcome{Status: belfry.JobFailed, At: e.now,
		Reason: "550 5.1.1 <dana@example.net>: mailbox unavailable"})
	e.svc.FinishJob(context.Background(), jobs[1], belfry.JobOutcome{Status: belfry.JobQueued, At: e.now, Next: e.now.Add(5 * time.Minute),
		Reason: "dial tcp 10.0.0.25:587: connection refused"})
	// A bot in the room, whose Invite was delivered, for the bot page and
	// its delivery log.
	bot, err := e.svc.CreateBot(apiCall(e.root, "CreateBot"), corp.ID, "Deploy", "example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.PutEventsConfiguration(apiCall(e.root, "PutEventsConfiguration"), corp.ID, bot.ID, e.botEndpoint(), ""); err != nil {
		t.Fatal(err)
	}
	w := e.deliverBotEvents()
	if _, err := e.svc.CreateRoomMembership(apiCall(e.root, "CreateRoomMembership"), corp.ID, room.ID, bot.ID, belfry.RoleMember); err != nil {
		t.Fatal(err)
	}
	e.waitDeliveries(w, corp.ID, bot.ID, func(log []*belfry.BotDelivery) bool { return len(log) == 1 })
	// Numbers of the AWS account, one of them a user's and one deleted, for
	// the phone numbers page.
	e.phones(e.root, belfry.BusinessCalling, 100, 4)
	users, err := e.svc.ListUsers(as(e.root), corp.ID, belfry.UserFilter{EmailKey: "ana@example.com"}, belfry.Page{Limit: 1})
	if err != nil || len(users) != 1 {
		t.Fatalf("ListUsers = %v, %v", users, err)
	}
	if err := e.svc.AssociatePhoneNumberWithUser(apiCall(e.root, "AssociatePhoneNumberWithUser"), corp.ID, users[0].ID, seattle(100)); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.DeletePhoneNumber(apiCall(e.root, "DeletePhoneNumber"), seattle(103)); err != nil {
		t.Fatal(err)
	}
	ctx := browser(t)
	viewport := chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)
	shots := os.Getenv("BELFRY_SCREENSHOTS") != ""
	if shots {
		viewport = chromedp.EmulateViewport(1100, 800)
	}
	submit(t, ctx, viewport, chromedp.Navigate(e.srv.URL+"/console/"))
	e.signInBrowser(ctx)
	for _, p := range []struct{ path, heading, shot string }{
		{"/console/", "Accounts", "console-accounts.png"},
		{"/console/accounts/" + team.ID, "Night Shift", "console-users.png"},
		{"/console/accounts/" + corp.ID + "/rooms", "Rooms of Example Corp", "console-rooms.png"},
		{"/console/accounts/" + corp.ID + "/rooms/" + room.ID, "Incident response", "console-room.png"},
		{"/console/accounts/" + corp.ID + "/bots/" + bot.ID, "Deploy (Bot)", "console-bot.png"},
		{"/console/phone-numbers", "Phone numbers", "console-phone-numbers.png"},
		{phonePage(seattle(100)), seattle(100), "console-phone-number.png"},
		{"/console/jobs", "Job queue", "console-jobs.png"},
		{"/console/audit", "Audit log", "console-audit.png"},
	} {
		submit(t, ctx, chromedp.Navigate(e.srv.URL+p.path))
		if h := must(t, ctx, chromedp.Text("h1")); h != p.heading {
			t.Errorf("%s: heading %q; want %q", p.path, h, p.heading)
		}
		if shots {
			screenshot(t, ctx, p.shot)
		} else {
			fitsWidth(t, ctx, p.path)
		}
	}
}
