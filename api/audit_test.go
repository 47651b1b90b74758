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
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
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

// TestAuditRecordsEveryChange makes each operation that changes state, the
// Chime operations derived from the service model and the operator's, and
// checks that each leaves one event naming it, saying who made it, from
// where and when.
func TestAuditRecordsEveryChange(t *testing.T) {
	e := newEnv(t)
	start := time.Now()
	calls, team, user := auditedCalls(e)
	wantEveryWrite(t, calls)
	setup, _ := e.audit("") // auditedCalls made an account to call on
	last := setup[len(setup)-1].Seq
	byOp := make(map[string]wireAudit)
	for _, c := range calls {
		if err := c.call(context.Background()); err != nil {
			t.Fatalf("%s: %v", c.op, err)
		}
		events := e.auditAfter(last)
		if diff := cmp.Diff([]string{c.op}, operations(events)); diff != "" {
			t.Fatalf("events of %s (-want +got):\n%s", c.op, diff)
		}
		ev := events[0]
		if ev.RequestID == "" || ev.AccessKeyID != e.root.ID || ev.CallerArn != rootARN || ev.SourceIP != "127.0.0.1" || ev.Summary == "" {
			t.Errorf("%s's event %+v lacks who, from where or what", c.op, ev)
		}
		if at, err := time.Parse(time.RFC3339, ev.Time); err != nil || at.Before(start.Add(-time.Second)) || at.After(time.Now()) {
			t.Errorf("%s's event Time %q (%v), want about %v", c.op, ev.Time, err, start)
		}
		last, byOp[c.op] = ev.Seq, ev
		if then := workerFollowUps[c.op]; then != nil {
			then(e)
			if after := e.auditAfter(last); len(after) > 0 {
				last = after[len(after)-1].Seq
			}
		}
	}
	if ev := byOp["BatchSuspendUser"]; ev.AccountID != *team || !cmp.Equal(ev.Resources, []string{*user}) {
		t.Errorf("BatchSuspendUser's event %+v, want account %s and the suspended user %s", ev, *team, *user)
	}
}

// TestAuditRecordsNoRead checks that a read, a refused request and each
// operation of the model that changes state but that Belfry does not carry
// out leave nothing in the audit log.
func TestAuditRecordsNoRead(t *testing.T) {
	e := newEnv(t)
	team := e.account("team")
	before, _ := e.audit("")
	e.users(team)
	_, err := e.chime.CreateUser(context.Background(), &chime.CreateUserInput{AccountId: aws.String(team), Email: aws.String("x@example.com")})
	wantErr[*types.BadRequestException](t, err)
	for _, op := range unsupportedWrites() {
		if r := e.do(modelRequest(op)); r.Status != http.StatusBadRequest {
			t.Errorf("%s, which Belfry does not carry out, answered %d %s; want 400", op.Name, r.Status, r.Body)
		}
	}
	if after, _ := e.audit(""); len(after) != len(before) {
		t.Errorf("a read, a refused request and unsupported operations recorded %v; want nothing",
			operations(after[len(before):]))
	}
}

// wantEveryWrite fails t unless calls make every operation that changes
// state.
func wantEveryWrite(t *testing.T, calls []auditedCall) {
	t.Helper()
	made := make(map[string]bool)
	for _, c := range calls {
		made[c.op] = true
	}
	for _, op := range writes() {
		if !made[op] {
			t.Errorf("%s changes state but TestAuditRecordsEveryChange does not make it: add a call of it to auditedCalls", op)
		}
	}
}

// auditAfter returns the events recorded after the one numbered seq.
func (e *env) auditAfter(seq int64) []wireAudit {
	e.t.Helper()
	events, _ := e.audit("after=" + strconv.FormatInt(seq, 10))
	return events
}

// TestAuditEventWhole checks one event field by field against the request
// that made it.
func TestAuditEventWhole(t *testing.T) {
	e := newEnv(t)
	created, err := e.chime.CreateAccount(context.Background(), &chime.CreateAccountInput{Name: aws.String("team")})
	if err != nil {
		t.Fatal(err)
	}
	team := aws.ToString(created.Account.AccountId)
	events, _ := e.audit("")
	if len(events) != 1 {
		t.Fatalf("CreateAccount recorded %d events; want 1", len(events))
	}
	requestID, _ := awsmiddleware.GetRequestIDMetadata(created.ResultMetadata)
	want := wireAudit{
		Seq: events[0].Seq, Time: events[0].Time, AwsAccountID: "111122223333", AccessKeyID: e.root.ID, CallerArn: rootARN,
		SourceIP: "127.0.0.1", RequestID: requestID, Operation: "CreateAccount", AccountID: team,
		Resources: []string{team}, Summary: "created Team account team",
	}
	if diff := cmp.Diff(want, events[0]); diff != "" {
		t.Errorf("CreateAccount's event (-want +got):\n%s", diff)
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
