package console_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
)

// seattle is the Seattle number of the test pool numbered i.
func seattle(i int) string { return fmt.Sprintf("+1206555%04d", i) }

// phones imports Seattle numbers first to first+count-1 into the pool, as
// `belfry numbers import` does, and gives them to key k's AWS account by
// an order for product, filled as the order worker fills it.
func (e *adminEnv) phones(k *belfry.AccessKey, product belfry.ProductType, first, count int) {
	e.t.Helper()
	ctx := context.Background()
	var nums []*belfry.PhoneNumber
	var ids []string
	for i := first; i < first+count; i++ {
		n, err := belfry.PoolNumber(seattle(i), "US", "Local", "Seattle", "WA")
		if err != nil {
			e.t.Fatal(err)
		}
		nums, ids = append(nums, n), append(ids, n.E164)
	}
	if _, err := e.svc.ImportPhoneNumbers(ctx, nums); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.CreatePhoneNumberOrder(as(k), product, ids); err != nil {
		e.t.Fatal(err)
	}
	jobs, err := e.svc.ClaimJobs(ctx, belfry.KindPhoneOrder, "test", e.now.Add(e.svc.PhoneDelay), time.Minute, 100)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, j := range jobs {
		if err := e.svc.FillPhoneNumberOrder(ctx, j); err != nil {
			e.t.Fatal(err)
		}
		if err := e.svc.FinishJob(ctx, j, belfry.JobOutcome{Status: belfry.JobDone, At: e.now}); err != nil {
			e.t.Fatal(err)
		}
	}
}

// has reports whether page shows text s, once its character references
// are read as a browser reads them: html/template writes '+' as &#43;.
func has(page, s string) bool { return strings.Contains(html.UnescapeString(page), s) }

// phonePage is the console's path of number e164, with its '+' as %2B.
func phonePage(e164 string) string {
	return "/console/phone-numbers/%2B" + strings.TrimPrefix(e164, "+")
}

// number returns number e164 as key k's GetPhoneNumber answers it.
func (e *adminEnv) number(k *belfry.AccessKey, e164 string) *belfry.PhoneNumber {
	e.t.Helper()
	n, err := e.svc.GetPhoneNumber(as(k), e164)
	if err != nil {
		e.t.Fatalf("GetPhoneNumber(%s) = %v", e164, err)
	}
	return n
}

