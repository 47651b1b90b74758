package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/botevent"
	"github.com/belfryhq/belfry/internal/lambdatest"
)

// lambdaBot is a bot's Lambda function as a bot written for Chime's
// Lambda delivery reads its events: the event is the payload, and the
// signature and timestamp come in the ClientContext, under "custom" (as
// the Go, Python and Java runtimes pass it on) and at its top level (as
// Node.js reads it). It fails the first fail invocations, then hands the
// events to the test.
type lambdaBot struct {
	mu     sync.Mutex
	fail   int
	events chan lambdaEvent
}

// lambdaEvent is an event a function was invoked with, and whether its
// ClientContext signs it with the bot's token.
type lambdaEvent struct {
	chimeEvent
	signed, signedTop bool
}

func (b *lambdaBot) run(token string) lambdatest.Func {
	return func(inv lambdatest.Invocation) ([]byte, error) {
		if inv.Type == "DryRun" {
			return nil, nil
		}
		b.mu.Lock()
		fail := b.fail > 0
		b.fail--
		b.mu.Unlock()
		if fail {
			return nil, errors.New("the bot's database is down")
		}
		var cc struct {
			Signature string            `json:"Chime-Signature"`
			Timestamp string            `json:"Chime-Request-Timestamp"`
			Custom    map[string]string `json:"custom"`
		}
		var ev lambdaEvent
		if err := json.Unmarshal(inv.ClientContext, &cc); err == nil {
			ev.signed = cc.Custom["Chime-Signature"] != "" && eventTimestamp.MatchString(cc.Custom["Chime-Request-Timestamp"]) &&
				cc.Custom["Chime-Signature"] == botevent.Sign(token, cc.Custom["Chime-Request-Timestamp"], inv.Payload)
			ev.signedTop = cc.Signature == cc.Custom["Chime-Signature"] && cc.Timestamp == cc.Custom["Chime-Request-Timestamp"]
		}
		if err := json.Unmarshal(inv.Payload, &ev.chimeEvent); err != nil {
			return nil, err
		}
		json.Unmarshal(inv.Payload, &ev.raw)
		b.events <- ev
		return []byte(`{"ok":true}`), nil
	}
}

// newLambdaBotEnv is newBotEnv with Lambda delivery enabled and the bot's
// events going to the Lambda function arn, which fn runs, instead of its
// HTTPS endpoint.
func newLambdaBotEnv(t *testing.T, arn string, fn *lambdaBot) (*botEnv, *lambdatest.Server) {
	t.Helper()
	be := newBotEnv(t)
	fns := be.lambda()
	fns.Function(arn, fn.run(be.botToken))
	if _, err := be.putLambda(be.acct, be.botID, arn); err != nil {
		t.Fatalf("PutEventsConfiguration(Lambda) = %v", err)
	}
	return be, fns
}

