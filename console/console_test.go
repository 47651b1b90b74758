package console_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/console"
	"github.com/belfryhq/belfry/sqlite"
)

// links is a Composer that keeps the accept links it is asked to write,
// standing in for the e-mail templates (tested in package mail).
type links struct {
	mu   sync.Mutex
	list []string
}

func (l *links) ComposeInvite(e belfry.InviteEmail) (string, string, string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, e.Link)
	return "Join " + e.AccountName, "Open " + e.Link, "<a href=\"" + e.Link + "\">Join</a>", nil
}

// env is the console on a real SQLite store, served over real HTTP.
type env struct {
	t     *testing.T
	svc   *belfry.Service
	srv   *httptest.Server
	links *links
	logs  *logBuffer // what the console logged, as slog text
	now   time.Time
	team  *belfry.Account
}

// logBuffer collects a logger's output.
type logBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvRecheck(t, 100*time.Millisecond)
}

// newEnvRecheck is newEnv with live streams that check their standing
// every recheck when no event makes them.
func newEnvRecheck(t *testing.T, recheck time.Duration) *env {
	t.Helper()
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "belfry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	e := &env{t: t, links: &links{}, logs: &logBuffer{}, now: time.Now().UTC()}
	e.svc = &belfry.Service{Store: store, Clock: func() time.Time { return e.now }, Events: &belfry.LocalEvents{}}
	log := slog.New(slog.NewTextHandler(e.logs, nil))
	pages := console.New(console.Config{Service: e.svc, SessionKey: []byte("test key"), Logger: log,
		Recheck: recheck})
	e.srv = httptest.NewServer(pages)
	t.Cleanup(pages.Close)
	t.Cleanup(e.srv.Close)
	e.svc.Invitations = belfry.Invitations{PublicURL: e.srv.URL, Composer: e.links}
	ctx := e.ctx()
	if e.team, err = e.svc.CreateAccount(ctx, "Ops Team"); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) ctx() context.Context {
	return belfry.WithCaller(context.Background(), belfry.Caller{AwsAccountID: "111122223333", ARN: "arn:aws:iam::111122223333:user/admin"})
}

// invite invites address and returns its accept link and user.
func (e *env) invite(address string) (string, *belfry.User) {
	e.t.Helper()
	if _, err := e.svc.InviteUsers(e.ctx(), e.team.ID, []string{address}, ""); err != nil {
		e.t.Fatal(err)
	}
	users, err := e.svc.ListUsers(e.ctx(), e.team.ID, belfry.UserFilter{EmailKey: address}, belfry.Page{Limit: 1})
	if err != nil || len(users) != 1 {
		e.t.Fatalf("ListUsers(%s) = %v, %v", address, users, err)
	}
	e.links.mu.Lock()
	defer e.links.mu.Unlock()
	return e.links.list[len(e.links.list)-1], users[0]
}

func (e *env) user(id string) *belfry.User {
	e.t.Helper()
	u, err := e.svc.GetUser(e.ctx(), e.team.ID, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// browserless is an HTTP client with cookies that does not follow
// redirects, so each answer can be checked.
func browserless(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

func fetch(t *testing.T, c *http.Client, method, link string, form url.Values) (int, string, *http.Response) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, link, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp
}

func TestAcceptInvitation(t *testing.T) {
	e := newEnv(t)
	link, invited := e.invite("Ana.Silva@example.com")
	c := browserless(t)
	status, page, resp := fetch(t, c, "GET", link, nil)
	if status != 200 || !strings.Contains(page, "Join Ops Team") || !strings.Contains(page, "Ana.Silva@example.com") ||
		!strings.Contains(page, `value="Ana.Silva"`) {
		t.Fatalf("GET link = %d, page:\n%s\nwant 200 with the account, the address and a suggested name", status, page)
	}
	if got := resp.Header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy = %q; want no-referrer, so the token does not leak", got)
	}
	if strings.Contains(page, "<script") {
		t.Errorf("the accept page has a script; it must work without JavaScript")
	}
	status, _, resp = fetch(t, c, "POST", link, acceptForm(t, c, link, "  Ana Silva  "))
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/welcome" {
		t.Fatalf("POST link = %d to %q; want 303 to /welcome", status, resp.Header.Get("Location"))
	}
	u := e.user(invited.ID)
	if u.Registration != belfry.Registered || u.Invitation != belfry.InviteAccepted || u.DisplayName != "Ana Silva" ||
		!regexp.MustCompile(`^[0-9]{10}$`).MatchString(u.PersonalPIN) || !u.RegisteredOn.Equal(e.now.Truncate(time.Microsecond)) {
		t.Errorf("after accepting, user = %+v; want Registered/Accepted, DisplayName Ana Silva, a 10-digit PIN, RegisteredOn now", u)
	}
	status, page, _ = fetch(t, c, "GET", e.srv.URL+"/welcome", nil)
	if status != 200 || !strings.Contains(page, "Welcome, Ana Silva") || !strings.Contains(page, u.PersonalPIN) {
		t.Errorf("GET /welcome = %d, page:\n%s\nwant the name and PIN", status, page)
	}
	status, page, _ = fetch(t, browserless(t), "POST", link, url.Values{"name": {"Mallory"}})
	if status != http.StatusConflict || !strings.Contains(page, "already") {
		t.Errorf("accepting a used link = %d, page:\n%s\nwant 409 saying it was already used", status, page)
	}
	if got := e.user(invited.ID).DisplayName; got != "Ana Silva" {
		t.Errorf("after a second acceptance DisplayName = %q; want it unchanged", got)
	}
}

