package console_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/console"
)

var csrfInput = regexp.MustCompile(`<input type="hidden" name="csrf" value="([^"]+)">`)

// acceptForm opens link with c, as a browser does before submitting, and
// returns the accept form filled in with name and the page's CSRF token.
func acceptForm(t *testing.T, c *http.Client, link, name string) url.Values {
	t.Helper()
	status, page, _ := fetch(t, c, "GET", link, nil)
	m := csrfInput.FindStringSubmatch(page)
	if status != http.StatusOK || m == nil {
		t.Fatalf("GET %s = %d without a CSRF field; page:\n%s", link, status, page)
	}
	return url.Values{"name": {name}, "csrf": {m[1]}}
}

// post sends form to link with c, with extra request headers.
func post(t *testing.T, c *http.Client, link string, form url.Values, header map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", link, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestAcceptRefusesForgedForms posts the accept form as another site would
// make a victim's browser do (login CSRF with the attacker's own link):
// from a foreign page, without the page's token, with a wrong token, with
// another invitation's token, or without the cookie the token belongs to.
// Each is a 403 page that says nothing changed, and nothing did.
func TestAcceptRefusesForgedForms(t *testing.T) {
	e := newEnv(t)
	link, invited := e.invite("mallory@example.com")
	otherLink, _ := e.invite("someone@example.com")
	c := browserless(t)
	good := acceptForm(t, c, link, "Mallory")
	otherForm := acceptForm(t, c, otherLink, "Mallory")
	with := func(field, value string) url.Values {
		f := url.Values{"name": good["name"], "csrf": good["csrf"]}
		f.Set(field, value)
		return f
	}
	tests := []struct {
		name   string
		client *http.Client
		form   url.Values
		header map[string]string
	}{
		{"cross-site fetch metadata", c, good, map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{"same-site but another origin", c, good, map[string]string{"Sec-Fetch-Site": "same-site"}},
		{"foreign Origin", c, good, map[string]string{"Origin": "https://evil.example"}},
		{"no token", c, url.Values{"name": {"Mallory"}}, nil},
		{"wrong token", c, with("csrf", strings.Repeat("A", len(good.Get("csrf")))), nil},
		{"another invitation's token", c, with("csrf", otherForm.Get("csrf")), nil},
		{"token without its cookie", browserless(t), good, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, page := post(t, tt.client, link, tt.form, tt.header)
			if status != http.StatusForbidden || !strings.Contains(page, "Request refused") || !strings.Contains(page, "nothing was changed") {
				t.Errorf("POST = %d, page:\n%s\nwant 403 saying the request was refused and nothing changed", status, page)
			}
			if u := e.user(invited.ID); u.Registration != belfry.Unregistered || u.DisplayName != "" {
				t.Fatalf("after a refused POST the user is %s named %q; want Unregistered, unnamed", u.Registration, u.DisplayName)
			}
		})
	}
	status, _ := post(t, c, link, good, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": e.srv.URL})
	if status != http.StatusSeeOther || e.user(invited.ID).Registration != belfry.Registered {
		t.Errorf("POST from the page itself = %d; want 303 and the user registered", status)
	}
}

// TestFormCookie checks the CSRF cookie's attributes: HttpOnly and
// SameSite=Lax always, and Secure with the __Host- prefix behind HTTPS.
func TestFormCookie(t *testing.T) {
	e := newEnv(t)
	link, _ := e.invite("ana@example.com")
	_, _, resp := fetch(t, browserless(t), "GET", link, nil)
	var ck *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "belfry_csrf" {
			ck = c
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Secure {
		t.Fatalf("the accept page's CSRF cookie = %+v; want belfry_csrf, HttpOnly, SameSite=Lax, Path=/, not Secure over http", ck)
	}
	// The same service behind a server configured for a public https URL.
	secure := httptest.NewServer(console.New(console.Config{Service: e.svc, SessionKey: []byte("test key"), Secure: true}))
	defer secure.Close()
	link, _ = e.invite("bo@example.com")
	_, _, resp = fetch(t, browserless(t), "GET", secure.URL+strings.TrimPrefix(link, e.srv.URL), nil)
	cookies := resp.Cookies()
	if len(cookies) != 1 || cookies[0].Name != "__Host-belfry_csrf" || !cookies[0].Secure || !cookies[0].HttpOnly {
		t.Errorf("behind HTTPS the CSRF cookies are %+v; want one __Host-belfry_csrf, Secure and HttpOnly", cookies)
	}
}
