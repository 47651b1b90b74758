package console_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/console"
)

// enterprise makes the test account an Enterprise one, which rooms need.
func (e *env) enterprise() {
	e.t.Helper()
	if _, err := e.svc.ClaimDomain(e.ctx(), e.team.ID, "example.com", belfry.EnterpriseLWA); err != nil {
		e.t.Fatal(err)
	}
}

// member invites address and accepts as name, and returns the user and a
// client signed in as them.
func (e *env) member(address, name string) (*belfry.User, *http.Client) {
	e.t.Helper()
	link, u := e.invite(address)
	c := browserless(e.t)
	if status, _, _ := fetch(e.t, c, "POST", link, acceptForm(e.t, c, link, name)); status != http.StatusSeeOther {
		e.t.Fatalf("accepting %s's invitation = %d", address, status)
	}
	return e.user(u.ID), c
}

// room makes a room named name with users as members, the first its
// administrator.
func (e *env) room(name string, users ...*belfry.User) *belfry.Room {
	e.t.Helper()
	r, err := e.svc.CreateRoom(e.ctx(), e.team.ID, name, "")
	if err != nil {
		e.t.Fatal(err)
	}
	for i, u := range users {
		role := belfry.RoleMember
		if i == 0 {
			role = belfry.RoleAdministrator
		}
		if _, err := e.svc.CreateRoomMembership(e.ctx(), e.team.ID, r.ID, u.ID, role); err != nil {
			e.t.Fatal(err)
		}
	}
	return r
}

// history returns the contents of a thread's stored messages, oldest first.
func (e *env) history(t belfry.Thread) []string {
	e.t.Helper()
	msgs, err := e.svc.History(context.Background(), e.team.ID, t, 0, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, m := range msgs {
		out = append(out, m.Content)
	}
	return out
}

// formOf returns the CSRF token of the form on page link.
func formOf(t *testing.T, c *http.Client, link string) string {
	t.Helper()
	status, page, _ := fetch(t, c, "GET", link, nil)
	m := csrfInput.FindStringSubmatch(page)
	if status != http.StatusOK || m == nil {
		t.Fatalf("GET %s = %d without a CSRF field; page:\n%s", link, status, page)
	}
	return m[1]
}

func TestWriteAndReadRoom(t *testing.T) {
	e := newEnv(t)
	ana, c := e.member("ana@example.com", "Ana <b>Silva</b>")
	bo, _ := e.member("bo@example.com", "Bo")
	_, boc := e.member("cy@example.com", "Cy")
	e.enterprise()
	r := e.room(`Ops <script>alert(1)</script>`, ana, bo)
	status, home, _ := fetch(t, c, "GET", e.srv.URL+"/welcome", nil)
	if status != 200 || !strings.Contains(home, `href="/rooms/`+r.ID+`"`) || !strings.Contains(home, "Ops &lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatalf("GET /welcome = %d; want the room listed, its name as text:\n%s", status, home)
	}
	page := e.srv.URL + "/rooms/" + r.ID
	form := url.Values{"csrf": {formOf(t, c, page)}, "content": {"Hi @bo, see **this** <img src=x onerror=alert(1)><script>alert(2)</script>"}}
	status, _, resp := fetch(t, c, "POST", page+"/messages", form)
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/rooms/"+r.ID {
		t.Fatalf("POST a message = %d to %q; want 303 back to the room", status, resp.Header.Get("Location"))
	}
	_, view, _ := fetch(t, c, "GET", page, nil)
	for _, want := range []string{"<strong>this</strong>", "Ana &lt;b&gt;Silva&lt;/b&gt;"} {
		if !strings.Contains(view, want) {
			t.Errorf("the room page lacks %q:\n%s", want, view)
		}
	}
	for _, bad := range []string{"<script>alert", "onerror", "<b>Silva"} {
		if strings.Contains(view, bad) {
			t.Errorf("the room page holds %q as markup:\n%s", bad, view)
		}
	}
	if status, _, _ := fetch(t, boc, "GET", page, nil); status != http.StatusNotFound {
		t.Errorf("a non-member's GET of the room = %d; want 404", status)
	}
}