func TestInvitationProblems(t *testing.T) {
	e := newEnv(t)
	link, _ := e.invite("bo@example.com")
	base := link[:strings.LastIndex(link, "/")+1]
	for _, tc := range []struct {
		name, link string
		advance    time.Duration
		status     int
		want       string
	}{
		{"forged", base + "Zm9yZ2VkLXRva2VuLXRoYXQtbG9va3MtcmVhbC0xMjM0NTY", 0, http.StatusNotFound, "not valid"},
		{"truncated", link[:len(link)-3], 0, http.StatusNotFound, "not valid"},
		{"expired", link, belfry.DefaultInviteTTL + time.Second, http.StatusGone, "expired"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.now = e.now.Add(tc.advance)
			defer func() { e.now = e.now.Add(-tc.advance) }()
			for _, method := range []string{"GET", "POST"} {
				status, page, _ := fetch(t, browserless(t), method, tc.link, url.Values{"name": {"Bo"}})
				if status != tc.status || !strings.Contains(page, tc.want) || strings.Contains(page, "goroutine") {
					t.Errorf("%s = %d, page:\n%s\nwant %d saying %q", method, status, page, tc.status, tc.want)
				}
			}
		})
	}
	c := browserless(t)
	status, page, _ := fetch(t, c, "POST", link, acceptForm(t, c, link, "   "))
	if status != http.StatusBadRequest || !strings.Contains(page, "1 to 100 characters") || !strings.Contains(page, "<form") {
		t.Errorf("POST with an empty name = %d, page:\n%s\nwant 400 with the form and the reason", status, page)
	}
}

func TestSessions(t *testing.T) {
	e := newEnv(t)
	link, _ := e.invite("cy@example.com")
	c := browserless(t)
	fetch(t, c, "POST", link, acceptForm(t, c, link, "Cy"))
	if status, _, _ := fetch(t, c, "GET", e.srv.URL+"/welcome", nil); status != 200 {
		t.Fatalf("GET /welcome after accepting = %d; want 200", status)
	}
	u, _ := url.Parse(e.srv.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "belfry_session" {
			forged := ck.Value[:len(ck.Value)-2] + "AA"
			other := browserless(t)
			other.Jar.SetCookies(u, []*http.Cookie{{Name: ck.Name, Value: forged}})
			if status, _, _ := fetch(t, other, "GET", e.srv.URL+"/welcome", nil); status != http.StatusUnauthorized {
				t.Errorf("GET /welcome with a forged cookie = %d; want 401", status)
			}
		}
	}
	fetch(t, c, "POST", e.srv.URL+"/signout", url.Values{})
	if status, page, _ := fetch(t, c, "GET", e.srv.URL+"/welcome", nil); status != http.StatusUnauthorized || !strings.Contains(page, "Signed out") {
		t.Errorf("GET /welcome after signing out = %d; want 401 Signed out", status)
	}
}

// TestSessionExpires checks that a session lasts its 12 hours on the
// service's clock, the one LogoutUser and every stored time go by.
func TestSessionExpires(t *testing.T) {
	e := newEnv(t)
	link, _ := e.invite("di@example.com")
	c := browserless(t)
	fetch(t, c, "POST", link, acceptForm(t, c, link, "Di"))
	began := e.now
	for _, tc := range []struct {
		after time.Duration
		want  int
	}{{12*time.Hour - time.Second, http.StatusOK}, {12*time.Hour + time.Second, http.StatusUnauthorized}} {
		e.now = began.Add(tc.after)
		if status, _, _ := fetch(t, c, "GET", e.srv.URL+"/welcome", nil); status != tc.want {
			t.Errorf("GET /welcome %v after the session began = %d; want %d", tc.after, status, tc.want)
		}
	}
}

