package belfry

import (
	"strings"
	"testing"
)

func TestValidWebhookPart(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"0190c3a2-7b1e-7c3d-9f00-123456789abc", true},
		{"AbC-123", true},
		{"", false},
		{"a b", false},
		{"abc%2F", false},
		{"abc/def", false},
		{"ab_cd", false},
		{"é", false},
		{strings.Repeat("a", 129), false},
	} {
		if got := ValidWebhookPart(tc.s); got != tc.want {
			t.Errorf("ValidWebhookPart(%q) = %v; want %v", tc.s, got, tc.want)
		}
	}
}

func TestPlanWebhook(t *testing.T) {
	w := &Webhook{ID: "w", AccountID: "a", RoomID: "r"}
	for _, tc := range []struct {
		f    WebhookFacts
		want Kind
	}{
		{WebhookFacts{RoomFound: true, Webhooks: MaxWebhooksPerRoom - 1}, 0},
		{WebhookFacts{RoomFound: true, Webhooks: MaxWebhooksPerRoom}, LimitExceeded},
		{WebhookFacts{}, NotFound},
	} {
		err := PlanWebhook(w, tc.f)
		if (err == nil) != (tc.want == 0) || err != nil && ErrorKind(err) != tc.want {
			t.Errorf("PlanWebhook(%+v) = %v; want kind %v", tc.f, err, tc.want)
		}
	}
}

func TestWebhookName(t *testing.T) {
	if got, err := WebhookName("  CI builds "); got != "CI builds" || err != nil {
		t.Errorf("WebhookName(padded) = %q, %v; want it trimmed", got, err)
	}
	for _, bad := range []string{"", "   ", "a\u202eb", "bell\a", strings.Repeat("n", MaxWebhookNameLength+1)} {
		if _, err := WebhookName(bad); ErrorKind(err) != BadRequest {
			t.Errorf("WebhookName(%q) = %v; want a BadRequest", bad, err)
		}
	}
}

func TestWebhookNewTokenShape(t *testing.T) {
	a, b := newWebhookToken(), newWebhookToken()
	if !ValidWebhookPart(a) || a == b || len(a) != 64 {
		t.Errorf("newWebhookToken() = %q, %q; want two different 64-character tokens of letters and digits", a, b)
	}
}
