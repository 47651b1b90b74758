package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
)

var (
	pageCSRF    = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	pageHeading = regexp.MustCompile(`<h1>([^<]*)</h1>`)
)

// TestSignInWithoutMailServer signs a user that an administrator made
// with CreateUser in to the real server's web app, with no mail server
// configured: the signin job's worker writes the link to the log, where
// the operator finds it, and the link signs the user in once.
func TestSignInWithoutMailServer(t *testing.T) {
	p := startBelfry(t, startOptions{})
	ctx := ctxT(t)
	c := p.sdk(rootKeyID, rootSecret)
	a, err := c.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("Web")})
	if err != nil {
		t.Fatal(err)
	}
	p.claim(aws.ToString(a.Account.AccountId), "example.com", "EnterpriseLWA")
	if _, err := c.CreateUser(ctx, &chime.CreateUserInput{AccountId: a.Account.AccountId, Email: aws.String("ana@example.com")}); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	start := webPage(t, browser, "GET", p.URL+"/", nil)
	sent := webPage(t, browser, "POST", p.URL+"/signin", url.Values{"email": {"ana@example.com"}, "csrf": {token(t, start)}})
	if !strings.Contains(sent, "If that address has an account") {
		t.Fatalf("asking for a link answered:\n%s", sent)
	}
	link := signInLink(t, p, "ana@example.com")
	confirm := webPage(t, browser, "GET", link, nil)
	home := webPage(t, browser, "POST", link, url.Values{"csrf": {token(t, confirm)}})
	if h := pageHeading.FindStringSubmatch(home); h == nil || !strings.HasPrefix(h[1], "Welcome") || !strings.Contains(home, "ana@example.com") {
		t.Errorf("after pressing Sign in, the page is:\n%s\nwant Ana's home page", home)
	}
	jar, _ = cookiejar.New(nil)
	other := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := other.PostForm(link, url.Values{"csrf": {token(t, webPage(t, other, "GET", link, nil))}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusGone {
		t.Errorf("using the link a second time = %d; want 410", resp.StatusCode)
	}
}

// signInLink waits for the sign-in link to address that p's signin
// worker writes to the log when no mail server is configured, as the
// operator finds it there; the log is another process's, which sends no
// signal.
func signInLink(t *testing.T, p *proc, address string) string {
	t.Helper()
	logged := regexp.MustCompile(`sign-in link.*to=` + regexp.QuoteMeta(address) + ` link=(\S+)`)
	var link string
	for deadline := time.Now().Add(readyTimeout); link == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m := logged.FindStringSubmatch(p.stderr.String()); m != nil {
			link = m[1]
		}
	}
	if !strings.HasPrefix(link, p.URL+"/signin/") {
		t.Fatalf("no sign-in link for %s in the log within %s; found %q", address, readyTimeout, link)
	}
	return link
}

// webPage fetches link with c, following redirects, and returns the page.
func webPage(t *testing.T, c *http.Client, method, link string, form url.Values) string {
	t.Helper()
	var resp *http.Response
	var err error
	if form != nil {
		resp, err = c.PostForm(link, form)
	} else {
		resp, err = c.Get(link)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s = %d:\n%s", method, link, resp.StatusCode, b)
	}
	return string(b)
}

// token returns the CSRF token of the form on page.
func token(t *testing.T, page string) string {
	t.Helper()
	m := pageCSRF.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF field on the page:\n%s", page)
	}
	return m[1]
}