func TestConsolePhoneNumbers(t *testing.T) {
	e := newAdminEnv(t)
	e.phones(e.root, belfry.BusinessCalling, 0, 3)
	e.phones(e.other, belfry.BusinessCalling, 3, 1)
	corp := e.enterprise(e.root, "Corp", "example.com")
	ana, err := e.svc.CreateUser(as(e.root), corp.ID, belfry.CreateUserInput{Email: "ana@example.com", Username: `<i id="x">Ana</i>`})
	if err != nil {
		t.Fatal(err)
	}
	c := e.signIn(e.root)
	if home := e.page(c, "/console/"); !strings.Contains(home, `href="/console/phone-numbers"`) {
		t.Errorf("the console's navigation has no link to the phone numbers:\n%s", home)
	}
	list := e.page(c, "/console/phone-numbers")
	for _, n := range []string{seattle(0), seattle(1), seattle(2)} {
		if !has(list, n) || !strings.Contains(list, `href="`+phonePage(n)+`"`) {
			t.Errorf("the phone numbers page lacks %s or its link:\n%s", n, list)
		}
	}
	if has(list, seattle(3)) {
		t.Errorf("the phone numbers page shows %s, another AWS account's number", seattle(3))
	}
	// Another AWS account's number is not found, whatever the form of its
	// ID, and cannot be changed.
	for _, path := range []string{phonePage(seattle(3)), "/console/phone-numbers/" + seattle(3), "/console/phone-numbers/12065550003"} {
		if status, page, _ := fetch(t, c, "GET", e.srv.URL+path, nil); status != http.StatusNotFound || has(page, seattle(3)+"</") {
			t.Errorf("GET %s, another AWS account's number = %d:\n%s\nwant 404", path, status, page)
		}
	}
	if status, _, _ := e.submit(c, "/console/phone-numbers", phonePage(seattle(3))+"/delete", nil); status != http.StatusNotFound {
		t.Errorf("deleting another AWS account's number = %d; want 404", status)
	}
	if n := e.number(e.other, seattle(3)); n.Status != belfry.NumberUnassigned {
		t.Errorf("another AWS account's number after the refused delete: %s; want Unassigned", n.Status)
	}
	// The number's page reads its ID as the API does: with '+' or %2B.
	for _, path := range []string{phonePage(seattle(0)), "/console/phone-numbers/" + seattle(0)} {
		if page := e.page(c, path); !has(page, `<h1>`+seattle(0)+`</h1>`) || !strings.Contains(page, "Unassigned") {
			t.Errorf("GET %s:\n%s\nwant the number's page, Unassigned", path, page)
		}
	}

	// Associate by e-mail address, then disassociate.
	first := phonePage(seattle(0))
	status, page, resp := e.submit(c, first, first+"/associate", url.Values{"account": {corp.ID}, "user": {"Ana@example.com"}})
	if status != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), first+"?") {
		t.Fatalf("associate = %d to %q:\n%s\nwant 303 back to the number's page", status, resp.Header.Get("Location"), page)
	}
	if n := e.number(e.root, seattle(0)); n.Status != belfry.NumberAssigned || n.UserID != ana.ID || n.AccountID != corp.ID {
		t.Errorf("after associating, GetPhoneNumber = %+v; want Assigned to %s", n, ana.ID)
	}
	if u, _ := e.svc.GetUser(as(e.root), corp.ID, ana.ID); u.PhoneNumber != seattle(0) {
		t.Errorf("after associating, the user's number is %q; want %s", u.PhoneNumber, seattle(0))
	}
	if ev := e.lastAudit(); ev.Operation != "console:AssociatePhoneNumberWithUser" || ev.AccessKeyID != e.root.ID {
		t.Errorf("audit event = %+v; want console:AssociatePhoneNumberWithUser by the root key", ev)
	}
	page = e.page(c, first)
	if !strings.Contains(page, `id="status">Assigned<`) || !strings.Contains(page, "ana@example.com") ||
		!strings.Contains(page, "&lt;i id=&#34;x&#34;&gt;Ana&lt;/i&gt;") || strings.Contains(page, `<i id="x">`) {
		t.Errorf("the number's page after associating:\n%s\nwant Assigned, the user's address and escaped name", page)
	}
	if list := e.page(c, "/console/phone-numbers"); !strings.Contains(list, "ana@example.com") || strings.Contains(list, `<i id="x">`) {
		t.Errorf("the list after associating:\n%s\nwant the user's address by the number, and the name escaped", list)
	}
	// The status filter.
	assigned := e.page(c, "/console/phone-numbers?status=Assigned")
	if !has(assigned, seattle(0)) || has(assigned, seattle(1)) || !strings.Contains(assigned, `<option value="Assigned" selected>`) {
		t.Errorf("numbers Assigned:\n%s\nwant only %s, with the filter shown", assigned, seattle(0))
	}
	unassigned := e.page(c, "/console/phone-numbers?status=Unassigned")
	if has(unassigned, seattle(0)) || !has(unassigned, seattle(1)) || !has(unassigned, seattle(2)) {
		t.Errorf("numbers Unassigned:\n%s\nwant %s and %s only", unassigned, seattle(1), seattle(2))
	}
	if page := e.page(c, "/console/phone-numbers?status=DeleteInProgress"); has(page, "+120655500") || !strings.Contains(page, `id="nonumbers"`) {
		t.Errorf("numbers DeleteInProgress:\n%s\nwant none", page)
	}

	// The service's refusals are shown on the number's page, escaped.
	second := phonePage(seattle(1))
	status, page, _ = e.submit(c, second, second+"/associate", url.Values{"account": {corp.ID}, "user": {ana.ID}})
	if status != http.StatusBadRequest || !strings.Contains(page, `role="alert"`) || !strings.Contains(page, "disassociate it first") {
		t.Errorf("associating a second number with a user = %d:\n%s\nwant 400 with the service's reason", status, page)
	}
	status, page, _ = e.submit(c, second, second+"/associate", url.Values{"account": {corp.ID}, "user": {`<b>bo</b>@example.com`}})
	if status != http.StatusBadRequest || !strings.Contains(page, "&lt;b&gt;bo&lt;/b&gt;@example.com") || strings.Contains(page, "<b>bo") {
		t.Errorf("associating with an unknown address = %d:\n%s\nwant 400 naming the address, escaped", status, page)
	}
	if n := e.number(e.root, seattle(1)); n.Status != belfry.NumberUnassigned {
		t.Errorf("after refused associations the number is %s; want Unassigned", n.Status)
	}

	if status, _, _ := e.submit(c, first, first+"/disassociate", nil); status != http.StatusSeeOther {
		t.Fatalf("disassociate = %d", status)
	}
	if n := e.number(e.root, seattle(0)); n.Status != belfry.NumberUnassigned || n.UserID != "" {
		t.Errorf("after disassociating, GetPhoneNumber = %+v; want Unassigned", n)
	}
	if u, _ := e.svc.GetUser(as(e.root), corp.ID, ana.ID); u.PhoneNumber != "" {
		t.Errorf("after disassociating, the user's number is %q; want none", u.PhoneNumber)
	}
	if page := e.page(c, first); !strings.Contains(page, `id="status">Unassigned<`) || strings.Contains(page, "ana@example.com") {
		t.Errorf("the number's page after disassociating:\n%s\nwant Unassigned and no user", page)
	}

	// Delete to the deletion queue, then restore.
	if status, _, _ := e.submit(c, second, second+"/delete", nil); status != http.StatusSeeOther {
		t.Fatalf("delete = %d", status)
	}
	if n := e.number(e.root, seattle(1)); n.Status != belfry.NumberDeleting {
		t.Errorf("after deleting, the number is %s; want DeleteInProgress", n.Status)
	}
	if ev := e.lastAudit(); ev.Operation != "console:DeletePhoneNumber" {
		t.Errorf("audit event = %+v; want console:DeletePhoneNumber", ev)
	}
	if page := e.page(c, second); !strings.Contains(page, `id="status">DeleteInProgress<`) || !strings.Contains(page, `id="restore"`) {
		t.Errorf("the deleted number's page:\n%s\nwant DeleteInProgress and a Restore button", page)
	}
	if page := e.page(c, "/console/phone-numbers?status=DeleteInProgress"); !has(page, seattle(1)) {
		t.Errorf("numbers DeleteInProgress:\n%s\nwant %s", page, seattle(1))
	}
	if status, _, _ := e.submit(c, second, second+"/restore", nil); status != http.StatusSeeOther {
		t.Fatalf("restore = %d", status)
	}
	if n := e.number(e.root, seattle(1)); n.Status != belfry.NumberUnassigned {
		t.Errorf("after restoring, the number is %s; want Unassigned", n.Status)
	}

	// Product type: a forged value is refused by the service and shown;
	// a VoiceConnector number is for no user.
	third := phonePage(seattle(2))
	if status, page, _ := e.submit(c, third, third+"/product", url.Values{"product": {"Fax<b>"}}); status != http.StatusBadRequest ||
		!strings.Contains(page, "is not a product type") || strings.Contains(page, "Fax<b>") {
		t.Errorf("a forged product type = %d; want 400 saying so, the value escaped", status)
	}
	if n := e.number(e.root, seattle(2)); n.ProductType != belfry.BusinessCalling {
		t.Errorf("after a forged product type the number is %s; want BusinessCalling kept", n.ProductType)
	}
	if status, _, _ := e.submit(c, third, third+"/product", url.Values{"product": {"VoiceConnector"}}); status != http.StatusSeeOther {
		t.Fatalf("change product type = %d", status)
	}
	if n := e.number(e.root, seattle(2)); n.ProductType != belfry.VoiceConnector {
		t.Errorf("after changing the product type it is %s; want VoiceConnector", n.ProductType)
	}
	if ev := e.lastAudit(); ev.Operation != "console:UpdatePhoneNumber" {
		t.Errorf("audit event = %+v; want console:UpdatePhoneNumber", ev)
	}
	status, page, _ = e.submit(c, third, third+"/associate", url.Values{"account": {corp.ID}, "user": {"ana@example.com"}})
	if status != http.StatusBadRequest || !strings.Contains(page, "only BusinessCalling numbers are for users") {
		t.Errorf("associating a VoiceConnector number = %d:\n%s\nwant 400 with the service's reason", status, page)
	}

	// A form without the page's token changes nothing.
	status, _, _ = fetch(t, c, "POST", e.srv.URL+third+"/delete", url.Values{})
	if status != http.StatusForbidden {
		t.Errorf("delete without the CSRF token = %d; want 403", status)
	}
	status, _, _ = fetch(t, c, "POST", e.srv.URL+third+"/delete", url.Values{"csrf": {"forged"}})
	if status != http.StatusForbidden {
		t.Errorf("delete with a forged CSRF token = %d; want 403", status)
	}
	if n := e.number(e.root, seattle(2)); n.Status != belfry.NumberUnassigned {
		t.Errorf("after refused deletes the number is %s; want Unassigned", n.Status)
	}

	// The other AWS account's key sees its own number only.
	tenant := e.signIn(e.other)
	if list := e.page(tenant, "/console/phone-numbers"); !has(list, seattle(3)) || has(list, seattle(0)) {
		t.Errorf("the other key's phone numbers page:\n%s\nwant its own number only", list)
	}
	if status, _, _ := fetch(t, tenant, "GET", e.srv.URL+first, nil); status != http.StatusNotFound {
		t.Errorf("the other key GET the root key's number = %d; want 404", status)
	}
}