// TestLogoutUserEndsSession checks that LogoutUser, the Chime operation,
// signs the user out of Belfry's pages, and that a later sign-in works.
func TestLogoutUserEndsSession(t *testing.T) {
	e := newEnv(t)
	link, invited := e.invite("eve@example.com")
	c := browserless(t)
	fetch(t, c, "POST", link, acceptForm(t, c, link, "Eve"))
	if status, _, _ := fetch(t, c, "GET", e.srv.URL+"/welcome", nil); status != 200 {
		t.Fatalf("GET /welcome after accepting = %d; want 200", status)
	}
	e.now = e.now.Add(time.Second)
	if err := e.svc.LogoutUser(e.ctx(), e.team.ID, invited.ID); err != nil {
		t.Fatal(err)
	}
	if status, page, _ := fetch(t, c, "GET", e.srv.URL+"/welcome", nil); status != http.StatusUnauthorized || !strings.Contains(page, "Signed out") {
		t.Errorf("GET /welcome after LogoutUser = %d; want 401 Signed out", status)
	}
}

// TestInvitationNoLongerAcceptable opens the link of an invitee who was
// suspended before accepting: the page says the invitation can no longer
// be accepted and to ask for a new one, not that it was already used.
func TestInvitationNoLongerAcceptable(t *testing.T) {
	e := newEnv(t)
	link, invited := e.invite("bo@example.com")
	failed, err := e.svc.BatchSuspendUser(e.ctx(), e.team.ID, []string{invited.ID})
	if err != nil || len(failed) != 0 {
		t.Fatalf("BatchSuspendUser() = %v, %v", failed, err)
	}
	for _, method := range []string{"GET", "POST"} {
		status, page, _ := fetch(t, browserless(t), method, link, url.Values{"name": {"Bo"}})
		if status != http.StatusGone || !strings.Contains(page, "can no longer be accepted") || !strings.Contains(page, "invite you again") {
			t.Errorf("%s of a suspended invitee's link = %d, page:\n%s\nwant 410 saying it can no longer be accepted and to ask for a new invitation", method, status, page)
		}
		if strings.Contains(page, "already") {
			t.Errorf("%s of a suspended invitee's link says %q; it was never accepted:\n%s", method, "already", page)
		}
	}
	if u := e.user(invited.ID); u.Registration != belfry.Suspended {
		t.Errorf("after the refused acceptance the user is %s; want Suspended", u.Registration)
	}
}

// TestRequestLog checks that each page request is answered with a request
// ID and logged once under it, with its method, path, status and duration,
// and that an accept link's token never reaches the log.
func TestRequestLog(t *testing.T) {
	e := newEnv(t)
	link, _ := e.invite("cy@example.com")
	token := link[strings.LastIndex(link, "/")+1:]
	c := browserless(t)
	form := acceptForm(t, c, link, "Cy")
	requests := []struct {
		method, link string
		form         url.Values
		status       int
		path         string
	}{
		{"GET", link, nil, http.StatusOK, "/invitations/…"},
		{"POST", link, form, http.StatusSeeOther, "/invitations/…"},
		{"GET", link + "x", nil, http.StatusNotFound, "/invitations/…"},
		{"GET", e.srv.URL + "/welcome", nil, http.StatusOK, "/welcome"},
	}
	seen := map[string]bool{}
	for _, rq := range requests {
		status, _, resp := fetch(t, c, rq.method, rq.link, rq.form)
		id := resp.Header.Get("X-Request-Id")
		if status != rq.status || id == "" || seen[id] {
			t.Fatalf("%s %s = %d with X-Request-Id %q; want %d with a request ID of its own", rq.method, rq.path, status, id, rq.status)
		}
		seen[id] = true
		var lines []string
		for line := range strings.Lines(e.logs.String()) {
			if strings.Contains(line, "msg=request ") && strings.Contains(line, "request_id="+id) {
				lines = append(lines, line)
			}
		}
		want := []string{"method=" + rq.method, "path=" + rq.path, "status=" + strconv.Itoa(rq.status), "duration="}
		if len(lines) != 1 {
			t.Errorf("%s %s: %d request lines with request_id=%s, want 1:\n%s", rq.method, rq.path, len(lines), id, e.logs)
			continue
		}
		for _, w := range want {
			if !strings.Contains(lines[0], w) {
				t.Errorf("%s %s: log line %q does not say %q", rq.method, rq.path, lines[0], w)
			}
		}
	}
	if log := e.logs.String(); strings.Contains(log, token) || strings.Contains(log, token[:16]) {
		t.Errorf("the log holds the accept link's token:\n%s", log)
	}
}
