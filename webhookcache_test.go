package belfry_test

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/sqlite"
)

// Two services on one store stand for two replicas. A webhook that one of
// them deleted or regenerated stops posting at once through the other,
// although the other read it a moment before and keeps it for a while.
func TestWebhookChangedOnAnotherReplica(t *testing.T) {
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "belfry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	inv := belfry.Invitations{PublicURL: "https://chime.example.org"}
	a, b := &belfry.Service{Store: store, Invitations: inv}, &belfry.Service{Store: store, Invitations: inv}
	ctx := belfry.WithCaller(context.Background(), belfry.Caller{AwsAccountID: "111122223333", ARN: "arn:aws:iam::111122223333:root"})
	acct, err := a.CreateAccount(ctx, "Corp")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.ClaimDomain(ctx, acct.ID, "corp.example", belfry.EnterpriseLWA); err != nil {
		t.Fatal(err)
	}
	room, err := a.CreateRoom(ctx, acct.ID, "Deploys", "")
	if err != nil {
		t.Fatal(err)
	}
	hookOf := func(raw string) (id, token string) {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimPrefix(u.Path, "/incomingwebhooks/"), u.Query().Get("token")
	}
	for _, change := range []struct {
		name string
		do   func(id string) error
	}{
		{"deleted", func(id string) error { return b.DeleteWebhook(ctx, acct.ID, id) }},
		{"regenerated", func(id string) error { _, _, err := b.RegenerateWebhook(ctx, acct.ID, id); return err }},
	} {
		_, raw, err := a.CreateWebhook(ctx, acct.ID, room.ID, "CI "+change.name)
		if err != nil {
			t.Fatal(err)
		}
		id, token := hookOf(raw)
		if _, err := a.PostWebhookMessage(ctx, id, token, "before"); err != nil {
			t.Fatalf("%s: the first post = %v", change.name, err)
		}
		if err := change.do(id); err != nil {
			t.Fatal(err)
		}
		m, err := a.PostWebhookMessage(ctx, id, token, "after")
		if belfry.ErrorKind(err) != belfry.NotFound {
			t.Errorf("a post through the other replica once the webhook was %s = %+v, %v; want NotFound", change.name, m, err)
		}
	}
}