func TestMentionAndRedaction(t *testing.T) {
	e := newEnv(t)
	ana, _ := e.member("ana@example.com", "Ana")
	bo, boc := e.member("bo@example.com", "Bo")
	e.enterprise()
	r := e.room("Ops", ana, bo)
	hi, _ := e.svc.PostRoomMessage(e.ctx(), e.team.ID, r.ID, ana.ID, "hello @bo")
	secret, _ := e.svc.PostRoomMessage(e.ctx(), e.team.ID, r.ID, ana.ID, "the password is hunter2")
	if err := e.svc.RedactRoomMessage(e.ctx(), e.team.ID, r.ID, secret.ID); err != nil {
		t.Fatal(err)
	}
	_, view, _ := fetch(t, boc, "GET", e.srv.URL+"/rooms/"+r.ID, nil)
	if !regexp.MustCompile(`id="m-` + hi.ID + `" class="message mentioned"`).MatchString(view) {
		t.Errorf("the message mentioning Bo is not marked on Bo's page:\n%s", view)
	}
	if strings.Contains(view, "hunter2") || !strings.Contains(view, "message redacted") {
		t.Errorf("the redacted message is not shown as redacted:\n%s", view)
	}
}

func TestHistoryPages(t *testing.T) {
	e := newEnv(t)
	ana, c := e.member("ana@example.com", "Ana")
	e.enterprise()
	r := e.room("Ops", ana)
	for i := range 55 {
		if _, err := e.svc.PostRoomMessage(e.ctx(), e.team.ID, r.ID, ana.ID, "message "+string(rune('A'+i%26))+strings.Repeat("!", i)); err != nil {
			t.Fatal(err)
		}
	}
	_, latest, _ := fetch(t, c, "GET", e.srv.URL+"/rooms/"+r.ID, nil)
	older := regexp.MustCompile(`href="(/rooms/[^"]+\?before=\d+)"`).FindStringSubmatch(latest)
	if older == nil || strings.Count(latest, `<li id="m-`) != 50 || !strings.Contains(latest, strings.Repeat("!", 54)) {
		t.Fatalf("the latest page: %d messages, older link %v; want the 50 latest and a link to older ones", strings.Count(latest, `<li id="m-`), older)
	}
	_, before, _ := fetch(t, c, "GET", e.srv.URL+older[1], nil)
	if n := strings.Count(before, `<li id="m-`); n != 5 || strings.Contains(before, strings.Repeat("!", 5)) {
		t.Errorf("the older page has %d messages; want the first 5", n)
	}
}

func TestFormProblems(t *testing.T) {
	e := newEnv(t)
	ana, c := e.member("ana@example.com", "Ana")
	_, other := e.member("bo@example.com", "Bo")
	e.enterprise()
	r := e.room("Ops", ana)
	page := e.srv.URL + "/rooms/" + r.ID
	token := formOf(t, c, page)
	for _, tc := range []struct {
		name   string
		form   url.Values
		header map[string]string
		status int
	}{
		{"no token", url.Values{"content": {"forged"}}, nil, http.StatusForbidden},
		{"wrong token", url.Values{"content": {"forged"}, "csrf": {token[:len(token)-2] + "xx"}}, nil, http.StatusForbidden},
		{"foreign origin", url.Values{"content": {"forged"}, "csrf": {token}}, map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"too long", url.Values{"content": {strings.Repeat("a", belfry.MaxMessageLength+1)}, "csrf": {token}}, nil, http.StatusBadRequest},
		{"blank", url.Values{"content": {"   "}, "csrf": {token}}, nil, http.StatusBadRequest},
		{"oversized body", url.Values{"content": {strings.Repeat("a", 70<<10)}, "csrf": {token}}, nil, http.StatusRequestEntityTooLarge},
	} {
		status, body := post(t, c, page+"/messages", tc.form, tc.header)
		if status != tc.status || strings.Contains(body, "goroutine") {
			t.Errorf("%s: POST = %d; want %d:\n%s", tc.name, status, tc.status, body)
		}
	}
	if got := e.history(belfry.Thread{RoomID: r.ID}); len(got) != 0 {
		t.Errorf("after refused forms the room holds %q; want nothing", got)
	}
	if status, _ := post(t, other, e.srv.URL+"/conversations", url.Values{"email": {"ana@example.com"}}, nil); status != http.StatusForbidden {
		t.Errorf("starting a conversation without a token = %d; want 403", status)
	}
	foreign := map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
	for _, path := range []string{"/signin", "/signin/some-token", "/conversations", "/rooms/" + r.ID + "/messages",
		"/rooms/" + r.ID + "/members", "/rooms/" + r.ID + "/members/" + ana.ID + "/remove", "/signout"} {
		form := url.Values{"csrf": {token}, "email": {"bo@example.com"}, "content": {"forged"}}
		if status, _ := post(t, c, e.srv.URL+path, form, foreign); status != http.StatusForbidden {
			t.Errorf("POST %s from another site = %d; want 403", path, status)
		}
	}
	if got := e.history(belfry.Thread{RoomID: r.ID}); len(got) != 0 {
		t.Errorf("after cross-site forms the room holds %q; want nothing", got)
	}
	if convs, _ := e.svc.ListConversations(e.ctx(), e.team.ID, ana.ID, belfry.Page{Limit: 10}); len(convs) != 0 {
		t.Errorf("after cross-site forms Ana is in %d conversations; want none", len(convs))
	}
	if status, _, _ := fetch(t, c, "GET", page, nil); status != http.StatusOK {
		t.Errorf("after a cross-site sign-out the session no longer works (%d); want it kept", status)
	}
}

