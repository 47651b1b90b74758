package console_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
)

var nextLink = regexp.MustCompile(`<a href="([^"]+)" id="next">`)

func TestConsoleJobs(t *testing.T) {
	e := newAdminEnv(t)
	acct := e.account(e.root, "Ops Team")
	if _, err := e.svc.InviteUsers(as(e.root), acct.ID, []string{"ana@example.com", "bo@example.com", "cy@example.com"}, ""); err != nil {
		t.Fatal(err)
	}
	jobs, err := e.svc.ClaimJobs(context.Background(), belfry.KindMail, "test", e.now, time.Minute, 2)
	if err != nil || len(jobs) != 2 {
		t.Fatalf("ClaimJobs = %v, %v", jobs, err)
	}
	failed := belfry.JobOutcome{Status: belfry.JobFailed, At: e.now, Reason: "550 <mailbox> unavailable"}
	retry := belfry.JobOutcome{Status: belfry.JobQueued, At: e.now, Next: e.now.Add(time.Hour), Reason: "421 try later"}
	if err := e.svc.FinishJob(context.Background(), jobs[0], failed); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.FinishJob(context.Background(), jobs[1], retry); err != nil {
		t.Fatal(err)
	}
	c := e.signIn(e.root)
	page := e.page(c, "/console/jobs")
	for _, want := range []string{"Failed", "Retrying", "Pending", "550 &lt;mailbox&gt; unavailable", "421 try later", "Ops Team"} {
		if !strings.Contains(page, want) {
			t.Errorf("job queue page lacks %q:\n%s", want, page)
		}
	}
	if page := e.page(c, "/console/jobs?status=failed&kind=mail&account="+acct.ID); !strings.Contains(page, "550") || strings.Contains(page, "421") {
		t.Errorf("failed jobs page:\n%s\nwant only the failed job", page)
	}
	if page := e.page(c, "/console/jobs?status=done"); !strings.Contains(page, "No jobs match") {
		t.Errorf("done jobs page:\n%s\nwant none", page)
	}
	for _, q := range []string{"status=<b>", "kind=nuke"} {
		status, page, _ := fetch(t, c, "GET", e.srv.URL+"/console/jobs?"+q, nil)
		if status != http.StatusBadRequest || !strings.Contains(page, `role="alert"`) || strings.Contains(page, "<b>") {
			t.Errorf("GET /console/jobs?%s = %d:\n%s\nwant 400 with a message", q, status, page)
		}
	}
	e.account(e.other, "Tenant")
	tenant := e.signIn(e.other)
	if page := e.page(tenant, "/console/jobs?status=all"); strings.Contains(page, "550") || strings.Contains(page, "Ops Team") || !strings.Contains(page, "No jobs match") {
		t.Errorf("the tenant's job queue:\n%s\nwant none of the root's jobs", page)
	}
}

func TestConsoleAudit(t *testing.T) {
	e := newAdminEnv(t)
	c := e.signIn(e.root)
	e.submit(c, "/console/", "/console/accounts", url.Values{"name": {"Ops <Team>"}})
	accounts, _ := e.svc.ListAccounts(as(e.root), belfry.AccountFilter{}, belfry.Page{Limit: 1})
	path := "/console/accounts/" + accounts[0].ID
	e.submit(c, path, path+"/invite", url.Values{"emails": {"ana@example.com"}})
	tenant := e.signIn(e.other)
	e.submit(tenant, "/console/", "/console/accounts", url.Values{"name": {"Tenant Team"}})

	page := e.page(c, "/console/audit")
	for _, want := range []string{"console:CreateAccount", "console:InviteUsers", "invited ana@example.com", "Ops &lt;Team&gt;", e.root.ID, "arn:aws:iam::111122223333:root"} {
		if !strings.Contains(page, want) {
			t.Errorf("the root's audit log lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "Tenant Team") || strings.Contains(page, e.other.ID) {
		t.Errorf("the root's audit log shows the other AWS account's events:\n%s", page)
	}
	page = e.page(tenant, "/console/audit")
	if !strings.Contains(page, "Tenant Team") || strings.Contains(page, "ana@example.com") || strings.Contains(page, e.root.ID) {
		t.Errorf("the tenant's audit log:\n%s\nwant only the tenant's events", page)
	}
	if status, _, _ := fetch(t, tenant, "GET", e.srv.URL+"/console/audit?account="+accounts[0].ID, nil); status != http.StatusNotFound {
		t.Errorf("the tenant filtering on the root's account = %d; want 404", status)
	}
	if page := e.page(c, "/console/audit?operation=inviteusers&account="+accounts[0].ID); !strings.Contains(page, "console:InviteUsers") || strings.Contains(page, "console:CreateAccount") {
		t.Errorf("filtered by operation:\n%s\nwant only InviteUsers", page)
	}
	tomorrow := e.now.Add(24 * time.Hour).Format(time.DateOnly)
	if page := e.page(c, "/console/audit?since="+tomorrow); !strings.Contains(page, "No events match") {
		t.Errorf("since tomorrow:\n%s\nwant none", page)
	}
	status, page, _ := fetch(t, c, "GET", e.srv.URL+"/console/audit?since=%3Cscript%3E", nil)
	if status != http.StatusBadRequest || !strings.Contains(page, `role="alert"`) || strings.Contains(page, "<script>") {
		t.Errorf("a bad since = %d:\n%s\nwant 400 with a message, escaped", status, page)
	}
}

// TestConsoleAuditPages pages through a log longer than a page, in which
// the other AWS account's events are interleaved, and sees each of its own
// events once.
func TestConsoleAuditPages(t *testing.T) {
	e := newAdminEnv(t)
	for i := range 130 {
		k := e.root
		if i%3 == 0 {
			k = e.other
		}
		ctx := belfry.WithAudit(as(k), &belfry.AuditEvent{Time: e.now, AwsAccountID: k.AwsAccountID, AccessKeyID: k.ID, Operation: "CreateAccount"})
		if _, err := e.svc.CreateAccount(ctx, "a"); err != nil {
			t.Fatal(err)
		}
	}
	c := e.signIn(e.root)
	seen, link := 0, "/console/audit"
	for pages := 0; link != ""; pages++ {
		if pages > 3 {
			t.Fatal("more pages than events")
		}
		page := e.page(c, link)
		seen += strings.Count(page, "<span class=\"title\">CreateAccount</span>")
		if strings.Contains(page, e.other.ID) {
			t.Errorf("page %d shows the other AWS account's key", pages)
		}
		link = ""
		if m := nextLink.FindStringSubmatch(page); m != nil {
			link = html.UnescapeString(m[1])
		}
	}
	if seen != 86 {
		t.Errorf("saw %d of the root's events over the pages; want its 86", seen)
	}
}
