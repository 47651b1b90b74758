package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

var webhookTests = []test{
	{"CreateListAndFind", testWebhookCreate},
	{"TenPerRoom", testWebhookLimit},
	{"UnknownRoom", testWebhookUnknownRoom},
	{"RegenerateAndDelete", testWebhookRegenerate},
	{"GoesWithItsRoom", testWebhookRoomDeleted},
	{"Posts", testWebhookPosts},
	{"BroadcastInLargeRoom", testWebhookBroadcast},
}

// newWebhook returns a webhook of room r, not yet stored.
func newWebhook(r *belfry.Room, name string, n int) *belfry.Webhook {
	return &belfry.Webhook{ID: newID(), AccountID: r.AccountID, RoomID: r.ID, Name: name,
		TokenHash: belfry.WebhookTokenHash("token-" + name), Created: at(n)}
}

// mkWebhook stores a webhook of room r.
func mkWebhook(t *testing.T, s belfry.Store, r *belfry.Room, name string) *belfry.Webhook {
	t.Helper()
	w := newWebhook(r, name, 5)
	if err := s.CreateWebhook(t.Context(), w); err != nil {
		t.Fatalf("CreateWebhook(%s) = %v", name, err)
	}
	return w
}

func testWebhookCreate(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	r, other := mkRoom(t, s, a, "Ops"), mkRoom(t, s, a, "Other")
	ci, alerts := mkWebhook(t, s, r, "CI"), mkWebhook(t, s, r, "Alerts")
	mkWebhook(t, s, other, "Elsewhere")
	if ci.Seq <= 0 || alerts.Seq <= ci.Seq {
		t.Errorf("CreateWebhook() Seqs = %d, %d; want rising positive numbers", ci.Seq, alerts.Seq)
	}
	got, err := s.ListWebhooks(t.Context(), a.ID, r.ID)
	if err != nil {
		t.Fatalf("ListWebhooks() = %v", err)
	}
	if diff := cmp.Diff(got, []*belfry.Webhook{ci, alerts}); diff != "" {
		t.Errorf("ListWebhooks() mismatch (-got +want):\n%s", diff)
	}
	found, err := s.Webhook(t.Context(), alerts.ID)
	if err != nil {
		t.Fatalf("Webhook() = %v", err)
	}
	if diff := cmp.Diff(found, alerts); diff != "" {
		t.Errorf("Webhook() mismatch (-got +want):\n%s", diff)
	}
	stranger := mkEnterprise(t, s, "example.net")
	if got, err := s.ListWebhooks(t.Context(), stranger.ID, r.ID); err != nil || len(got) != 0 {
		t.Errorf("ListWebhooks(another account's room) = %v, %v; want none", got, err)
	}
	_, err = s.Webhook(t.Context(), "no-such-webhook")
	wantError(t, "Webhook(unknown)", err, belfry.NotFound)
}

func testWebhookLimit(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	r := mkRoom(t, s, a, "Ops")
	for i := range belfry.MaxWebhooksPerRoom {
		mkWebhook(t, s, r, fmt.Sprint("hook ", i))
	}
	err := s.CreateWebhook(t.Context(), newWebhook(r, "one too many", 6))
	wantError(t, "CreateWebhook(an 11th)", err, belfry.LimitExceeded, r.ID)
	mkWebhook(t, s, mkRoom(t, s, a, "Other"), "in another room")
}

func testWebhookUnknownRoom(t *testing.T, s belfry.Store) {
	a, b := mkEnterprise(t, s, "example.com"), mkEnterprise(t, s, "example.net")
	r := mkRoom(t, s, a, "Ops")
	w := newWebhook(r, "CI", 5)
	w.AccountID = b.ID
	wantError(t, "CreateWebhook(another account's room)", s.CreateWebhook(t.Context(), w), belfry.NotFound, r.ID)
	w = newWebhook(r, "CI", 5)
	w.RoomID = "no-such-room"
	wantError(t, "CreateWebhook(no such room)", s.CreateWebhook(t.Context(), w), belfry.NotFound, "no-such-room")
}

