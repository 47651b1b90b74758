package main

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/belfryhq/belfry/internal/browsertest"
	"github.com/chromedp/chromedp"
)

// TestMentionBotInBrowser is the bot demo as a person sees it: a member of
// an Enterprise account, signed in to the built binary's web app in
// headless Chromium, writes "@myBot ping" in a room the bot is in; the bot,
// a real HTTPS server trusted through BELFRY_CA_FILE, hears the Mention and
// replies through the ShortLived URL it carries, and the reply appears on
// the member's page, from "myBot (Bot)", without a reload. The bot replies
// only once the member's page has loaded after her post, so that the reply
// can reach the page only live.
func TestMentionBotInBrowser(t *testing.T) {
	t.Parallel()
	bot, ca := startDemoBot(t, "pong from myBot")
	addr := freeAddr(t)
	p := startBelfry(t, startOptions{Addr: addr, ExtraEnv: []string{"BELFRY_CA_FILE=" + ca, "BELFRY_PUBLIC_URL=http://" + addr}})
	ctx, c := ctxT(t), p.sdk(rootKeyID, rootSecret)
	a, err := c.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("Demo")})
	if err != nil {
		t.Fatal(err)
	}
	account := a.Account.AccountId
	p.claim(*account, "example.com", "EnterpriseLWA")
	u, err := c.CreateUser(ctx, &chime.CreateUserInput{AccountId: account, Email: aws.String("ana@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.CreateBot(ctx, &chime.CreateBotInput{AccountId: account, DisplayName: aws.String("myBot"), Domain: aws.String("example.com")})
	if err != nil {
		t.Fatal(err)
	}
	botID := b.Bot.BotId
	bot.set(aws.ToString(b.Bot.SecurityToken), false)
	_, err = c.PutEventsConfiguration(ctx, &chime.PutEventsConfigurationInput{AccountId: account, BotId: botID,
		OutboundEventsHTTPSEndpoint: aws.String(bot.URL + "/chime")})
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.CreateRoom(ctx, &chime.CreateRoomInput{AccountId: account, Name: aws.String("Demo room")})
	if err != nil {
		t.Fatal(err)
	}
	roomID := r.Room.RoomId
	for _, member := range []*string{u.User.UserId, botID} {
		if _, err := c.CreateRoomMembership(ctx, &chime.CreateRoomMembershipInput{AccountId: account, RoomId: roomID, MemberId: member}); err != nil {
			t.Fatal(err)
		}
	}
	bot.next(t, "Invite")

	page := browsertest.Live(t)
	err = chromedp.Do(page, chromedp.Navigate(p.URL+"/"), chromedp.WaitVisible("#email"))
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Submit(t, page, chromedp.SendKeys("#email", "ana@example.com"), chromedp.Click("button[type=submit]"))
	browsertest.Submit(t, page, chromedp.Navigate(signInLink(t, p, "ana@example.com")))
	browsertest.Submit(t, page, chromedp.Click("button[type=submit]"))
	browsertest.Submit(t, page, chromedp.Navigate(p.URL+"/rooms/"+*roomID))
	browsertest.Submit(t, page, chromedp.SendKeys("#content", "@myBot ping"), chromedp.Click("form button[type=submit]"))
	browsertest.WaitText(t, page, "#messages", "@myBot ping")
	// A marker that a reload would wipe out.
	browsertest.Must(t, page, chromedp.Evaluate[bool](`window.stayed = true`))

	mention := bot.next(t, "Mention")
	endpoint, _ := mention["InboundHttpsEndpoint"].(map[string]any)
	if mention["Message"] != "@myBot ping" || endpoint["EndpointType"] != "ShortLived" {
		t.Errorf("Mention = %v; want the message and a ShortLived URL", mention)
	}
	close(bot.release)
	select {
	case err := <-bot.replied:
		if err != nil {
			t.Fatalf("the bot's reply: %v", err)
		}
	case <-time.After(readyTimeout):
		t.Fatalf("the bot did not reply within %s", readyTimeout)
	}
	browsertest.WaitText(t, page, "#messages", "pong from myBot")
	last := `document.querySelector("#messages li:last-of-type `
	sender := browsertest.Must(t, page, chromedp.Evaluate[string](last+`.sender").textContent`))
	content := browsertest.Must(t, page, chromedp.Evaluate[string](last+`.content").textContent`))
	stayed := browsertest.Must(t, page, chromedp.Evaluate[bool](`window.stayed === true`))
	if sender != "myBot (Bot)" || strings.TrimSpace(content) != "pong from myBot" || !stayed {
		t.Errorf("the page's last message is %q from %q, page not reloaded %v; want the bot's reply, from myBot (Bot), live",
			content, sender, stayed)
	}
	lines := exportLines(t, p.mustOperator("messages", "export", *account, "--room", *roomID))
	if n := len(lines); n != 2 || lines[1].Sender.Id != *botID || lines[1].Sender.Type != "Bot" || lines[1].Content != "pong from myBot" {
		t.Errorf("export = %+v; want Ana's mention, then the reply from bot %s", lines, *botID)
	}
}
