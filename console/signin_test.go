package console_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
)

// newMember adds a registered user to the (Enterprise) test account, as
// an administrator's CreateUser does; such a user signs in with a link.
func (e *env) newMember(address string) *belfry.User {
	e.t.Helper()
	u, err := e.svc.CreateUser(e.ctx(), e.team.ID, belfry.CreateUserInput{Email: address, Type: belfry.PrivateUser})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// signInLinks returns the links of the queued sign-in e-mails to address.
func (e *env) signInLinks(address string) []string {
	e.t.Helper()
	jobs, err := e.svc.ListJobs(e.ctx(), belfry.JobFilter{Kind: belfry.KindSignIn}, belfry.Page{Limit: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	var links []string
	for _, j := range jobs {
		if m, err := belfry.MailOf(j); err == nil && m.To == address {
			links = append(links, m.Link)
		}
	}
	return links
}

// askSignIn asks for a sign-in link for address from the start page.
func askSignIn(t *testing.T, e *env, c *http.Client, address string) (int, string) {
	t.Helper()
	form := url.Values{"email": {address}, "csrf": {formOf(t, c, e.srv.URL+"/")}}
	status, page, _ := fetch(t, c, "POST", e.srv.URL+"/signin", form)
	return status, page
}

// signInWith opens link and presses the button; it returns the answer.
func signInWith(t *testing.T, c *http.Client, link string) (int, *http.Response) {
	t.Helper()
	status, _, resp := fetch(t, c, "POST", link, url.Values{"csrf": {formOf(t, c, link)}})
	return status, resp
}

func TestSignInWithLink(t *testing.T) {
	e := newEnv(t)
	e.enterprise()
	ana := e.newMember("ana@example.com")
	c := browserless(t)
	status, known := askSignIn(t, e, c, "Ana@Example.com")
	_, unknown := askSignIn(t, e, c, "nobody@example.com")
	strip := regexp.MustCompile(`value="[^"]*"`)
	if status != 200 || !strings.Contains(known, "If that address has an account") || strip.ReplaceAllString(known, "") != strip.ReplaceAllString(unknown, "") {
		t.Errorf("asking for a link = %d; the page for a member and for nobody differ or say too much:\n%s\n---\n%s", status, known, unknown)
	}
	links := e.signInLinks("ana@example.com")
	if len(links) != 1 || len(e.signInLinks("nobody@example.com")) != 0 {
		t.Fatalf("queued sign-in links: %v; want one for Ana, none for nobody", links)
	}
	if status, _, _ := fetch(t, c, "GET", e.srv.URL+"/welcome", nil); status != http.StatusUnauthorized {
		t.Errorf("GET /welcome before using the link = %d; want 401", status)
	}
	status, resp := signInWith(t, c, links[0])
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/welcome" {
		t.Fatalf("using the link = %d to %q; want 303 to /welcome", status, resp.Header.Get("Location"))
	}
	if status, page, _ := fetch(t, c, "GET", e.srv.URL+"/welcome", nil); status != 200 || !strings.Contains(page, ana.Email) {
		t.Errorf("GET /welcome after signing in = %d; want Ana's page:\n%s", status, page)
	}
	if status, _ := signInWith(t, browserless(t), links[0]); status != http.StatusGone {
		t.Errorf("using the link a second time = %d; want 410", status)
	}
	if strings.Contains(e.logs.String(), links[0][strings.LastIndex(links[0], "/")+1:]) {
		t.Errorf("the console logged a sign-in token:\n%s", e.logs)
	}
	e.now = e.now.Add(time.Second)
	if _, err := e.svc.BatchSuspendUser(e.ctx(), e.team.ID, []string{ana.ID}); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := fetch(t, c, "GET", e.srv.URL+"/welcome", nil); status != http.StatusUnauthorized {
		t.Errorf("GET /welcome after suspension = %d; want 401", status)
	}
}

// TestSignInRequestsLimited asks for a link for one address five times:
// three are sent, and every answer reads the same.
func TestSignInRequestsLimited(t *testing.T) {
	e := newEnv(t)
	e.enterprise()
	e.newMember("ana@example.com")
	c := browserless(t)
	for i := range 5 {
		if status, page := askSignIn(t, e, c, "ana@example.com"); status != 200 || !strings.Contains(page, "If that address has an account") {
			t.Errorf("request %d = %d; want the usual answer:\n%s", i+1, status, page)
		}
	}
	if links := e.signInLinks("ana@example.com"); len(links) != 3 {
		t.Errorf("%d links queued for five requests; want 3", len(links))
	}
}

func TestSignInLinkExpires(t *testing.T) {
	e := newEnv(t)
	e.enterprise()
	e.newMember("bo@example.com")
	c := browserless(t)
	askSignIn(t, e, c, "bo@example.com")
	links := e.signInLinks("bo@example.com")
	if len(links) != 1 {
		t.Fatalf("queued links %v; want one", links)
	}
	e.now = e.now.Add(belfry.SignInTTL + time.Second)
	if status, _ := signInWith(t, c, links[0]); status != http.StatusGone {
		t.Errorf("using the link 15 minutes on = %d; want 410", status)
	}
	if status, _, _ := fetch(t, c, "POST", links[0], url.Values{}); status != http.StatusForbidden {
		t.Errorf("using the link without the page's token = %d; want 403", status)
	}
	if status, _, _ := fetch(t, c, "POST", e.srv.URL+"/signin", url.Values{"email": {"bo@example.com"}}); status != http.StatusForbidden {
		t.Errorf("asking for a link without the page's token = %d; want 403", status)
	}
}
