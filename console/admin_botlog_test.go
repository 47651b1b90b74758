package console_test

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/botevent"
	"github.com/belfryhq/belfry/internal/lambdatest"
	"github.com/belfryhq/belfry/queue"
)

// deliverBotEvents runs a bot event worker for e's Belfry, delivering
// through the client that botEndpoint set, and returns it.
func (e *adminEnv) deliverBotEvents() *queue.Worker {
	e.t.Helper()
	d := botevent.NewDeliverer(e.svc, e.svc.BotEndpoints.(*botevent.Client), botevent.DelivererConfig{})
	w := d.Worker(queue.Config{Concurrency: 2, Poll: 50 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	e.svc.BotEvents = w
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	e.t.Cleanup(func() { cancel(); <-done })
	return w
}

// waitDeliveries waits, on w's outcomes, until bot botID of account
// acct has done's attempts in its delivery log, and returns them, oldest
// first.
func (e *adminEnv) waitDeliveries(w *queue.Worker, acct, botID string, done func([]*belfry.BotDelivery) bool) []*belfry.BotDelivery {
	e.t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		changed := w.Changed()
		log, err := e.svc.BotDeliveries(as(e.root), acct, botID, belfry.Page{})
		if err != nil {
			e.t.Fatal(err)
		}
		if done(log) {
			return log
		}
		select {
		case <-changed:
		case <-deadline:
			e.t.Fatalf("delivery log = %+v; still not what the test waits for after 15 s", log)
		}
	}
}

// TestConsoleBotDeliveryLog checks the bot page's delivery log after real
// deliveries: an Invite delivered to the bot's HTTPS endpoint, then a
// Remove that Lambda refuses with markup in its message, shown
// newest first with time, event, room, attempt, outcome, duration and the
// error escaped; the before cursor pages to older attempts; and another
// AWS account's key sees none of it.
func TestConsoleBotDeliveryLog(t *testing.T) {
	e := newAdminEnv(t)
	acct := e.enterprise(e.root, "Corp", "example.com")
	bot, err := e.svc.CreateBot(as(e.root), acct.ID, "Build", "example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.PutEventsConfiguration(as(e.root), acct.ID, bot.ID, e.botEndpoint(), ""); err != nil {
		t.Fatal(err)
	}
	w := e.deliverBotEvents()
	c := e.signIn(e.root)
	path := "/console/accounts/" + acct.ID + "/bots/" + bot.ID
	if page := e.page(c, path); !strings.Contains(page, `id="nodeliveries"`) || strings.Contains(page, `id="deliverylog"`) {
		t.Errorf("bot page before any event:\n%s\nwant it to say no events were delivered yet", page)
	}

	room, err := e.svc.CreateRoom(as(e.root), acct.ID, "Ops", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CreateRoomMembership(as(e.root), acct.ID, room.ID, bot.ID, belfry.RoleMember); err != nil {
		t.Fatal(err)
	}
	e.waitDeliveries(w, acct.ID, bot.ID, func(log []*belfry.BotDelivery) bool { return len(log) == 1 })

	fns := lambdatest.New(t)
	l, err := botevent.NewLambda(context.Background(), botevent.LambdaConfig{Endpoint: fns.URL,
		Credentials: credentials.NewStaticCredentialsProvider(fns.KeyID, fns.Secret, "")})
	if err != nil {
		t.Fatal(err)
	}
	e.svc.BotLambda = l
	const arn = "arn:aws:lambda:us-east-1:111122223333:function:build-bot"
	// Lambda lets the dry run through, then refuses the event with
	// markup in its message, which the SDK hands back unescaped.
	refuse := lambdatest.Refuse(http.StatusForbidden, "AccessDeniedException", `<script>alert("x")</script> not authorized`)
	fns.Function(arn, func(inv lambdatest.Invocation) ([]byte, error) {
		if inv.Type == "DryRun" {
			return nil, nil
		}
		return refuse(inv)
	})
	if _, err := e.svc.PutEventsConfiguration(as(e.root), acct.ID, bot.ID, "", arn); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.DeleteRoomMembership(as(e.root), acct.ID, room.ID, bot.ID); err != nil {
		t.Fatal(err)
	}
	log := e.waitDeliveries(w, acct.ID, bot.ID, func(log []*belfry.BotDelivery) bool { return len(log) >= 2 })
	invite, remove := log[0], log[1]
	if !strings.Contains(remove.Error, `<script>alert("x")</script>`) {
		t.Fatalf("the Remove's attempt = %+v; want Lambda's message, markup and all, for the page to escape", remove)
	}

	page := e.page(c, path)
	list := page[strings.Index(page, `id="deliverylog"`)+1:]
	for _, want := range []string{
		"Remove", "Invite", "delivered, 200", "failed", "attempt 1", room.ID, "/console/accounts/" + acct.ID + "/rooms/" + room.ID,
		invite.At.UTC().Format("2006-01-02 15:04:05.000 UTC"), remove.At.UTC().Format("2006-01-02 15:04:05.000 UTC"),
		invite.Duration.Round(time.Millisecond).String(),
		"403 AccessDeniedException", "&lt;script&gt;alert(",
	} {
		if !strings.Contains(list, want) {
			t.Errorf("the delivery log on the bot page lacks %q:\n%s", want, list)
		}
	}
	if strings.Contains(page, "<script>alert") {
		t.Errorf("the function's error reached the page as markup:\n%s", page)
	}
	if r, i := strings.Index(list, "Remove"), strings.Index(list, "Invite"); r < 0 || i < r {
		t.Errorf("the Remove (newest) shows at %d, the Invite at %d; want the newest first", r, i)
	}

	older := e.page(c, path+"?before="+strconv.FormatInt(remove.Seq, 10))
	if !strings.Contains(older, "Invite") || strings.Contains(older, "Remove") || strings.Contains(older, "AccessDenied") {
		t.Errorf("the page of attempts before the Remove:\n%s\nwant the Invite alone", older)
	}
	for _, bad := range []string{"-1", "x", "99999999999999999999999"} {
		if status, page, _ := fetch(t, c, "GET", e.srv.URL+path+"?before="+bad, nil); status != http.StatusOK || !strings.Contains(page, "Remove") {
			t.Errorf("before=%s = %d; want 200 showing the newest attempts", bad, status)
		}
	}

	tenant := e.signIn(e.other)
	status, other, _ := fetch(t, tenant, "GET", e.srv.URL+path, nil)
	if status != http.StatusNotFound || strings.Contains(other, "deliverylog") || strings.Contains(other, room.ID) ||
		strings.Contains(other, "AccessDenied") {
		t.Errorf("another AWS account's key GET the bot page = %d:\n%s\nwant 404 and no delivery log", status, other)
	}
}