// TestBotEventsReachALambdaFunction checks that a bot whose events go to a
// Lambda function hears its Invite when added to a room: the function is
// invoked synchronously with the event as its payload, signed with the
// bot's token in the ClientContext; a function error is retried on the
// schedule and the event delivered once the function works, every attempt
// in the delivery log; the HTTPS endpoint the bot had before hears
// nothing; and the Persistent URL the event carries posts as the bot.
func TestBotEventsReachALambdaFunction(t *testing.T) {
	const arn = "arn:aws:lambda:eu-west-1:111122223333:function:build-bot"
	fn := &lambdaBot{fail: 2, events: make(chan lambdaEvent, 10)}
	be, fns := newLambdaBotEnv(t, arn, fn)
	if _, err := be.join(be.acct, be.room, be.botID, ""); err != nil {
		t.Fatalf("CreateRoomMembership(bot) = %v", err)
	}
	var ev lambdaEvent
	select {
	case ev = <-fn.events:
	case <-be.bot.events:
		t.Fatal("the Invite went to the bot's old HTTPS endpoint")
	case <-time.After(10 * time.Second):
		t.Fatalf("no event reached the function; Lambda saw %+v", fns.Invocations())
	}
	be.checkCommon(ev.chimeEvent, "Invite", rootARN)
	if !ev.signed || !ev.signedTop {
		t.Errorf("the Invite's ClientContext signs it (custom %v, top level %v); want both signed with the bot's token", ev.signed, ev.signedTop)
	}
	if ev.InboundHttpsEndpoint == nil || ev.InboundHttpsEndpoint.EndpointType != "Persistent" || len(ev.raw) != 5 {
		t.Fatalf("Invite = %v; want Chime's five fields with a Persistent URL", ev.raw)
	}
	if status, answer := reply(t, ev.InboundHttpsEndpoint.Url, "deployed from Lambda"); status != 200 {
		t.Fatalf("reply through the Persistent URL = %d %s; want 200", status, answer)
	}
	if m := be.lastMessage(); m.Sender.ID != be.botID || m.Content != "deployed from Lambda" {
		t.Errorf("the room's last message = %+v; want the function's reply, from the bot", m)
	}

	waitJobs(t, be, func(log []*belfry.BotDelivery) bool {
		return len(log) > 0 && log[len(log)-1].Status == 200
	})
	log, err := be.svc.BotDeliveries(context.Background(), be.acct, be.botID, belfry.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 3 {
		t.Fatalf("delivery log = %+v; want two failed attempts and a delivered one", log)
	}
	for i, d := range log {
		if d.Attempt != i+1 || d.Type != belfry.BotInvite || d.RoomID != be.room || d.EventID != log[0].EventID {
			t.Errorf("attempt %d = %+v; want attempt %d at the same Invite in room %s", i, d, i+1, be.room)
		}
	}
	for _, d := range log[:2] {
		if d.Status != 0 || !strings.Contains(d.Error, arn) || !strings.Contains(d.Error, "the function failed (Unhandled)") ||
			!strings.Contains(d.Error, "the bot's database is down") {
			t.Errorf("failed attempt = %+v; want the function's error, naming %s", d, arn)
		}
	}
	if d := log[2]; d.Status != 200 || d.Error != "" {
		t.Errorf("last attempt = %+v; want delivered", d)
	}
	if gap := log[1].At.Sub(log[0].At); gap < belfry.BotRetryFirst*8/10 {
		t.Errorf("second attempt %s after the first; want the schedule's %s", gap, belfry.BotRetryFirst)
	}
	var invokes []lambdatest.Invocation
	for _, inv := range fns.Invocations() {
		if inv.Type != "DryRun" {
			invokes = append(invokes, inv)
		}
	}
	if len(invokes) != 3 || invokes[2].Type != "RequestResponse" || invokes[2].FunctionName != arn ||
		invokes[2].Region != "eu-west-1" || invokes[2].AccessKeyID != fns.KeyID {
		t.Errorf("Lambda saw %+v; want three RequestResponse invocations of %s in eu-west-1, signed", invokes, arn)
	}
	jobs, _ := be.svc.ListJobs(context.Background(), belfry.JobFilter{Kind: belfry.KindBotEvent}, belfry.Page{})
	if len(jobs) != 1 || jobs[0].Status != belfry.JobDone {
		t.Errorf("jobs = %+v; want the Invite done", jobs)
	}
	be.bot.mu.Lock()
	hits := be.bot.hits
	be.bot.mu.Unlock()
	if hits != 1 {
		t.Errorf("the old HTTPS endpoint was reached %d times; want once, for its verification", hits)
	}
}

// TestBotEventLambdaTurnedOff checks that an event for a Lambda function,
// queued or due after Lambda delivery is turned off, is not delivered:
// its job fails for good with a reason naming the setting to turn it on,
// which the delivery log shows too, and the function is not invoked.
func TestBotEventLambdaTurnedOff(t *testing.T) {
	const arn = "arn:aws:lambda:us-east-1:111122223333:function:build-bot"
	fn := &lambdaBot{events: make(chan lambdaEvent, 10)}
	be, fns := newLambdaBotEnv(t, arn, fn)
	be.svc.BotLambda = nil
	if _, err := be.join(be.acct, be.room, be.botID, ""); err != nil {
		t.Fatalf("CreateRoomMembership(bot) = %v", err)
	}
	waitJobs(t, be, func(log []*belfry.BotDelivery) bool { return len(log) == 1 })
	log, _ := be.svc.BotDeliveries(context.Background(), be.acct, be.botID, belfry.Page{})
	if !strings.Contains(log[0].Error, "BELFRY_LAMBDA_DELIVERY") || log[0].Status != 0 {
		t.Errorf("delivery log = %+v; want the attempt refused, naming BELFRY_LAMBDA_DELIVERY", log[0])
	}
	jobs, _ := be.svc.ListJobs(context.Background(), belfry.JobFilter{Kind: belfry.KindBotEvent}, belfry.Page{})
	if len(jobs) != 1 || jobs[0].Status != belfry.JobFailed || !strings.Contains(jobs[0].LastError, "BELFRY_LAMBDA_DELIVERY") {
		t.Errorf("jobs = %+v; want the Invite failed for good, naming BELFRY_LAMBDA_DELIVERY", jobs)
	}
	for _, inv := range fns.Invocations() {
		if inv.Type != "DryRun" {
			t.Errorf("Lambda saw %+v after delivery was turned off", inv)
		}
	}
}
