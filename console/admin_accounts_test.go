package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/belfryhq/belfry"
)

func TestConsoleAccounts(t *testing.T) {
	e := newAdminEnv(t)
	c := e.signIn(e.root)
	status, _, resp := e.submit(c, "/console/", "/console/accounts", url.Values{"name": {`<img src=x onerror=alert(1)> Ops`}})
	if status != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/console/accounts/") {
		t.Fatalf("creating an account = %d to %q; want 303 to its page", status, resp.Header.Get("Location"))
	}
	accounts, err := e.svc.ListAccounts(as(e.root), belfry.AccountFilter{}, belfry.Page{Limit: 10})
	if err != nil || len(accounts) != 1 || accounts[0].Name != "<img src=x onerror=alert(1)> Ops" || accounts[0].Type != belfry.Team {
		t.Fatalf("accounts = %v, %v; want the one Team account the form named", accounts, err)
	}
	acct := accounts[0]
	if ev := e.lastAudit(); ev.Operation != "console:CreateAccount" || ev.AccessKeyID != e.root.ID || ev.AccountID != acct.ID {
		t.Errorf("audit event = %+v; want console:CreateAccount by the root key in the new account", ev)
	}
	page := e.page(c, resp.Header.Get("Location"))
	if strings.Contains(page, "<img src=x") || !strings.Contains(page, "&lt;img src=x onerror=alert(1)&gt; Ops") || !strings.Contains(page, "Created.") {
		t.Errorf("account page:\n%s\nwant the name escaped and the note that it was created", page)
	}
	path := "/console/accounts/" + acct.ID
	status, page, _ = e.submit(c, path, path+"/rename", url.Values{"name": {"Night Shift"}})
	if status != http.StatusSeeOther {
		t.Fatalf("rename = %d:\n%s", status, page)
	}
	if got, _ := e.svc.GetAccount(as(e.root), acct.ID); got.Name != "Night Shift" {
		t.Errorf("after rename Name = %q", got.Name)
	}
	for _, tc := range []struct{ name, action string }{
		{"   ", path + "/rename"},
		{strings.Repeat("n", 101), path + "/rename"},
		{"", "/console/accounts"},
	} {
		status, page, _ := e.submit(c, path, tc.action, url.Values{"name": {tc.name}})
		if status != http.StatusBadRequest || !strings.Contains(page, `role="alert"`) {
			t.Errorf("POST %s name %q = %d:\n%s\nwant 400 with the reason on the page", tc.action, tc.name, status, page)
		}
	}
	if got, _ := e.svc.GetAccount(as(e.root), acct.ID); got.Name != "Night Shift" {
		t.Errorf("after refused renames Name = %q; want it unchanged", got.Name)
	}
	if page := e.page(c, "/console/?note=%3Cscript%3E"); strings.Contains(page, "<script>") || strings.Contains(page, `id="note"`) {
		t.Errorf("a made-up note shows on the page:\n%s", page)
	}
}

