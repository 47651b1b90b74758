package console_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/console"
	"github.com/belfryhq/belfry/sqlite"
)

// adminEnv is the administrators' console on a real SQLite store, served
// over real HTTP, with Belfry's root key and a key of another AWS account.
type adminEnv struct {
	t     *testing.T
	svc   *belfry.Service
	srv   *httptest.Server
	root  *belfry.AccessKey
	other *belfry.AccessKey
	links *links
	now   time.Time
}

func newAdminEnv(t *testing.T) *adminEnv {
	t.Helper()
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "belfry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	e := &adminEnv{t: t, links: &links{}, now: time.Now().UTC()}
	e.svc = &belfry.Service{Store: store, Clock: func() time.Time { return e.now }, Events: &belfry.LocalEvents{}}
	e.root = belfry.NewAccessKey("111122223333", belfry.RootKeyName, e.now)
	pages := console.New(console.Config{Service: e.svc, SessionKey: []byte("test key"), Root: e.root})
	e.srv = httptest.NewServer(pages)
	t.Cleanup(pages.Close)
	t.Cleanup(e.srv.Close)
	e.svc.Invitations = belfry.Invitations{PublicURL: e.srv.URL, Composer: e.links}
	if e.other, err = e.svc.CreateAccessKey(context.Background(), "444455556666", "tenant"); err != nil {
		t.Fatal(err)
	}
	return e
}

// as returns a context that calls the service as key k.
func as(k *belfry.AccessKey) context.Context {
	return belfry.WithCaller(context.Background(), belfry.Caller{AwsAccountID: k.AwsAccountID, AccessKeyID: k.ID, ARN: k.ARN()})
}