func TestConversation(t *testing.T) {
	e := newEnv(t)
	_, ac := e.member("ana@example.com", "Ana")
	bo, bc := e.member("bo@example.com", "Bo")
	home := e.srv.URL + "/welcome"
	status, page := post(t, ac, e.srv.URL+"/conversations", url.Values{"email": {"nobody@example.com"}, "csrf": {formOf(t, ac, home)}}, nil)
	if status != http.StatusBadRequest || !strings.Contains(page, "No registered member") {
		t.Errorf("a conversation with an unknown address = %d; want 400 saying so:\n%s", status, page)
	}
	status, _, resp := fetch(t, ac, "POST", e.srv.URL+"/conversations", url.Values{"email": {"BO@example.com"}, "csrf": {formOf(t, ac, home)}})
	where := resp.Header.Get("Location")
	if status != http.StatusSeeOther || !strings.HasPrefix(where, "/conversations/") {
		t.Fatalf("starting a conversation = %d to %q; want 303 to it", status, where)
	}
	link := e.srv.URL + where
	fetch(t, ac, "POST", link+"/messages", url.Values{"content": {"hi Bo"}, "csrf": {formOf(t, ac, link)}})
	_, view, _ := fetch(t, bc, "GET", link, nil)
	if !strings.Contains(view, "hi Bo") || !strings.Contains(view, "With Ana") {
		t.Errorf("Bo's view of the conversation lacks Ana's message or name:\n%s", view)
	}
	_, bhome, _ := fetch(t, bc, "GET", home, nil)
	if !strings.Contains(bhome, where) {
		t.Errorf("Bo's home page does not list the conversation %s", where)
	}
	ev, status := openStream(t, bc, link+"/events", "")
	if status != http.StatusOK {
		t.Fatalf("Bo's stream of the conversation = %d; want 200", status)
	}
	id := strings.TrimPrefix(where, "/conversations/")
	if _, err := e.svc.PostConversationMessage(e.ctx(), e.team.ID, id, bo.ID, "on my way"); err != nil {
		t.Fatal(err)
	}
	if kind, _, data, _ := ev.next(); kind != "message" || !strings.Contains(data, "on my way") {
		t.Errorf("Bo's stream of the conversation: %s %q; want his new message", kind, data)
	}
}

// events reads a stream's events as "kind id" lines, with their data.
type events struct {
	resp *http.Response
	r    *bufio.Reader
}

