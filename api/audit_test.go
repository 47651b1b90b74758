package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/google/go-cmp/cmp"
)

type wireAudit struct {
	Seq                                            int64
	Time                                           string
	AwsAccountID, AccessKeyID, CallerArn, SourceIP string
	RequestID, Operation, AccountID, Summary       string
	Resources                                      []string
}

// audit reads the audit log through the operator API.
func (e *env) audit(query string) (events []wireAudit, next string) {
	e.t.Helper()
	r := e.operator("GET", "/_belfry/audit?"+query, "", http.StatusOK)
	var out struct {
		Events    []wireAudit
		NextToken string
	}
	decodeJSON(e.t, r, &out)
	return out.Events, out.NextToken
}

func operations(events []wireAudit) []string {
	out := []string{}
	for _, ev := range events {
		out = append(out, ev.Operation)
	}
	return out
}

// TestAuditRecordsEveryChange drives every kind of change through the API
// and checks that each, and nothing else, is in the audit log: reads and
// refused requests change nothing and leave no record.
func TestAuditRecordsEveryChange(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	start := time.Now()
	var created *chime.CreateAccountOutput
	created, err := e.chime.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("team")})
	if err != nil {
		t.Fatal(err)
	}
	team := aws.ToString(created.Account.AccountId)
	e.invite(team, "a@example.com")
	e.users(team) // a read: not recorded
	_, err = e.chime.CreateUser(ctx, &chime.CreateUserInput{AccountId: aws.String(team), Email: aws.String("x@example.com")})
	wantErr[*types.BadRequestException](t, err) // refused: not recorded
	e.operator("POST", "/_belfry/domains", `{"AccountId":"`+team+`","Domain":"example.org","Type":"EnterpriseLWA"}`, http.StatusOK)
	u := e.user(team, "ana@example.org")
	room := e.room(team, "ops")
	if _, err := e.chime.CreateRoomMembership(ctx, &chime.CreateRoomMembershipInput{AccountId: aws.String(team), RoomId: aws.String(room), MemberId: u.UserId}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.chime.UpdateUser(ctx, &chime.UpdateUserInput{AccountId: aws.String(team), UserId: u.UserId, LicenseType: types.LicenseBasic}); err != nil {
		t.Fatal(err)
	}
	e.suspendAll(team, aws.ToString(u.UserId))
	e.operator("DELETE", "/_belfry/domains/example.org", "", http.StatusOK)
	if _, err := e.chime.DeleteAccount(ctx, &chime.DeleteAccountInput{AccountId: aws.String(team)}); err != nil {
		t.Fatal(err)
	}
	e.operator("POST", "/_belfry/accounts/"+team+"/restore", "", http.StatusOK)
	e.operator("POST", "/_belfry/keys", `{"AwsAccountId":"444455556666","Name":"ci"}`, http.StatusCreated)

	events, next := e.audit("")
	want := []string{"CreateAccount", "InviteUsers", "ClaimDomain", "CreateUser", "CreateRoom", "CreateRoomMembership",
		"UpdateUser", "BatchSuspendUser", "ReleaseDomain", "DeleteAccount", "RestoreAccount", "CreateAccessKey"}
	if diff := cmp.Diff(want, operations(events)); diff != "" || next != "" {
		t.Fatalf("audited operations (-want +got), NextToken %q:\n%s", next, diff)
	}
	first := events[0]
	requestID, _ := awsmiddleware.GetRequestIDMetadata(created.ResultMetadata)
	wantFirst := wireAudit{
		Seq: first.Seq, Time: first.Time, AwsAccountID: "111122223333", AccessKeyID: e.root.ID, CallerArn: rootARN,
		SourceIP: "127.0.0.1", RequestID: requestID, Operation: "CreateAccount", AccountID: team,
		Resources: []string{team}, Summary: "created Team account team",
	}
	if diff := cmp.Diff(wantFirst, first); diff != "" {
		t.Errorf("CreateAccount's event (-want +got):\n%s", diff)
	}
	if at, err := time.Parse(time.RFC3339, first.Time); err != nil || at.Before(start.Add(-time.Second)) || at.After(time.Now()) {
		t.Errorf("event Time %q (%v), want about %v", first.Time, err, start)
	}
	for _, ev := range events[1:] {
		if ev.RequestID == "" || ev.AccessKeyID != e.root.ID || ev.Summary == "" || ev.Seq <= first.Seq {
			t.Errorf("event %+v lacks who, what or order", ev)
		}
	}
	if ev := events[7]; ev.AccountID != team || len(ev.Resources) != 1 || ev.Resources[0] != aws.ToString(u.UserId) {
		t.Errorf("BatchSuspendUser's event %+v, want the account and the suspended user", ev)
	}
}

func TestAuditFilters(t *testing.T) {
	e := newEnv(t)
	a, b := e.account("a"), e.account("b")
	e.invite(a, "x@example.com")
	e.invite(b, "y@example.com")
	events, _ := e.audit("account-id=" + url.QueryEscape(b))
	if diff := cmp.Diff([]string{"CreateAccount", "InviteUsers"}, operations(events)); diff != "" {
		t.Errorf("events of account b (-want +got):\n%s", diff)
	}
	all, _ := e.audit("")
	page, next := e.audit("limit=3")
	if len(page) != 3 || next != strconv.FormatInt(page[2].Seq, 10) {
		t.Fatalf("limit=3: %d events, NextToken %q; want 3 and the last one's Seq", len(page), next)
	}
	rest, next := e.audit("after=" + next)
	if diff := cmp.Diff(all, append(page, rest...)); diff != "" || next != "" {
		t.Errorf("two pages (-want +got), NextToken %q:\n%s", next, diff)
	}
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	if events, _ := e.audit("since=" + url.QueryEscape(future)); len(events) != 0 {
		t.Errorf("since an hour from now: %d events, want none", len(events))
	}
	for _, q := range []string{"since=yesterday", "limit=0", "limit=1001", "after=-1", "after=x"} {
		r := e.do(request{Method: "GET", Path: "/_belfry/audit?" + q})
		if r.Status != http.StatusBadRequest {
			t.Errorf("GET /_belfry/audit?%s answered %d %s, want 400", q, r.Status, r.Body)
		}
	}
	k, err := e.svc.CreateAccessKey(context.Background(), "111122223333", "not-root")
	if err != nil {
		t.Fatal(err)
	}
	if r := e.do(request{Method: "GET", Path: "/_belfry/audit", Key: k}); r.Status != http.StatusForbidden {
		t.Errorf("the audit log read with a non-root key answered %d, want 403", r.Status)
	}
}
