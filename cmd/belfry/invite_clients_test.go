package main

// What an invitee and an operator use on the invitation path, as the
// end-to-end tests drive them: a mail reader, a browser without
// JavaScript, and `belfry invitations list`.

import (
	"bytes"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	netmail "net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/belfryhq/belfry/internal/smtptest"
)

// mailParts reads a multipart/alternative message into its parts' bodies
// by media type, decoded as a mail reader would.
func mailParts(t *testing.T, m smtptest.Message) map[string]string {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatalf("message to %v does not parse: %v", m.To, err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v), want multipart/alternative", msg.Header.Get("Content-Type"), err)
	}
	got := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatalf("message to %v: %v", m.To, err)
		}
		pt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		got[pt] = string(b)
	}
}

// deliveredOnce waits until each of emails has received a message, then a
// little longer, and checks that each received exactly one and that no
// other message arrived. It returns the messages by recipient.
func deliveredOnce(t *testing.T, srv *smtptest.Server, emails ...string) map[string]smtptest.Message {
	t.Helper()
	srv.WaitFor(t, len(emails), deliveryTimeout)
	time.Sleep(duplicateWindow)
	got := map[string]smtptest.Message{}
	for _, m := range srv.Received() {
		if len(m.To) != 1 {
			t.Errorf("a message went to %q, want one recipient each", m.To)
			continue
		}
		to := strings.ToLower(m.To[0])
		if _, dup := got[to]; dup {
			t.Errorf("%s received more than one message", to)
		}
		got[to] = m
	}
	for _, e := range emails {
		if _, ok := got[e]; !ok {
			t.Errorf("%s received no message", e)
		}
	}
	if len(got) != len(emails) {
		t.Errorf("messages went to %v, want %v", slices.Sorted(maps.Keys(got)), emails)
	}
	return got
}

// eventually polls cond until it holds, failing the test after d.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", d, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// browser returns a plain HTTP client that keeps cookies and shows
// redirects instead of following them.
func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar:           jar,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// fetch sends a GET, or a POST of form, and returns the status, the body
// and the Location header.
func fetch(t *testing.T, c *http.Client, method, link string, form url.Values) (code int, body, location string) {
	t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodPost {
		resp, err = c.PostForm(link, form)
	} else {
		resp, err = c.Get(link)
	}
	if err != nil {
		t.Fatalf("%s %s: %v", method, link, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the page: %v", method, link, err)
	}
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

// page is fetch with a fresh browser, for a page's status and body.
func page(t *testing.T, method, link, name string) (int, string) {
	t.Helper()
	code, body, _ := fetch(t, browser(t), method, link, url.Values{"name": {name}})
	return code, body
}

var (
	welcomePIN = regexp.MustCompile(`<dd id="pin">([0-9]+)</dd>`)
	csrfField  = regexp.MustCompile(`<input type="hidden" name="csrf" value="([^"]+)">`)
)

// acceptLink accepts the invitation of link under name, as an invitee
// does: the page names the account, the form redirects to /welcome, and
// the welcome page greets them and shows the PIN it returns.
func acceptLink(t *testing.T, link, account, name string) (pin string) {
	t.Helper()
	c := browser(t)
	code, body, _ := fetch(t, c, http.MethodGet, link, nil)
	csrf := csrfField.FindStringSubmatch(body)
	if code != http.StatusOK || !strings.Contains(body, account) || csrf == nil {
		t.Fatalf("GET %s: %d, want 200 and a form naming %s, with its CSRF token:\n%s", link, code, account, body)
	}
	code, body, location := fetch(t, c, http.MethodPost, link, url.Values{"name": {name}, "csrf": {csrf[1]}})
	if code != http.StatusSeeOther || location != "/welcome" {
		t.Fatalf("POST %s: %d to %q, want 303 to /welcome:\n%s", link, code, location, body)
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	welcome := u.ResolveReference(&url.URL{Path: location}).String()
	code, body, _ = fetch(t, c, http.MethodGet, welcome, nil)
	m := welcomePIN.FindStringSubmatch(body)
	if code != http.StatusOK || !strings.Contains(body, name) || m == nil {
		t.Fatalf("GET %s after accepting: %d, want 200 greeting %s with a PIN:\n%s", welcome, code, name, body)
	}
	return m[1]
}

// listedInvitation is one line of `belfry invitations list`.
type listedInvitation struct {
	Account, Attempts, Link string
}

// invitations runs `belfry invitations list` with args and returns its
// lines by e-mail address.
func (b *mailBelfry) invitations(args ...string) map[string]listedInvitation {
	b.t.Helper()
	out := b.mustOperator(append([]string{"invitations", "list"}, args...)...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "EMAIL") {
		b.t.Fatalf("belfry invitations list printed no header:\n%s", out)
	}
	got := map[string]listedInvitation{}
	for _, line := range lines[1:] {
		f := strings.Fields(line)
		if len(f) < 4 {
			b.t.Fatalf("belfry invitations list printed %q, want EMAIL ACCOUNT EXPIRES ATTEMPTS LINK", line)
		}
		got[f[0]] = listedInvitation{Account: f[1], Attempts: f[len(f)-2], Link: f[len(f)-1]}
	}
	return got
}