func openStream(t *testing.T, c *http.Client, link string, lastID string) (*events, int) {
	t.Helper()
	req, _ := http.NewRequest("GET", link, nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	streaming := *c
	streaming.Timeout = 0
	resp, err := streaming.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	// A stream that stays silent ends the test's reads in 20 s rather
	// than hanging it.
	stop := time.AfterFunc(20*time.Second, func() { resp.Body.Close() })
	t.Cleanup(func() { stop.Stop(); resp.Body.Close() })
	return &events{resp: resp, r: bufio.NewReader(resp.Body)}, resp.StatusCode
}

// next returns the next event's kind, ID and data, skipping comments; ok
// is false when the stream ends.
func (ev *events) next() (kind, id, data string, ok bool) {
	for {
		line, err := ev.r.ReadString('\n')
		if err != nil {
			return "", "", "", false
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "" && kind != "":
			return kind, id, data, true
		case strings.HasPrefix(line, "event: "):
			kind = line[len("event: "):]
		case strings.HasPrefix(line, "id: "):
			id = line[len("id: "):]
		case strings.HasPrefix(line, "data: "):
			data += line[len("data: "):] + "\n"
		}
	}
}

// ends reports whether the stream ends within 10 seconds, reading what
// comes until then.
func (ev *events) ends() bool {
	done := make(chan bool)
	go func() {
		for {
			if _, _, _, ok := ev.next(); !ok {
				close(done)
				return
			}
		}
	}()
	select {
	case <-done:
		return true
	case <-time.After(10 * time.Second):
		return false
	}
}

func TestStream(t *testing.T) {
	e := newEnv(t)
	ana, ac := e.member("ana@example.com", "Ana")
	bo, bc := e.member("bo@example.com", "Bo")
	_, cc := e.member("cy@example.com", "Cy")
	e.enterprise()
	r := e.room("Ops", ana, bo)
	link := e.srv.URL + "/rooms/" + r.ID + "/events"
	first, _ := e.svc.PostRoomMessage(e.ctx(), e.team.ID, r.ID, ana.ID, "first")
	second, _ := e.svc.PostRoomMessage(e.ctx(), e.team.ID, r.ID, ana.ID, "second <script>x</script>")
	ev, status := openStream(t, bc, link, itoa(first.Seq))
	if status != 200 || ev.resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("GET events = %d %q; want 200 text/event-stream", status, ev.resp.Header.Get("Content-Type"))
	}
	fresh, _ := openStream(t, bc, link+"?after=0", "")
	if kind, id, _, _ := fresh.next(); kind != "message" || id != itoa(first.Seq) {
		t.Errorf("a page that showed no message yet (?after=0) first got %s %s; want the first message replayed", kind, id)
	}
	kind, id, data, _ := ev.next()
	if kind != "message" || id != itoa(second.Seq) || !strings.Contains(data, "second") || strings.Contains(data, "<script") {
		t.Errorf("replay after the first message: %s %s %q; want the second, without its script", kind, id, data)
	}
	third, _ := e.svc.PostRoomMessage(e.ctx(), e.team.ID, r.ID, ana.ID, "third")
	if kind, id, data, _ := ev.next(); kind != "message" || id != itoa(third.Seq) || !strings.Contains(data, "third") {
		t.Errorf("live: %s %s %q; want the third message", kind, id, data)
	}
	e.svc.RedactRoomMessage(e.ctx(), e.team.ID, r.ID, third.ID)
	if kind, id, data, _ := ev.next(); kind != "redaction" || id != "" || !strings.Contains(data, "message redacted") || strings.Contains(data, "third") {
		t.Errorf("redaction: %s %s %q; want the message shown redacted", kind, id, data)
	}
	e.now = e.now.Add(time.Second)
	if err := e.svc.LogoutUser(e.ctx(), e.team.ID, bo.ID); err != nil {
		t.Fatal(err)
	}
	if !ev.ends() {
		t.Errorf("the stream is still open 10 s after LogoutUser")
	}
	if _, status := openStream(t, browserless(t), link, ""); status != http.StatusUnauthorized {
		t.Errorf("a stream without a session = %d; want 401", status)
	}
	if _, status := openStream(t, cc, link, ""); status != http.StatusNotFound {
		t.Errorf("a stream of a room the user is not in = %d; want 404", status)
	}
	_ = ac
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestStreamReplaysRedactions reconnects a stream after a message the
// client already held was redacted while it was away: the replay must
// carry the redaction, or the client would go on showing what was removed.
// Messages that were never redacted are not sent again.
func TestStreamReplaysRedactions(t *testing.T) {
	e := newEnv(t)
	ana, _ := e.member("ana@example.com", "Ana")
	bo, bc := e.member("bo@example.com", "Bo")
	e.enterprise()
	r := e.room("Ops", ana, bo)
	link := e.srv.URL + "/rooms/" + r.ID + "/events"
	e.svc.PostRoomMessage(e.ctx(), e.team.ID, r.ID, ana.ID, "kept")
	secret, _ := e.svc.PostRoomMessage(e.ctx(), e.team.ID, r.ID, ana.ID, "the launch code is 0000")
	// Bo's client got both, then lost its connection; meanwhile the
	// second was redacted and a third posted.
	if err := e.svc.RedactRoomMessage(e.ctx(), e.team.ID, r.ID, secret.ID); err != nil {
		t.Fatal(err)
	}
	third, _ := e.svc.PostRoomMessage(e.ctx(), e.team.ID, r.ID, ana.ID, "after")
	ev, status := openStream(t, bc, link, itoa(secret.Seq))
	if status != http.StatusOK {
		t.Fatalf("GET events = %d", status)
	}
	kind, id, data, _ := ev.next()
	if kind != "redaction" || id != "" || !strings.Contains(data, "message redacted") || strings.Contains(data, "launch code") ||
		!strings.Contains(data, secret.ID) {
		t.Errorf("first event after reconnecting: %s %q %q; want the missed redaction of %s", kind, id, data, secret.ID)
	}
	if kind, id, data, _ := ev.next(); kind != "message" || id != itoa(third.Seq) || !strings.Contains(data, "after") {
		t.Errorf("then: %s %s %q; want the message posted while away", kind, id, data)
	}
}

// TestStreamReplaysMissedEvents stores a message and a redaction whose
// events never reach the page, as when the connection that carries events
// between replicas was lost, and then sends EventMissed, as the
// PostgreSQL events do once they listen again: the open stream must replay
// both from the store, without reconnecting.
func TestStreamReplaysMissedEvents(t *testing.T) {
	e := newEnv(t)
	ana, _ := e.member("ana@example.com", "Ana")
	bo, bc := e.member("bo@example.com", "Bo")
	e.enterprise()
	r := e.room("Ops", ana, bo)
	before, _ := e.svc.PostRoomMessage(e.ctx(), e.team.ID, r.ID, ana.ID, "before the gap")
	ev, status := openStream(t, bc, e.srv.URL+"/rooms/"+r.ID+"/events", itoa(before.Seq))
	if status != http.StatusOK {
		t.Fatalf("GET events = %d", status)
	}
	// Once a live message arrives, the stream's first replay is over and
	// it follows the events.
	live, _ := e.svc.PostRoomMessage(e.ctx(), e.team.ID, r.ID, ana.ID, "live")
	if kind, id, _, _ := ev.next(); kind != "message" || id != itoa(live.Seq) {
		t.Fatalf("first event: %s %s; want the live message", kind, id)
	}
	// A Service without Events stores without telling the pages.
	quiet := &belfry.Service{Store: e.svc.Store, Clock: e.svc.Clock}
	if err := quiet.RedactRoomMessage(e.ctx(), e.team.ID, r.ID, before.ID); err != nil {
		t.Fatal(err)
	}
	during, err := quiet.PostRoomMessage(e.ctx(), e.team.ID, r.ID, ana.ID, "during the gap")
	if err != nil {
		t.Fatal(err)
	}
	e.svc.Events.Publish(e.ctx(), belfry.Event{Kind: belfry.EventMissed})
	if kind, _, data, _ := ev.next(); kind != "redaction" || !strings.Contains(data, before.ID) || strings.Contains(data, "before the gap") {
		t.Errorf("after EventMissed: %s %q; want the missed redaction of %s", kind, data, before.ID)
	}
	if kind, id, data, _ := ev.next(); kind != "message" || id != itoa(during.Seq) || !strings.Contains(data, "during the gap") {
		t.Errorf("then: %s %s %q; want the message posted during the gap", kind, id, data)
	}
	third, _ := e.svc.PostRoomMessage(e.ctx(), e.team.ID, r.ID, ana.ID, "after the gap")
	if kind, id, _, _ := ev.next(); kind != "message" || id != itoa(third.Seq) {
		t.Errorf("live again: %s %s; want the message posted after the gap, once", kind, id)
	}
}

// TestStreamOutlivesReadTimeout serves the pages as serve does, with a
// ReadTimeout, and checks that a stream still carries messages after it:
// the timeout bounds reading the request, not the answer's life.
func TestStreamOutlivesReadTimeout(t *testing.T) {
	e := newEnv(t)
	ana, ac := e.member("ana@example.com", "Ana")
	e.enterprise()
	r := e.room("Ops", ana)
	srv := httptest.NewUnstartedServer(e.srv.Config.Handler)
	srv.Config.ReadTimeout = 300 * time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close) // after the stream's body is closed, which Close waits for
	u, _ := url.Parse(srv.URL)
	old, _ := url.Parse(e.srv.URL)
	ac.Jar.SetCookies(u, ac.Jar.Cookies(old))
	ev, status := openStream(t, ac, srv.URL+"/rooms/"+r.ID+"/events", "")
	if status != http.StatusOK {
		t.Fatalf("stream = %d", status)
	}
	time.Sleep(time.Second) // past the ReadTimeout, which must not end the stream
	if _, err := e.svc.PostRoomMessage(e.ctx(), e.team.ID, r.ID, ana.ID, "still here"); err != nil {
		t.Fatal(err)
	}
	if kind, _, data, ok := ev.next(); !ok || kind != "message" || !strings.Contains(data, "still here") {
		t.Errorf("after the server's ReadTimeout the stream gave %s %q (open %v); want the new message", kind, data, ok)
	}
}

