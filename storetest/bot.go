package storetest

import (
	"context"
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

// ConfigureEvents gives bot botID of store s an events configuration,
// straight in the store's database, without the verification that
// PutEventsConfiguration's callers make; a bot without one cannot join a room. Each store's test sets it
// before Run; the cases that need it are skipped while it is nil.
var ConfigureEvents func(t *testing.T, s belfry.Store, botID string)

var botTests = []test{
	{"CreateGetUpdate", testBotCreateGetUpdate},
	{"OtherAccount", testBotOtherAccount},
	{"Limit", testBotLimit},
	{"EmailTaken", testBotEmailTaken},
	{"Paging", testBotPaging},
	{"JoinsRoom", testBotJoinsRoom},
	{"RefusedFromRoom", testBotRefusedFromRoom},
	{"EventsConfiguration", testEventsConfiguration},
}

// newBot returns an enabled bot of account a named name, not yet stored.
func newBot(a *belfry.Account, name string) *belfry.Bot {
	return &belfry.Bot{
		ID: newID(), AccountID: a.ID, DisplayName: name + " (Bot)", Email: belfry.BotEmail(name, a.Domains[0]),
		SecurityToken: "token-" + name, Created: at(5), Updated: at(5),
	}
}

// mkBot stores a bot of account a named name.
func mkBot(t *testing.T, s belfry.Store, a *belfry.Account, name string) *belfry.Bot {
	t.Helper()
	b := newBot(a, name)
	if err := s.CreateBot(t.Context(), b); err != nil {
		t.Fatalf("CreateBot(%s) = %v", name, err)
	}
	return b
}

func testBotCreateGetUpdate(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	b := mkBot(t, s, a, "Build Bot")
	if b.Seq <= 0 {
		t.Errorf("CreateBot left Seq %d; want it set", b.Seq)
	}
	got, err := s.Bot(t.Context(), a.ID, b.ID)
	if err != nil {
		t.Fatalf("Bot() = %v", err)
	}
	if diff := cmp.Diff(got, b); diff != "" {
		t.Errorf("Bot() mismatch (-got +want):\n%s", diff)
	}
	want := *b
	want.Disabled, want.SecurityToken, want.Updated = true, "token-new", at(9)
	updated, err := s.UpdateBot(t.Context(), a.ID, b.ID, func(b *belfry.Bot) error {
		b.Disabled, b.SecurityToken, b.Updated = true, "token-new", at(9)
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateBot() = %v", err)
	}
	if diff := cmp.Diff(updated, &want); diff != "" {
		t.Errorf("UpdateBot() mismatch (-got +want):\n%s", diff)
	}
	if got, _ = s.Bot(t.Context(), a.ID, b.ID); !cmp.Equal(got, &want) {
		t.Errorf("Bot() after UpdateBot = %+v; want %+v", got, want)
	}
	_, err = s.UpdateBot(t.Context(), a.ID, b.ID, func(*belfry.Bot) error {
		return belfry.Errorf(belfry.BadRequest, "refused")
	})
	wantError(t, "UpdateBot(refused)", err, belfry.BadRequest, "refused")
}

// testBotOtherAccount checks that a bot is found only in its own account.
func testBotOtherAccount(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	other := mkEnterprise(t, s, "example.org")
	b := mkBot(t, s, a, "Build")
	_, err := s.Bot(t.Context(), other.ID, b.ID)
	wantError(t, "Bot(other account)", err, belfry.NotFound, b.ID)
	_, err = s.UpdateBot(t.Context(), other.ID, b.ID, func(*belfry.Bot) error { return nil })
	wantError(t, "UpdateBot(other account)", err, belfry.NotFound, b.ID)
	if list, err := s.ListBots(t.Context(), other.ID, belfry.Page{}); err != nil || len(list) != 0 {
		t.Errorf("ListBots(other account) = %v, %v; want none", list, err)
	}
}

// testBotLimit checks that an account holds at most ten bots.
func testBotLimit(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	for i := range belfry.MaxBotsPerAccount {
		mkBot(t, s, a, "bot"+string(rune('a'+i)))
	}
	err := s.CreateBot(t.Context(), newBot(a, "one too many"))
	wantError(t, "CreateBot(11th)", err, belfry.LimitExceeded, a.ID)
	if list, _ := s.ListBots(t.Context(), a.ID, belfry.Page{}); len(list) != belfry.MaxBotsPerAccount {
		t.Errorf("ListBots() after the refused bot has %d bots; want %d", len(list), belfry.MaxBotsPerAccount)
	}
}

// testBotEmailTaken checks that two bots cannot share an e-mail.
func testBotEmailTaken(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	b := mkBot(t, s, a, "Build")
	err := s.CreateBot(t.Context(), newBot(a, "Build"))
	wantError(t, "CreateBot(same name)", err, belfry.BadRequest, b.Email)
}

// testBotPaging checks that ListBots pages in creation order.
func testBotPaging(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	var want []*belfry.Bot
	for _, name := range []string{"one", "two", "three"} {
		want = append(want, mkBot(t, s, a, name))
	}
	first, err := s.ListBots(t.Context(), a.ID, belfry.Page{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	rest, err := s.ListBots(t.Context(), a.ID, belfry.Page{After: first[len(first)-1].Seq, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(append(first, rest...), want); diff != "" || len(first) != 2 {
		t.Errorf("ListBots() pages mismatch (-got +want):\n%s", diff)
	}
}

// configured stores a bot of account a with an events configuration.
func configured(t *testing.T, s belfry.Store, a *belfry.Account, name string) *belfry.Bot {
	t.Helper()
	if ConfigureEvents == nil {
		t.Skip("the store's test does not set storetest.ConfigureEvents")
	}
	b := mkBot(t, s, a, name)
	ConfigureEvents(t, s, b.ID)
	return b
}

// botMembership is a membership of bot b in room r, as the service makes
// it.
func botMembership(r *belfry.Room, b *belfry.Bot) *belfry.Membership {
	return &belfry.Membership{RoomID: r.ID, Member: belfry.Member{ID: b.ID}, Role: belfry.RoleMember, Updated: at(7)}
}

// testBotJoinsRoom checks that a bot with an events configuration joins a
// room alone and in a batch, is listed as a Bot with its name and e-mail,
// and leaves.
func testBotJoinsRoom(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	b, c := configured(t, s, a, "Build"), configured(t, s, a, "Deploy")
	r := mkRoom(t, s, a, "Ops")
	m := botMembership(r, b)
	if err := s.CreateMembership(t.Context(), a.ID, m); err != nil {
		t.Fatalf("CreateMembership(bot) = %v", err)
	}
	items := []*belfry.MembershipItem{{Membership: botMembership(r, c)}}
	if err := s.CreateMemberships(t.Context(), a.ID, r.ID, items); err != nil || items[0].Err != nil {
		t.Fatalf("CreateMemberships(bot) = %v, item %v", err, items[0].Err)
	}
	list, err := s.ListMemberships(t.Context(), r.ID, belfry.Page{})
	if err != nil {
		t.Fatal(err)
	}
	want := []belfry.Member{
		{ID: b.ID, Type: belfry.MemberBot, Email: b.Email, FullName: "Build (Bot)", AccountID: a.ID},
		{ID: c.ID, Type: belfry.MemberBot, Email: c.Email, FullName: "Deploy (Bot)", AccountID: a.ID},
	}
	var got []belfry.Member
	for _, m := range list {
		got = append(got, m.Member)
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("ListMemberships() members mismatch (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(m.Member, want[0]); diff != "" {
		t.Errorf("CreateMembership() member mismatch (-got +want):\n%s", diff)
	}
	if err := s.DeleteMembership(t.Context(), a.ID, r.ID, b.ID); err != nil {
		t.Errorf("DeleteMembership(bot) = %v", err)
	}
}

// testBotRefusedFromRoom checks that a bot without an events
// configuration, a disabled bot and another account's bot cannot join a
// room, alone or in a batch, and that a disabled bot can still leave.
func testBotRefusedFromRoom(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	other := mkEnterprise(t, s, "example.org")
	r := mkRoom(t, s, a, "Ops")
	bare := mkBot(t, s, a, "Bare")
	off := configured(t, s, a, "Off")
	if err := s.CreateMembership(t.Context(), a.ID, botMembership(r, off)); err != nil {
		t.Fatalf("CreateMembership(enabled bot) = %v", err)
	}
	disable(t, s, a, off)
	stranger := configured(t, s, other, "Stranger")
	err := s.CreateMembership(t.Context(), a.ID, botMembership(r, bare))
	wantError(t, "CreateMembership(no events configuration)", err, belfry.BadRequest, bare.ID, "events configuration")
	err = s.CreateMembership(t.Context(), a.ID, botMembership(r, stranger))
	wantError(t, "CreateMembership(other account's bot)", err, belfry.NotFound, stranger.ID)
	if err := s.DeleteMembership(t.Context(), a.ID, r.ID, off.ID); err != nil {
		t.Errorf("DeleteMembership(disabled bot) = %v", err)
	}
	err = s.CreateMembership(t.Context(), a.ID, botMembership(r, off))
	wantError(t, "CreateMembership(disabled bot)", err, belfry.BadRequest, off.ID, "disabled")
	items := []*belfry.MembershipItem{{Membership: botMembership(r, bare)}, {Membership: botMembership(r, off)}}
	if err := s.CreateMemberships(t.Context(), a.ID, r.ID, items); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(outcomes(items), []string{belfry.BadRequest.String(), belfry.BadRequest.String()}); diff != "" {
		t.Errorf("CreateMemberships() outcomes mismatch (-got +want):\n%s", diff)
	}
}

// disable disables bot b of account a.
func disable(t *testing.T, s belfry.Store, a *belfry.Account, b *belfry.Bot) {
	t.Helper()
	_, err := s.UpdateBot(t.Context(), a.ID, b.ID, func(b *belfry.Bot) error {
		b.Disabled = true
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateBot(disable) = %v", err)
	}
}

// botChanges creates a bot of account a, disables it, and puts and
// deletes its events configuration.
func botChanges(s belfry.Store, a *belfry.Account) []auditedChange {
	b := newBot(a, "Audited")
	return append([]auditedChange{
		{"CreateBot", func(ctx context.Context) error { return s.CreateBot(ctx, b) }},
		{"UpdateBot", func(ctx context.Context) error {
			_, err := s.UpdateBot(ctx, a.ID, b.ID, func(b *belfry.Bot) error {
				b.Disabled = true
				return nil
			})
			return err
		}},
	}, eventsChanges(s, a, b)...)
}