// TestConsolePhoneNumbersPages checks that the list pages, and that its
// "next" link keeps the status filter.
func TestConsolePhoneNumbersPages(t *testing.T) {
	e := newAdminEnv(t)
	e.phones(e.root, belfry.BusinessCalling, 0, 101)
	if err := e.svc.DeletePhoneNumber(as(e.root), seattle(50)); err != nil {
		t.Fatal(err)
	}
	c := e.signIn(e.root)
	page := e.page(c, "/console/phone-numbers?status=Unassigned")
	if !has(page, seattle(0)) || !has(page, seattle(100)) || has(page, seattle(50)) {
		t.Fatalf("the Unassigned numbers:\n%s\nwant %s to %s, without the deleted %s", page, seattle(0), seattle(100), seattle(50))
	}
	if strings.Contains(page, `id="next"`) {
		t.Errorf("100 Unassigned numbers, one page, yet a next link")
	}
	page = e.page(c, "/console/phone-numbers")
	next := nextLink.FindStringSubmatch(page)
	if next == nil {
		t.Fatalf("101 numbers and no next link:\n%s", page)
	}
	if page := e.page(c, html.UnescapeString(next[1])); !has(page, seattle(100)) || has(page, seattle(99)) {
		t.Errorf("the second page %s:\n%s\nwant %s only", next[1], page, seattle(100))
	}
	e.phones(e.root, belfry.BusinessCalling, 101, 1)
	page = e.page(c, "/console/phone-numbers?status=Unassigned")
	next = nextLink.FindStringSubmatch(page)
	if next == nil || !strings.Contains(html.UnescapeString(next[1]), "status=Unassigned") {
		t.Fatalf("101 Unassigned numbers: next link %v; want one that keeps the filter", next)
	}
	if page := e.page(c, html.UnescapeString(next[1])); !has(page, seattle(101)) || has(page, seattle(100)) ||
		has(page, seattle(50)) {
		t.Errorf("the second page of Unassigned numbers %s:\n%s\nwant %s only", next[1], page, seattle(101))
	}
}