// account makes a Team account as key k.
func (e *adminEnv) account(k *belfry.AccessKey, name string) *belfry.Account {
	e.t.Helper()
	a, err := e.svc.CreateAccount(as(k), name)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

var csrfPattern = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// formToken returns the CSRF token of the page at path, as a browser
// would find it in the page's forms.
func (e *adminEnv) formToken(c *http.Client, path string) string {
	e.t.Helper()
	status, page, _ := fetch(e.t, c, "GET", e.srv.URL+path, nil)
	m := csrfPattern.FindStringSubmatch(page)
	if m == nil {
		e.t.Fatalf("GET %s = %d without a form token:\n%s", path, status, page)
	}
	return html.UnescapeString(m[1])
}

// signIn signs a fresh client in with key k's ID and secret.
func (e *adminEnv) signIn(k *belfry.AccessKey) *http.Client {
	e.t.Helper()
	c := browserless(e.t)
	status, page, _ := e.submit(c, "/console/", "/console/signin", url.Values{"access_key_id": {k.ID}, "secret_access_key": {k.Secret}})
	if status != http.StatusSeeOther {
		e.t.Fatalf("signing in = %d:\n%s", status, page)
	}
	return c
}

// submit sends form to action with the token of the page at from.
func (e *adminEnv) submit(c *http.Client, from, action string, form url.Values) (int, string, *http.Response) {
	e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", e.formToken(c, from))
	return fetch(e.t, c, "POST", e.srv.URL+action, form)
}

// page GETs path and fails the test unless it answers 200.
func (e *adminEnv) page(c *http.Client, path string) string {
	e.t.Helper()
	status, page, _ := fetch(e.t, c, "GET", e.srv.URL+path, nil)
	if status != http.StatusOK {
		e.t.Fatalf("GET %s = %d:\n%s", path, status, page)
	}
	return page
}

// lastAudit returns the newest event of the audit log.
func (e *adminEnv) lastAudit() *belfry.AuditEvent {
	e.t.Helper()
	evs, err := e.svc.AuditEvents(context.Background(), belfry.AuditFilter{})
	if err != nil || len(evs) == 0 {
		e.t.Fatalf("AuditEvents = %v, %v", evs, err)
	}
	return evs[len(evs)-1]
}

func TestConsoleSignIn(t *testing.T) {
	e := newAdminEnv(t)
	e.account(e.root, "Ops Team")
	e.account(e.other, "Tenant Team")
	for _, tc := range []struct{ name, id, secret string }{
		{"wrong secret", e.root.ID, "not-the-secret"},
		{"unknown key", "AKIAUNKNOWNKEY000000", e.root.Secret},
		{"empty", "", ""},
		{"markup", `<b id="x">`, "x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := browserless(t)
			status, page, resp := e.submit(c, "/console/", "/console/signin", url.Values{"access_key_id": {tc.id}, "secret_access_key": {tc.secret}})
			if status != http.StatusUnauthorized || !strings.Contains(page, "do not match a live access key") {
				t.Errorf("sign-in = %d:\n%s\nwant 401 with the one message for every failure", status, page)
			}
			if strings.Contains(page, `<b id="x">`) {
				t.Errorf("the page repeats the key ID unescaped")
			}
			for _, ck := range resp.Cookies() {
				if ck.Name == "belfry_admin" && ck.Value != "" {
					t.Errorf("a failed sign-in set a session cookie %+v", ck)
				}
			}
		})
	}
	c := browserless(t)
	status, _, resp := e.submit(c, "/console/", "/console/signin", url.Values{"access_key_id": {" " + e.root.ID + " "}, "secret_access_key": {e.root.Secret}})
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/console/" {
		t.Fatalf("sign-in = %d to %q; want 303 to /console/", status, resp.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "belfry_admin" {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Path != "/console/" ||
		session.MaxAge <= 0 || session.MaxAge > 12*3600 || strings.Contains(session.Value, e.root.Secret) {
		t.Errorf("session cookie = %+v; want HttpOnly, SameSite=Strict, Path /console/, expiring, without the secret", session)
	}
	page := e.page(c, "/console/")
	if !strings.Contains(page, "Ops Team") || strings.Contains(page, "Tenant Team") || !strings.Contains(page, e.root.ID) {
		t.Errorf("accounts page:\n%s\nwant the key's own account and key ID, and not the other AWS account's", page)
	}
	// The session lapses after its time, and the page asks to sign in.
	e.now = e.now.Add(9 * time.Hour)
	status, page, _ = fetch(t, c, "GET", e.srv.URL+"/console/", nil)
	if status != http.StatusOK || !strings.Contains(page, `name="secret_access_key"`) || strings.Contains(page, "Ops Team") {
		t.Errorf("after 9 hours GET /console/ = %d:\n%s\nwant the sign-in form", status, page)
	}
}

func TestConsoleSignInLimit(t *testing.T) {
	e := newAdminEnv(t)
	wrong := url.Values{"access_key_id": {e.other.ID}, "secret_access_key": {"wrong"}}
	for range 5 {
		if status, _, _ := e.submit(browserless(t), "/console/", "/console/signin", wrong); status != http.StatusUnauthorized {
			t.Fatalf("a wrong secret = %d, want 401", status)
		}
	}
	right := url.Values{"access_key_id": {e.other.ID}, "secret_access_key": {e.other.Secret}}
	status, page, _ := e.submit(browserless(t), "/console/", "/console/signin", right)
	if status != http.StatusTooManyRequests || !strings.Contains(page, "Too many failed sign-ins") {
		t.Errorf("the right secret after 5 failures = %d:\n%s\nwant 429: the key is locked for a while", status, page)
	}
	unknown := url.Values{"access_key_id": {"AKIANOSUCHKEY0000000"}, "secret_access_key": {"x"}}
	for range 5 {
		e.submit(browserless(t), "/console/", "/console/signin", unknown)
	}
	status, _, _ = e.submit(browserless(t), "/console/", "/console/signin", unknown)
	if status != http.StatusTooManyRequests {
		t.Errorf("an unknown key after 5 failures = %d; want 429 as for a real key, so the limit tells nothing", status)
	}
	e.now = e.now.Add(16 * time.Minute)
	if status, _, _ := e.submit(browserless(t), "/console/", "/console/signin", right); status != http.StatusSeeOther {
		t.Errorf("the right secret after the window = %d; want 303", status)
	}
}

func TestConsoleSessionEnds(t *testing.T) {
	e := newAdminEnv(t)
	e.account(e.other, "Tenant Team")
	c := e.signIn(e.other)
	if err := e.svc.RevokeAccessKey(context.Background(), e.other.ID); err != nil {
		t.Fatal(err)
	}
	status, page, _ := fetch(t, c, "GET", e.srv.URL+"/console/", nil)
	if status != http.StatusUnauthorized || strings.Contains(page, "Tenant Team") || !strings.Contains(page, "no longer works") {
		t.Errorf("after revoking the key GET /console/ = %d:\n%s\nwant 401 and the sign-in form", status, page)
	}
	c = e.signIn(e.root)
	status, _, resp := e.submit(c, "/console/", "/console/signout", nil)
	if status != http.StatusSeeOther {
		t.Fatalf("sign-out = %d", status)
	}
	if page := e.page(c, "/console/"); !strings.Contains(page, `name="secret_access_key"`) {
		t.Errorf("after signing out GET /console/:\n%s\nwant the sign-in form", page)
	}
	_ = resp
	for _, value := range []string{"garbage", "YWRtaW58QUtJQXwx.c2ln", ""} {
		c := browserless(t)
		u, _ := url.Parse(e.srv.URL + "/console/")
		c.Jar.SetCookies(u, []*http.Cookie{{Name: "belfry_admin", Value: value, Path: "/console/"}})
		status, page, _ := fetch(t, c, "GET", e.srv.URL+"/console/accounts/x", nil)
		if status != http.StatusUnauthorized || !strings.Contains(page, `name="secret_access_key"`) {
			t.Errorf("a forged session %q: GET = %d:\n%s\nwant 401 and the sign-in form", value, status, page)
		}
	}
}

// TestConsoleSecureCookies checks the cookies of a console behind HTTPS:
// Secure, and the CSRF cookie with the __Host- prefix.
func TestConsoleSecureCookies(t *testing.T) {
	e := newAdminEnv(t)
	pages := console.New(console.Config{Service: e.svc, SessionKey: []byte("test key"), Root: e.root, Secure: true})
	t.Cleanup(pages.Close)
	srv := httptest.NewTLSServer(pages)
	t.Cleanup(srv.Close)
	c := srv.Client()
	c.Jar = browserless(t).Jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	_, page, _ := fetch(t, c, "GET", srv.URL+"/console/", nil)
	m := csrfPattern.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no form token on the sign-in page:\n%s", page)
	}
	_, _, resp := fetch(t, c, "POST", srv.URL+"/console/signin", url.Values{"access_key_id": {e.root.ID},
		"secret_access_key": {e.root.Secret}, "csrf": {html.UnescapeString(m[1])}})
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "belfry_admin" {
			session = ck
		}
	}
	if session == nil || !session.Secure || !session.HttpOnly {
		t.Errorf("session cookie over HTTPS = %+v; want Secure and HttpOnly", session)
	}
	u, _ := url.Parse(srv.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if strings.Contains(ck.Name, "csrf") && ck.Name != "__Host-belfry_csrf" {
			t.Errorf("CSRF cookie %q over HTTPS; want __Host-belfry_csrf", ck.Name)
		}
	}
}