// TestStreamKeepalive checks that an idle stream sends keepalive comments,
// which keep proxies from closing it.
func TestStreamKeepalive(t *testing.T) {
	e := newEnv(t)
	ana, ac := e.member("ana@example.com", "Ana")
	e.enterprise()
	r := e.room("Ops", ana)
	pages := console.New(console.Config{Service: e.svc, SessionKey: []byte("test key"), Keepalive: 50 * time.Millisecond})
	srv := httptest.NewServer(pages)
	t.Cleanup(srv.Close)
	t.Cleanup(pages.Close)
	ev, status := openStream(t, ac, srv.URL+"/rooms/"+r.ID+"/events", "")
	if status != http.StatusOK {
		t.Fatalf("stream = %d", status)
	}
	for range 3 {
		line, err := ev.r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if line == ": keepalive\n" {
			return
		}
	}
	t.Errorf("no keepalive comment among the stream's first lines")
}

// TestStreamsEndAtOnce checks that signing a user out, suspending them,
// taking them out of a room and deleting the room end their open streams
// at once: the pages check again when the service says standing changed,
// not at their periodic check, which here is an hour away.
func TestStreamsEndAtOnce(t *testing.T) {
	e := newEnvRecheck(t, time.Hour)
	ana, _ := e.member("ana@example.com", "Ana")
	bo, bc := e.member("bo@example.com", "Bo")
	cy, cc := e.member("cy@example.com", "Cy")
	di, dc := e.member("di@example.com", "Di")
	e.enterprise()
	r := e.room("Ops", ana, bo, cy, di)
	other := e.room("Other", ana, di)
	link := e.srv.URL + "/rooms/" + r.ID + "/events"
	for _, tc := range []struct {
		name   string
		client *http.Client
		link   string
		end    func() error
	}{
		{"LogoutUser", bc, link, func() error { return e.svc.LogoutUser(e.ctx(), e.team.ID, bo.ID) }},
		{"DeleteRoomMembership", cc, link, func() error { return e.svc.DeleteRoomMembership(e.ctx(), e.team.ID, r.ID, cy.ID) }},
		{"DeleteRoom", dc, e.srv.URL + "/rooms/" + other.ID + "/events", func() error { return e.svc.DeleteRoom(e.ctx(), e.team.ID, other.ID) }},
	} {
		ev, status := openStream(t, tc.client, tc.link, "")
		if status != http.StatusOK {
			t.Fatalf("%s: stream = %d", tc.name, status)
		}
		e.now = e.now.Add(time.Second)
		if err := tc.end(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !ev.ends() {
			t.Errorf("the stream is still open 10 s after %s, with no event to wake it", tc.name)
		}
	}
	// Di is still in the first room: its stream stays open, and hears posts.
	ev, _ := openStream(t, dc, link, "")
	m, err := e.svc.PostRoomMessage(e.ctx(), e.team.ID, r.ID, ana.ID, "still here?")
	if err != nil {
		t.Fatal(err)
	}
	if kind, id, _, _ := ev.next(); kind != "message" || id != itoa(m.Seq) {
		t.Errorf("a member whose standing held got %s %s; want the new message", kind, id)
	}
}