func testWebhookRegenerate(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	a, b := mkEnterprise(t, s, "example.com"), mkEnterprise(t, s, "example.net")
	r := mkRoom(t, s, a, "Ops")
	w := mkWebhook(t, s, r, "CI")
	oldID, newHash := w.ID, belfry.WebhookTokenHash("another token")
	_, err := s.UpdateWebhook(ctx, b.ID, w.ID, func(*belfry.Webhook) error { return nil })
	wantError(t, "UpdateWebhook(another account)", err, belfry.NotFound, w.ID)
	got, err := s.UpdateWebhook(ctx, a.ID, w.ID, func(w *belfry.Webhook) error {
		w.ID, w.Name, w.TokenHash = "regenerated-"+oldID, "Builds", newHash
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateWebhook() = %v", err)
	}
	want := *w
	want.ID, want.Name, want.TokenHash = "regenerated-"+oldID, "Builds", newHash
	if diff := cmp.Diff(got, &want); diff != "" {
		t.Errorf("UpdateWebhook() mismatch (-got +want):\n%s", diff)
	}
	_, err = s.Webhook(ctx, oldID)
	wantError(t, "Webhook(the ID before regenerating)", err, belfry.NotFound)
	if found, err := s.Webhook(ctx, want.ID); err != nil || !cmp.Equal(found, &want) {
		t.Errorf("Webhook(new ID) = %+v, %v; want %+v", found, err, &want)
	}
	wantError(t, "DeleteWebhook(another account)", s.DeleteWebhook(ctx, b.ID, want.ID), belfry.NotFound)
	if err := s.DeleteWebhook(ctx, a.ID, want.ID); err != nil {
		t.Fatalf("DeleteWebhook() = %v", err)
	}
	wantError(t, "DeleteWebhook(again)", s.DeleteWebhook(ctx, a.ID, want.ID), belfry.NotFound)
	_, err = s.Webhook(ctx, want.ID)
	wantError(t, "Webhook(deleted)", err, belfry.NotFound)
}

func testWebhookRoomDeleted(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	r := mkRoom(t, s, a, "Ops")
	w := mkWebhook(t, s, r, "CI")
	if err := s.DeleteRoom(t.Context(), a.ID, r.ID); err != nil {
		t.Fatalf("DeleteRoom() = %v", err)
	}
	_, err := s.Webhook(t.Context(), w.ID)
	wantError(t, "Webhook(of a deleted room)", err, belfry.NotFound)
}

// webhookPost returns a message of webhook w, not yet stored.
func webhookPost(w *belfry.Webhook, content string) *belfry.Message {
	return &belfry.Message{ID: newID(), AccountID: w.AccountID, RoomID: w.RoomID,
		Sender:  belfry.Sender{ID: w.ID, Type: belfry.MemberWebhook, Name: w.Name + " (Webhook)"},
		Content: content, Created: at(9)}
}

// testWebhookPosts checks that a webhook posts into its own room, though
// it is no member, and into no other, and not once deleted.
func testWebhookPosts(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	a := mkEnterprise(t, s, "example.com")
	r, other := mkRoom(t, s, a, "Ops"), mkRoom(t, s, a, "Other")
	w := mkWebhook(t, s, r, "CI")
	m := webhookPost(w, "<b>build</b> @All")
	if err := s.PostMessage(ctx, m); err != nil {
		t.Fatalf("PostMessage(webhook) = %v", err)
	}
	got, err := s.ListHistory(ctx, a.ID, belfry.Thread{RoomID: r.ID}, 0, 10)
	if err != nil {
		t.Fatalf("ListHistory() = %v", err)
	}
	if diff := cmp.Diff(got, []*belfry.Message{m}); diff != "" {
		t.Errorf("ListHistory() mismatch (-got +want):\n%s", diff)
	}
	astray := webhookPost(w, "wrong room")
	astray.RoomID = other.ID
	wantError(t, "PostMessage(webhook into another room)", s.PostMessage(ctx, astray), belfry.NotFound, "webhook")
	if err := s.DeleteWebhook(ctx, a.ID, w.ID); err != nil {
		t.Fatalf("DeleteWebhook() = %v", err)
	}
	wantError(t, "PostMessage(deleted webhook)", s.PostMessage(ctx, webhookPost(w, "late")), belfry.NotFound, "webhook")
}

// testWebhookBroadcast checks that a webhook may mention @All or @Present
// in a room of 50 members but not of 51.
func testWebhookBroadcast(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	a := mkEnterprise(t, s, "example.com")
	r := mkRoom(t, s, a, "Everyone")
	w := mkWebhook(t, s, r, "CI")
	var items []*belfry.MembershipItem
	for i := range belfry.MaxBroadcastMembers {
		items = append(items, batchOf(r, mkUser(t, s, a, fmt.Sprintf("u%d@example.com", i)))...)
	}
	if err := s.CreateMemberships(ctx, a.ID, r.ID, items); err != nil {
		t.Fatalf("CreateMemberships() = %v", err)
	}
	if err := s.PostMessage(ctx, webhookPost(w, "@All deploy at 5")); err != nil {
		t.Fatalf("PostMessage(@All in a room of 50) = %v", err)
	}
	mkMembership(t, s, a, r, mkUser(t, s, a, "one-more@example.com"))
	for _, content := range []string{"@All deploy at 5", "hello @present."} {
		err := s.PostMessage(ctx, webhookPost(w, content))
		wantError(t, "PostMessage("+content+" in a room of 51)", err, belfry.BadRequest, "51")
	}
	if err := s.PostMessage(ctx, webhookPost(w, "mail "+strings.Repeat("x", 3)+"@all.example.com")); err != nil {
		t.Errorf("PostMessage(an address, not a mention) = %v", err)
	}
}

// webhookChanges creates, regenerates and deletes a webhook of a room of
// account a.
func webhookChanges(s belfry.Store, a *belfry.Account) []auditedChange {
	r := newRoom(a, "Hooks", "")
	w := newWebhook(r, "CI", 5)
	return []auditedChange{
		{"CreateRoom", func(ctx context.Context) error {
			_, err := s.CreateRoom(ctx, r)
			return err
		}},
		{"CreateWebhook", func(ctx context.Context) error { return s.CreateWebhook(ctx, w) }},
		{"UpdateWebhook", func(ctx context.Context) error {
			_, err := s.UpdateWebhook(ctx, a.ID, w.ID, func(w *belfry.Webhook) error {
				w.Name = "Builds"
				return nil
			})
			return err
		}},
		{"DeleteWebhook", func(ctx context.Context) error { return s.DeleteWebhook(ctx, a.ID, w.ID) }},
	}
}