// TestConsoleOwnsRequest checks which requests under /console are the
// console's: a browser's, not an SDK's signed call to the old-style
// endpoint prefix.
func TestConsoleOwnsRequest(t *testing.T) {
	for _, tc := range []struct {
		path, auth string
		want       bool
	}{
		{"/console/", "", true},
		{"/console", "", true},
		{"/console/accounts/x", "", true},
		{"/console/accounts", "AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-east-1/chime/aws4_request, SignedHeaders=host, Signature=00", false},
		{"/console/accounts?X-Amz-Signature=00", "", false},
		{"/consoles", "", false},
		{"/accounts", "", false},
		{"/rooms/x", "", true},
	} {
		r := httptest.NewRequest("GET", tc.path, nil)
		if tc.auth != "" {
			r.Header.Set("Authorization", tc.auth)
		}
		if got := console.OwnsRequest(r); got != tc.want {
			t.Errorf("OwnsRequest(%s, %q) = %v, want %v", tc.path, tc.auth, got, tc.want)
		}
	}
	e := newAdminEnv(t)
	status, _, resp := fetch(t, browserless(t), "GET", e.srv.URL+"/console", nil)
	if status/100 != 3 || resp.Header.Get("Location") != "/console/" {
		t.Errorf("GET /console = %d to %q; want a redirect to /console/", status, resp.Header.Get("Location"))
	}
}