func TestConsoleDomains(t *testing.T) {
	e := newAdminEnv(t)
	acct := e.account(e.root, "Corp")
	path := "/console/accounts/" + acct.ID
	c := e.signIn(e.root)
	status, page, _ := e.submit(c, path, path+"/domains", url.Values{"domain": {"Example.COM"}, "type": {"EnterpriseLWA"}})
	if status != http.StatusSeeOther {
		t.Fatalf("claim = %d:\n%s", status, page)
	}
	got, _ := e.svc.GetAccount(as(e.root), acct.ID)
	if got.Type != belfry.EnterpriseLWA || len(got.Domains) != 1 || got.Domains[0] != "example.com" {
		t.Errorf("after the claim account = %+v; want EnterpriseLWA with example.com", got)
	}
	if ev := e.lastAudit(); ev.Operation != "console:ClaimDomain" || ev.AccessKeyID != e.root.ID {
		t.Errorf("audit event = %+v; want console:ClaimDomain by the root key", ev)
	}
	for _, form := range []url.Values{
		{"domain": {"example.org"}, "type": {"Team"}},
		{"domain": {"not a domain"}, "type": {"EnterpriseLWA"}},
		{"domain": {"example.org"}, "type": {"EnterpriseOIDC"}},
	} {
		if status, page, _ := e.submit(c, path, path+"/domains", form); status != http.StatusBadRequest || !strings.Contains(page, `role="alert"`) {
			t.Errorf("claim %v = %d:\n%s\nwant 400 with the reason", form, status, page)
		}
	}
	if status, page, _ := e.submit(c, path, path+"/domains/release", url.Values{"domain": {"other.com"}}); status != http.StatusBadRequest {
		t.Errorf("releasing a domain the account does not claim = %d:\n%s\nwant 400", status, page)
	}
	// A key that is not the root key claims nothing, even in its own account.
	own := e.account(e.other, "Tenant")
	tenant := e.signIn(e.other)
	opath := "/console/accounts/" + own.ID
	if page := e.page(tenant, opath); strings.Contains(page, "Claim domain") {
		t.Errorf("a tenant's account page offers a domain claim")
	}
	status, page, _ = e.submit(tenant, opath, opath+"/domains", url.Values{"domain": {"tenant.com"}, "type": {"EnterpriseLWA"}})
	if status != http.StatusForbidden || !strings.Contains(page, "root access key") {
		t.Errorf("a tenant's claim = %d:\n%s\nwant 403", status, page)
	}
	status, _, _ = e.submit(c, path, path+"/domains/release", url.Values{"domain": {"example.com"}})
	if got, _ := e.svc.GetAccount(as(e.root), acct.ID); status != http.StatusSeeOther || len(got.Domains) != 0 {
		t.Errorf("release = %d, domains after %v; want 303 and none", status, got.Domains)
	}
}

// TestConsoleTenancy checks that a key of another AWS account sees and
// changes nothing of the first's, whatever IDs it puts in the paths.
func TestConsoleTenancy(t *testing.T) {
	e := newAdminEnv(t)
	acct := e.account(e.root, "Root's Team")
	if _, err := e.svc.InviteUsers(as(e.root), acct.ID, []string{"ana@example.com"}, ""); err != nil {
		t.Fatal(err)
	}
	users, _ := e.svc.ListUsers(as(e.root), acct.ID, belfry.UserFilter{}, belfry.Page{Limit: 1})
	e.account(e.other, "Tenant's Team")
	c := e.signIn(e.other)
	if page := e.page(c, "/console/"); strings.Contains(page, "Root&#39;s Team") || !strings.Contains(page, "Tenant&#39;s Team") {
		t.Errorf("the tenant's accounts page:\n%s\nwant only the tenant's account", page)
	}
	path := "/console/accounts/" + acct.ID
	for _, p := range []string{path, path + "/rooms", path + "/bots", "/console/jobs?account=" + acct.ID, "/console/audit?account=" + acct.ID} {
		status, page, _ := fetch(t, c, "GET", e.srv.URL+p, nil)
		if status != http.StatusNotFound || strings.Contains(page, "ana@example.com") || strings.Contains(page, "Root&#39;s Team") {
			t.Errorf("the tenant GET %s = %d:\n%s\nwant 404 that shows nothing", p, status, page)
		}
	}
	for _, action := range []string{path + "/rename", path + "/invite", path + "/users/" + users[0].ID + "/suspend", path + "/rooms"} {
		status, _, _ := e.submit(c, "/console/", action, url.Values{"name": {"Mine"}, "emails": {"eve@example.com"}})
		if status != http.StatusNotFound {
			t.Errorf("the tenant POST %s = %d; want 404", action, status)
		}
	}
	got, _ := e.svc.GetAccount(as(e.root), acct.ID)
	u, _ := e.svc.GetUser(as(e.root), acct.ID, users[0].ID)
	if got.Name != "Root's Team" || u.Registration != belfry.Unregistered {
		t.Errorf("after the tenant's tries: account %q, user %s; want both unchanged", got.Name, u.Registration)
	}
	evs, _ := e.svc.AuditEvents(context.Background(), belfry.AuditFilter{AccountID: acct.ID})
	for _, ev := range evs {
		if ev.AccessKeyID == e.other.ID {
			t.Errorf("the tenant's key changed the root's account: %+v", ev)
		}
	}
}
