package api_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/botevent"
	"github.com/belfryhq/belfry/console"
	"github.com/belfryhq/belfry/queue"
	"github.com/belfryhq/belfry/webhook"
)

// chimeEvent is an event as a bot reads it, every field Chime sent.
type chimeEvent struct {
	Sender     struct{ SenderId, SenderIdType string }
	Discussion struct {
		DiscussionId, DiscussionType string
	}
	EventType            string
	InboundHttpsEndpoint *struct{ EndpointType, Url string }
	EventTimestamp       string
	Message              *string
	raw                  map[string]any
}

// eventBot is a bot's HTTPS endpoint as the sample bot writes one: it
// checks Chime-Signature with its token (HMAC-SHA256 of the timestamp, a
// "|" and the body, base64), answers the verification challenge, and hands
// every other event it accepts to the test.
type eventBot struct {
	*httptest.Server
	events chan chimeEvent
	mu     sync.Mutex
	token  string
	// status, when not 0, is what the bot answers events with instead of
	// taking them: 503 for a bot that is down.
	status int
	hits   int
}

func (b *eventBot) set(token string, status int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.token, b.status = token, status
}

func (b *eventBot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	b.mu.Lock()
	token, status := b.token, b.status
	b.hits++
	b.mu.Unlock()
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write([]byte(r.Header.Get("Chime-Request-Timestamp") + "|"))
	mac.Write(body)
	if !hmac.Equal([]byte(base64.StdEncoding.EncodeToString(mac.Sum(nil))), []byte(r.Header.Get("Chime-Signature"))) {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var ev chimeEvent
	var verification struct{ EventType, Challenge string }
	if json.Unmarshal(body, &verification) == nil && verification.EventType == "HTTPSEndpointVerification" {
		json.NewEncoder(w).Encode(map[string]string{"Challenge": verification.Challenge})
		return
	}
	if status != 0 {
		http.Error(w, "down", status)
		return
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		http.Error(w, "not an event", http.StatusBadRequest)
		return
	}
	json.Unmarshal(body, &ev.raw)
	b.events <- ev
}

// next waits for the bot's next event.
func (b *eventBot) next(t *testing.T) chimeEvent {
	t.Helper()
	select {
	case ev := <-b.events:
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event reached the bot within 10 s")
		return chimeEvent{}
	}
}

// botEnv is a Belfry with bot event delivery running: the Chime API, the
// incoming webhooks' URLs at its public URL, and the delivery worker, with
// a bot of an Enterprise account whose endpoint it trusts through a CA
// file.
type botEnv struct {
	*env
	bot          *eventBot
	acct, botID  string
	worker       *queue.Worker
	hooks        *httptest.Server
	room, userID string
	userEmail    string
	botToken     string
}

func newBotEnv(t *testing.T) *botEnv {
	t.Helper()
	e := newEnv(t)
	b := &eventBot{events: make(chan chimeEvent, 100)}
	b.Server = httptest.NewTLSServer(b)
	t.Cleanup(b.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: b.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	client, err := botevent.New(botevent.Config{CAFile: ca})
	if err != nil {
		t.Fatal(err)
	}
	e.svc.BotEndpoints = client
	hooks := httptest.NewServer(webhook.New(webhook.Config{Service: e.svc, Rate: 1000, Burst: 1000}))
	t.Cleanup(hooks.Close)
	e.svc.Invitations.PublicURL = hooks.URL
	d := botevent.NewDeliverer(e.svc, client, botevent.DelivererConfig{})
	w := d.Worker(queue.Config{Concurrency: 4, Poll: 50 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	e.svc.BotEvents = w
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	be := &botEnv{env: e, bot: b, worker: w, hooks: hooks}
	be.acct = e.enterprise("corp", "example.com")
	bot := e.bot(be.acct, "Build")
	be.botID, be.botToken = aws.ToString(bot.BotId), aws.ToString(bot.SecurityToken)
	b.set(be.botToken, 0)
	if _, err := e.putEvents(be.acct, be.botID, b.URL+"/events"); err != nil {
		t.Fatalf("PutEventsConfiguration() = %v", err)
	}
	be.room = e.room(be.acct, "Ops")
	be.userEmail = "ana@example.com"
	u := e.user(be.acct, be.userEmail)
	be.userID = aws.ToString(u.UserId)
	if _, err := e.join(be.acct, be.room, be.userID, ""); err != nil {
		t.Fatal(err)
	}
	return be
}

// post posts content in the room as the test's user, as the web app does.
func (be *botEnv) post(content string) *belfry.Message {
	be.t.Helper()
	m, err := be.svc.PostRoomMessage(context.Background(), be.acct, be.room, be.userID, content)
	if err != nil {
		be.t.Fatalf("PostRoomMessage(%q) = %v", content, err)
	}
	return m
}

// reply posts {"Content": content} to url, as the sample bot does, and
// returns the status.
func reply(t *testing.T, url, content string) (int, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"Content": content})
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(answer)
}

// lastMessage returns the room's newest message.
func (be *botEnv) lastMessage() *belfry.Message {
	be.t.Helper()
	h, err := be.svc.History(context.Background(), be.acct, belfry.Thread{RoomID: be.room}, 0, 1)
	if err != nil || len(h) != 1 {
		be.t.Fatalf("History() = %v, %v", h, err)
	}
	return h[0]
}

var eventTimestamp = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

// checkCommon checks the fields every event carries.
func (be *botEnv) checkCommon(ev chimeEvent, typ, sender string) {
	be.t.Helper()
	if ev.EventType != typ || ev.Sender.SenderId != sender || ev.Sender.SenderIdType != "EmailId" ||
		ev.Discussion.DiscussionId != be.room || ev.Discussion.DiscussionType != "Room" ||
		!eventTimestamp.MatchString(ev.EventTimestamp) {
		be.t.Errorf("event = %+v; want a %s from %s in room %s, stamped like 2019-04-04T21:27:52.736Z", ev, typ, sender, be.room)
	}
}

// TestBotEventsReachTheBot walks the private bot demo's flow: the bot is
// added to a room and hears an Invite with its Persistent URL, answers
// through it; is mentioned by alias, e-mail and name and hears each
// Mention with the message and a ShortLived URL, answers through it; is
// removed and hears a Remove, after which its Persistent URL is refused.
// Every event is signed as the bot checks, and each attempt is logged.
func TestBotEventsReachTheBot(t *testing.T) {
	be := newBotEnv(t)
	if _, err := be.join(be.acct, be.room, be.botID, ""); err != nil {
		t.Fatalf("CreateRoomMembership(bot) = %v", err)
	}
	invite := be.bot.next(t)
	be.checkCommon(invite, "Invite", rootARN)
	if invite.InboundHttpsEndpoint == nil || invite.InboundHttpsEndpoint.EndpointType != "Persistent" ||
		!strings.HasPrefix(invite.InboundHttpsEndpoint.Url, be.hooks.URL+"/incomingwebhooks/") || invite.Message != nil {
		t.Fatalf("Invite = %+v; want a Persistent URL under %s/incomingwebhooks/ and no Message", invite, be.hooks.URL)
	}
	var keys []string
	for k := range invite.raw {
		keys = append(keys, k)
	}
	if len(keys) != 5 {
		t.Errorf("Invite has fields %v; want Sender, Discussion, EventType, InboundHttpsEndpoint, EventTimestamp", keys)
	}
	persistent := invite.InboundHttpsEndpoint.Url
	if status, answer := reply(t, persistent, "Hello, welcome to the room"); status != 200 {
		t.Fatalf("reply through the Persistent URL = %d %s; want 200", status, answer)
	}
	if m := be.lastMessage(); m.Sender.ID != be.botID || m.Sender.Type != belfry.MemberBot ||
		m.Sender.Name != "Build (Bot)" || m.Content != "Hello, welcome to the room" {
		t.Errorf("the room's last message = %+v; want the bot's reply, from the bot", m)
	}

	for _, content := range []string{"@Build check-inventory product:Funtainer", "@build-chimebot help",
		"hi @build-chimebot@example.com."} {
		be.post(content)
		ev := be.bot.next(t)
		be.checkCommon(ev, "Mention", be.userEmail)
		if ev.Message == nil || *ev.Message != content || ev.InboundHttpsEndpoint == nil ||
			ev.InboundHttpsEndpoint.EndpointType != "ShortLived" {
			t.Fatalf("Mention = %+v; want Message %q and a ShortLived URL", ev, content)
		}
		if status, answer := reply(t, ev.InboundHttpsEndpoint.Url, "answer to "+content); status != 200 {
			t.Errorf("reply through the ShortLived URL = %d %s; want 200", status, answer)
		}
		if m := be.lastMessage(); m.Sender.ID != be.botID || m.Content != "answer to "+content {
			t.Errorf("the room's last message = %+v; want the bot's answer", m)
		}
	}
	be.post("no mention of @ana here, nor of build")
	be.post("@Build again")
	if ev := be.bot.next(t); ev.EventType != "Mention" || *ev.Message != "@Build again" {
		t.Errorf("next event = %+v; want only the Mention of @Build again (the other post names no bot)", ev)
	}

	if _, err := be.leave(be.acct, be.room, be.botID); err != nil {
		t.Fatal(err)
	}
	remove := be.bot.next(t)
	be.checkCommon(remove, "Remove", rootARN)
	if remove.InboundHttpsEndpoint != nil || remove.Message != nil || len(remove.raw) != 4 {
		t.Errorf("Remove = %v; want Sender, Discussion, EventType and EventTimestamp only", remove.raw)
	}
	if status, answer := reply(t, persistent, "still here?"); status != 403 || !strings.Contains(answer, "no longer a member") {
		t.Errorf("reply of a removed bot = %d %s; want 403 saying it is no longer a member", status, answer)
	}

	waitJobs(t, be, func(log []*belfry.BotDelivery) bool { return len(log) == 6 })
	log, err := be.svc.BotDeliveries(context.Background(), be.acct, be.botID, belfry.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, d := range log {
		if d.Status != 200 || d.Error != "" || d.Attempt != 1 || d.RoomID != be.room {
			t.Errorf("delivery %+v; want a first attempt answered 200", d)
		}
		types = append(types, string(d.Type))
	}
	// The log is in the order attempts were recorded, and the last
	// Mention's may be recorded after the Remove's: compare the events,
	// not their order.
	slices.Sort(types)
	if want := "Invite Mention Mention Mention Mention Remove"; strings.Join(types, " ") != want {
		t.Errorf("delivery log = %v; want %s", types, want)
	}
}

// TestBotEventSignedWithTheToken checks that a bot holding another token
// refuses the event, which then fails for good (a 4xx), logged with the
// bot's 401; and that a regenerated token signs from the next event on.
func TestBotEventSignedWithTheToken(t *testing.T) {
	be := newBotEnv(t)
	be.bot.set("not-the-token", 0)
	if _, err := be.join(be.acct, be.room, be.botID, ""); err != nil {
		t.Fatal(err)
	}
	waitJobs(t, be, func(log []*belfry.BotDelivery) bool { return len(log) == 1 })
	log, _ := be.svc.BotDeliveries(context.Background(), be.acct, be.botID, belfry.Page{})
	if log[0].Status != 401 || !strings.Contains(log[0].Error, "refused the event with status 401") {
		t.Errorf("delivery log = %+v; want the bot's 401, a refusal", log[0])
	}
	jobs, _ := be.svc.ListJobs(context.Background(), belfry.JobFilter{Kind: belfry.KindBotEvent}, belfry.Page{})
	if len(jobs) != 1 || jobs[0].Status != belfry.JobFailed {
		t.Errorf("jobs = %+v; want the Invite failed for good", jobs)
	}
	out, err := be.chime.RegenerateSecurityToken(context.Background(), &chime.RegenerateSecurityTokenInput{
		AccountId: aws.String(be.acct), BotId: aws.String(be.botID)})
	if err != nil {
		t.Fatal(err)
	}
	be.bot.set(aws.ToString(out.Bot.SecurityToken), 0)
	be.post("@Build are you there?")
	if ev := be.bot.next(t); ev.EventType != "Mention" {
		t.Errorf("event = %+v; want the Mention, signed with the new token", ev)
	}
}

// waitJobs waits, on the worker's outcomes, until the bot's delivery log
// satisfies done.
func waitJobs(t *testing.T, be *botEnv, done func([]*belfry.BotDelivery) bool) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		changed := be.worker.Changed()
		log, err := be.svc.BotDeliveries(context.Background(), be.acct, be.botID, belfry.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if done(log) {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("delivery log = %+v; still not what the test waits for after 15 s", log)
		}
	}
}

// TestBotEventsOutlastADownEndpoint checks the schedule: while the bot's
// endpoint answers 503, the Invite is retried after about 200 ms, 400 ms,
// and on, and reaches the bot once it is back; a Mention whose ShortLived
// URL expires while the endpoint is down is dropped, never delivered late.
func TestBotEventsOutlastADownEndpoint(t *testing.T) {
	be := newBotEnv(t)
	be.bot.set(be.botToken, http.StatusServiceUnavailable)
	if _, err := be.join(be.acct, be.room, be.botID, ""); err != nil {
		t.Fatal(err)
	}
	// A Mention posted as if 2 minutes less 600 ms ago: its URL expires
	// 600 ms from now, before the retries after 200 and 400 ms are done.
	real := time.Now
	be.svc.Clock = func() time.Time { return real().Add(-belfry.MentionURLLifetime + 600*time.Millisecond) }
	be.post("@Build this goes stale")
	be.svc.Clock = nil
	waitJobs(t, be, func(log []*belfry.BotDelivery) bool { return len(log) >= 5 })
	be.bot.set(be.botToken, 0)
	if ev := be.bot.next(t); ev.EventType != "Invite" {
		t.Fatalf("event = %+v; want the Invite, delivered once the endpoint is back", ev)
	}
	be.post("@Build fresh")
	if ev := be.bot.next(t); ev.EventType != "Mention" || *ev.Message != "@Build fresh" {
		t.Errorf("event = %+v; want the fresh Mention only: the stale one was dropped", ev)
	}
	// The bot heard the events before their outcomes were recorded.
	waitJobs(t, be, func(log []*belfry.BotDelivery) bool {
		return slices.ContainsFunc(log, func(d *belfry.BotDelivery) bool { return d.Type == belfry.BotInvite && d.Status == 200 })
	})
	log, _ := be.svc.BotDeliveries(context.Background(), be.acct, be.botID, belfry.Page{})
	var invites []*belfry.BotDelivery
	for _, d := range log {
		if d.Type == belfry.BotInvite {
			invites = append(invites, d)
		}
	}
	if len(invites) < 3 || invites[0].Status != 503 || invites[len(invites)-1].Status != 200 {
		t.Fatalf("Invite attempts = %+v; want 503s, then a 200", invites)
	}
	// Chime's schedule: the second attempt about 200 ms after the first,
	// the third about 400 ms after the second (a tenth of jitter).
	gap1, gap2 := invites[1].At.Sub(invites[0].At), invites[2].At.Sub(invites[1].At)
	if gap1 < 170*time.Millisecond || gap1 > time.Second || gap2 < 350*time.Millisecond || gap2 > 1500*time.Millisecond {
		t.Errorf("gaps between attempts = %s, %s; want about 200 ms, then 400 ms", gap1, gap2)
	}
	checkDeliveryOrder(t, be)
	jobs, _ := be.svc.ListJobs(context.Background(), belfry.JobFilter{Kind: belfry.KindBotEvent, Statuses: []belfry.JobStatus{belfry.JobFailed, belfry.JobCancelled}}, belfry.Page{})
	if len(jobs) != 1 {
		t.Errorf("failed or cancelled jobs = %+v; want the stale Mention alone", jobs)
	}
}

// TestBotReplyRefused checks each reply an events URL must refuse, with a
// clear 4xx and nothing posted: a missing, wrong or tampered token, a
// ShortLived URL past its 2 minutes, a disabled bot, a body too large or
// not JSON; and that markup a bot sends is rendered inert.
func TestBotReplyRefused(t *testing.T) {
	be := newBotEnv(t)
	if _, err := be.join(be.acct, be.room, be.botID, ""); err != nil {
		t.Fatal(err)
	}
	persistent := be.bot.next(t).InboundHttpsEndpoint.Url
	real := time.Now
	be.svc.Clock = func() time.Time { return real().Add(-belfry.MentionURLLifetime - time.Second) }
	be.post("@Build late")
	be.svc.Clock = nil
	// The stale Mention is never delivered; its URL is made here as the
	// event would have carried it.
	jobs, _ := be.svc.ListJobs(context.Background(), belfry.JobFilter{Kind: belfry.KindBotEvent}, belfry.Page{})
	var ev *belfry.BotEvent
	for _, j := range jobs {
		if e, _ := belfry.BotEventOf(j); e != nil && e.Type == belfry.BotMention {
			ev = e
		}
	}
	if ev == nil {
		t.Fatalf("jobs = %+v; want the stale Mention among them", jobs)
	}
	expired, err := be.svc.BotReplyURL(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	base, _, _ := strings.Cut(persistent, "?")
	before := be.lastMessage()
	for _, tc := range []struct {
		name, url, body string
		status          int
		says            string
	}{
		{"no token", base, `{"Content":"x"}`, 403, "not valid"},
		{"wrong token", base + "?token=p" + strings.Repeat("0", 64), `{"Content":"x"}`, 403, "not valid"},
		{"another room", strings.Replace(persistent, be.room, be.acct, 1), `{"Content":"x"}`, 403, "not valid"},
		{"stretched expiry", strings.Replace(expired, "token=s", "token=s9", 1), `{"Content":"x"}`, 403, "not valid"},
		{"expired", expired, `{"Content":"x"}`, 403, "expired"},
		{"bad path", be.hooks.URL + "/incomingwebhooks/bots/x/y?token=p", `{"Content":"x"}`, 404, "ACCOUNT/BOT/ROOM"},
		{"not JSON", persistent, `Content=x`, 400, "JSON object"},
		{"blank", persistent, `{"Content":"  "}`, 400, "blank"},
		{"too long", persistent, `{"Content":"` + strings.Repeat("a", belfry.MaxMessageLength+1) + `"}`, 413, "at most 4096"},
		{"too large", persistent, `{"Content":"` + strings.Repeat("a", webhook.MaxBody) + `"}`, 413, "64 KiB"},
	} {
		resp, err := http.Post(tc.url, "application/json", strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(answer), tc.says) {
			t.Errorf("%s: %d %s; want %d saying %q", tc.name, resp.StatusCode, answer, tc.status, tc.says)
		}
	}
	if after := be.lastMessage(); after.ID != before.ID {
		t.Errorf("a refused reply posted %+v", after)
	}

	if status, _ := reply(t, persistent, "<script>alert(1)</script>\n\n**ok** <img src=x onerror=alert(2)>"); status != 200 {
		t.Fatalf("reply with markup = %d; want 200, the markup kept as text to render inert", status)
	}
	html := string(console.NewMarkdown().Render(be.lastMessage().Content))
	if strings.Contains(html, "<script") || strings.Contains(html, "onerror") || !strings.Contains(html, "<strong>ok</strong>") {
		t.Errorf("the bot's reply renders as %s; want its markup inert and its markdown kept", html)
	}

	_, err = be.chime.UpdateBot(context.Background(), &chime.UpdateBotInput{AccountId: aws.String(be.acct), BotId: aws.String(be.botID), Disabled: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if status, answer := reply(t, persistent, "x"); status != 403 || !strings.Contains(answer, "disabled") {
		t.Errorf("reply of a disabled bot = %d %s; want 403 saying it is disabled", status, answer)
	}
	be.post("@Build help")
	if m := be.lastMessage(); m.Sender.ID != be.botID || !strings.Contains(m.Content, "is disabled") {
		t.Errorf("after mentioning a disabled bot the room's last message = %+v; want its notice", m)
	}
}

// TestBotEventsOfBatchAndRoomDeletion checks that a bot added in a batch
// hears an Invite, and one whose room is deleted hears a Remove; a
// disabled bot hears neither.
func TestBotEventsOfBatchAndRoomDeletion(t *testing.T) {
	be := newBotEnv(t)
	out, err := be.batchJoin(be.acct, be.room, item(&be.botID, ""), item(aws.String("no-such-member"), ""))
	if err != nil || len(out.Errors) != 1 {
		t.Fatalf("BatchCreateRoomMembership() = %+v, %v; want the bot in and one error", out, err)
	}
	be.checkCommon(be.bot.next(t), "Invite", rootARN)
	if _, err := be.chime.DeleteRoom(context.Background(), &chime.DeleteRoomInput{AccountId: aws.String(be.acct), RoomId: aws.String(be.room)}); err != nil {
		t.Fatal(err)
	}
	be.checkCommon(be.bot.next(t), "Remove", rootARN)
	waitJobs(t, be, func(log []*belfry.BotDelivery) bool { return len(log) == 2 })
	jobs, _ := be.svc.ListJobs(context.Background(), belfry.JobFilter{Kind: belfry.KindBotEvent, Statuses: []belfry.JobStatus{belfry.JobDone}}, belfry.Page{})
	if len(jobs) != 2 {
		t.Errorf("done jobs = %d; want the Invite and the Remove only", len(jobs))
	}
}

// TestBotReplyRateLimited checks that a bot's reply URL shares the
// incoming webhooks' limit: past its burst, 429 with Retry-After.
func TestBotReplyRateLimited(t *testing.T) {
	be := newBotEnv(t)
	if _, err := be.join(be.acct, be.room, be.botID, ""); err != nil {
		t.Fatal(err)
	}
	persistent := be.bot.next(t).InboundHttpsEndpoint.Url
	strict := httptest.NewServer(webhook.New(webhook.Config{Service: be.svc, Rate: 0.001, Burst: 1}))
	defer strict.Close()
	url := strings.Replace(persistent, be.hooks.URL, strict.URL, 1)
	if status, answer := reply(t, url, "first"); status != 200 {
		t.Fatalf("first reply = %d %s; want 200", status, answer)
	}
	resp, err := http.Post(url, "application/json", strings.NewReader(`{"Content":"second"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("second reply = %d, Retry-After %q; want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

// checkDeliveryOrder reads the bot's delivery log through the operator
// route, as `belfry bots deliveries` does, both ways: oldest first, and
// with order=newest the same attempts newest first, the newest being the
// log's last; an unknown order is a 400.
func checkDeliveryOrder(t *testing.T, be *botEnv) {
	t.Helper()
	// The log stops growing once the fresh Mention's 200 is in it.
	waitJobs(t, be, func(log []*belfry.BotDelivery) bool {
		return slices.ContainsFunc(log, func(d *belfry.BotDelivery) bool { return d.Type == belfry.BotMention && d.Status == 200 })
	})
	route := "/_belfry/bot-deliveries?account-id=" + be.acct + "&bot-id=" + be.botID
	read := func(path string) []string {
		var out struct {
			Deliveries []struct {
				EventId   string
				Attempt   int
				EventType string
			}
		}
		decodeJSON(t, be.operator("GET", path, "", http.StatusOK), &out)
		var ids []string
		for _, d := range out.Deliveries {
			ids = append(ids, fmt.Sprintf("%s/%s#%d", d.EventType, d.EventId, d.Attempt))
		}
		return ids
	}
	oldest, newest := read(route), read(route+"&order=newest")
	if len(oldest) < 4 {
		t.Fatalf("the operator route lists %d attempts; want the 503s and the 200 at least", len(oldest))
	}
	slices.Reverse(newest)
	if !slices.Equal(oldest, newest) {
		t.Errorf("order=newest listed\n%v\nwant the oldest-first listing reversed:\n%v", newest, oldest)
	}
	be.operator("GET", route+"&order=sideways", "", http.StatusBadRequest)
}
