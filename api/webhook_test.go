package api_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/google/go-cmp/cmp"
)

type wireHook struct {
	WebhookId, AccountId, RoomId, Name, CreatedTimestamp, Url string
}

// hookURL is the shape AWS Chatbot validates, on Belfry's public URL.
var hookURL = regexp.MustCompile(`^https://chime\.example\.org/incomingwebhooks/[A-Za-z0-9\-]+?\?token=[A-Za-z0-9\-]+$`)

func (e *env) createHook(acct, room, name string) wireHook {
	e.t.Helper()
	var out struct{ Webhook wireHook }
	r := e.operator("POST", "/_belfry/webhooks", fmt.Sprintf(`{"AccountId":%q,"RoomId":%q,"Name":%q}`, acct, room, name), http.StatusCreated)
	decodeJSON(e.t, r, &out)
	return out.Webhook
}

func (e *env) listHooks(acct, room string) []wireHook {
	e.t.Helper()
	var out struct{ Webhooks []wireHook }
	decodeJSON(e.t, e.operator("GET", "/_belfry/webhooks?account-id="+acct+"&room-id="+room, "", http.StatusOK), &out)
	return out.Webhooks
}

func TestOperatorWebhooks(t *testing.T) {
	e := newEnv(t)
	e.svc.Invitations.PublicURL = "https://chime.example.org/"
	acct := e.enterprise("corp", "example.com")
	room := e.room(acct, "ops")
	ci := e.createHook(acct, room, "  CI  ")
	if !hookURL.MatchString(ci.Url) || ci.Name != "CI" || ci.AccountId != acct || ci.RoomId != room {
		t.Errorf("created webhook = %+v; want CI in the room with a URL of Chime's shape", ci)
	}
	listed := ci
	listed.Url = ""
	if diff := cmp.Diff(e.listHooks(acct, room), []wireHook{listed}); diff != "" {
		t.Errorf("listed webhooks (-got +want), the URL shown only once:\n%s", diff)
	}
	var regen struct{ Webhook wireHook }
	decodeJSON(t, e.operator("POST", "/_belfry/webhooks/"+ci.WebhookId+"/regenerate", `{"AccountId":"`+acct+`"}`, http.StatusOK), &regen)
	if w := regen.Webhook; !hookURL.MatchString(w.Url) || w.Url == ci.Url || w.WebhookId == ci.WebhookId || w.Name != "CI" {
		t.Errorf("regenerated webhook = %+v; want CI with a new ID and URL", w)
	}
	e.operator("POST", "/_belfry/webhooks/"+ci.WebhookId+"/regenerate", `{"AccountId":"`+acct+`"}`, http.StatusNotFound)
	e.operator("DELETE", "/_belfry/webhooks/"+ci.WebhookId+"?account-id="+acct, "", http.StatusNotFound)
	e.operator("DELETE", "/_belfry/webhooks/"+regen.Webhook.WebhookId+"?account-id="+acct, "", http.StatusNoContent)
	if got := e.listHooks(acct, room); len(got) != 0 {
		t.Errorf("webhooks after the delete = %+v; want none", got)
	}
}

func TestOperatorWebhooksRefused(t *testing.T) {
	e := newEnv(t)
	acct := e.enterprise("corp", "example.com")
	room := e.room(acct, "ops")
	team := e.account("team")
	for range 10 {
		e.createHook(acct, room, "hook")
	}
	for _, tc := range []struct {
		name, body string
		status     int
	}{
		{"an 11th", `{"AccountId":"` + acct + `","RoomId":"` + room + `","Name":"more"}`, http.StatusBadRequest},
		{"no name", `{"AccountId":"` + acct + `","RoomId":"` + room + `","Name":" "}`, http.StatusBadRequest},
		{"unknown room", `{"AccountId":"` + acct + `","RoomId":"nope","Name":"x"}`, http.StatusNotFound},
		{"unknown account", `{"AccountId":"nope","RoomId":"` + room + `","Name":"x"}`, http.StatusNotFound},
		{"Team account", `{"AccountId":"` + team + `","RoomId":"` + room + `","Name":"x"}`, http.StatusForbidden},
		{"unknown member", `{"AccountId":"` + acct + `","RoomId":"` + room + `","Name":"x","Token":"y"}`, http.StatusBadRequest},
		{"not JSON", `AccountId=x`, http.StatusBadRequest},
	} {
		r := e.do(request{Method: "POST", Path: "/_belfry/webhooks", Body: []byte(tc.body)})
		if r.Status != tc.status {
			t.Errorf("POST /_belfry/webhooks (%s) = %d %s; want %d", tc.name, r.Status, r.Body, tc.status)
		}
	}
}

// TestRosterListsWebhooks checks that ListRoomMemberships lists a room's
// webhooks, as MemberType Webhook, after its users, however it is paged.
func TestRosterListsWebhooks(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.enterprise("corp", "example.com")
	room := e.room(acct, "ops")
	var want []string
	for i := range 3 {
		u := e.user(acct, fmt.Sprintf("user%d@example.com", i))
		if _, err := e.join(acct, room, aws.ToString(u.UserId), ""); err != nil {
			t.Fatal(err)
		}
		want = append(want, aws.ToString(u.UserId))
	}
	ci, alerts := e.createHook(acct, room, "CI"), e.createHook(acct, room, "Alerts")
	want = append(want, ci.WebhookId, alerts.WebhookId)
	e.createHook(acct, e.room(acct, "other"), "Elsewhere")
	for _, size := range []int32{1, 2, 3, 4, 10} {
		var got []string
		var hooks []types.Member
		p := chime.NewListRoomMembershipsPaginator(e.chime, &chime.ListRoomMembershipsInput{
			AccountId: aws.String(acct), RoomId: aws.String(room), MaxResults: aws.Int32(size),
		})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("ListRoomMemberships(MaxResults %d) = %v", size, err)
			}
			got = append(got, memberIDs(out.RoomMemberships)...)
			for _, m := range out.RoomMemberships {
				if m.Member.MemberType == types.MemberTypeWebhook {
					hooks = append(hooks, *m.Member)
				}
			}
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("members over pages of %d (-got +want):\n%s", size, diff)
		}
		if len(hooks) != 2 || aws.ToString(hooks[0].FullName) != "CI" || aws.ToString(hooks[1].FullName) != "Alerts" {
			t.Errorf("webhooks over pages of %d = %+v; want CI and Alerts, MemberType Webhook", size, hooks)
		}
	}
}
