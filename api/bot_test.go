package api_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

// createBot makes a bot of account acct named name, in domain when it is
// not "".
func (e *env) createBot(acct, name, domain string) (*chime.CreateBotOutput, error) {
	in := &chime.CreateBotInput{AccountId: aws.String(acct), DisplayName: aws.String(name)}
	if domain != "" {
		in.Domain = aws.String(domain)
	}
	return e.chime.CreateBot(context.Background(), in)
}

// bot makes a bot of account acct named name and returns it.
func (e *env) bot(acct, name string) types.Bot {
	e.t.Helper()
	out, err := e.createBot(acct, name, "")
	if err != nil {
		e.t.Fatalf("CreateBot(%q) = %v", name, err)
	}
	return *out.Bot
}

// getBot returns bot id of account acct.
func (e *env) getBot(acct, id string) (*chime.GetBotOutput, error) {
	return e.chime.GetBot(context.Background(), &chime.GetBotInput{AccountId: aws.String(acct), BotId: aws.String(id)})
}

func TestCreateBot(t *testing.T) {
	e := newEnv(t)
	acct := e.enterprise("corp", "example.com")
	out, err := e.createBot(acct, "Build Bot", "")
	if err != nil {
		t.Fatalf("CreateBot() = %v", err)
	}
	if got := statusOf(out.ResultMetadata); got != 201 {
		t.Errorf("CreateBot answered %d; want 201", got)
	}
	b := out.Bot
	if aws.ToString(b.DisplayName) != "Build Bot (Bot)" || aws.ToString(b.BotEmail) != "build-bot-chimebot@example.com" ||
		aws.ToString(b.UserId) != aws.ToString(b.BotId) || b.BotType != types.BotTypeChatBot || aws.ToBool(b.Disabled) ||
		len(aws.ToString(b.SecurityToken)) < 32 || b.CreatedTimestamp == nil || b.UpdatedTimestamp == nil {
		t.Errorf("CreateBot() = %+v; want an enabled ChatBot, UserId = BotId, with e-mail, token and times", b)
	}
	got, err := e.getBot(acct, aws.ToString(b.BotId))
	if err != nil {
		t.Fatalf("GetBot() = %v", err)
	}
	if diff := cmp.Diff(got.Bot, b, cmpBot); diff != "" {
		t.Errorf("GetBot() mismatch (-got +want):\n%s", diff)
	}
}

// cmpBot compares Bots by their exported fields.
var cmpBot = cmp.AllowUnexported(types.Bot{})

// TestCreateBotDomain checks that a bot's e-mail is in the domain asked
// for, which must be one of the account's.
func TestCreateBotDomain(t *testing.T) {
	e := newEnv(t)
	acct := e.enterprise("corp", "example.com")
	e.claim(acct, "example.org", belfry.EnterpriseDirectory)
	out, err := e.createBot(acct, "Deploy", "EXAMPLE.org")
	if err != nil {
		t.Fatalf("CreateBot(Domain example.org) = %v", err)
	}
	if got := aws.ToString(out.Bot.BotEmail); got != "deploy-chimebot@example.org" {
		t.Errorf("BotEmail = %q; want deploy-chimebot@example.org", got)
	}
	_, err = e.createBot(acct, "Stray", "example.net")
	if ex := wantErr[*types.BadRequestException](t, err); !strings.Contains(aws.ToString(ex.Message), "example.net") {
		t.Errorf("CreateBot(Domain not the account's) message %q does not name the domain", aws.ToString(ex.Message))
	}
}

func TestCreateBotRefused(t *testing.T) {
	e := newEnv(t)
	team := e.account("team")
	acct := e.enterprise("corp", "example.com")
	_, err := e.createBot(team, "Build", "")
	wantErr[*types.ForbiddenException](t, err)
	_, err = e.chime.ListBots(context.Background(), &chime.ListBotsInput{AccountId: aws.String(team)})
	wantErr[*types.ForbiddenException](t, err)
	_, err = e.getBot(team, "any-bot")
	wantErr[*types.ForbiddenException](t, err)
	for _, name := range []string{"   ", strings.Repeat("b", belfry.MaxBotNameLength+1), "two\nlines"} {
		_, err := e.createBot(acct, name, "")
		wantErr[*types.BadRequestException](t, err)
	}
	_, err = e.createBot(acct, "Build", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.createBot(acct, "build", "")
	wantErr[*types.BadRequestException](t, err) // the same e-mail
	if list := e.listBots(acct, nil, ""); len(list.Bots) != 1 {
		t.Errorf("ListBots() after refusals = %d bots; want 1", len(list.Bots))
	}
}

// listBots returns a page of account acct's bots.
func (e *env) listBots(acct string, max *int32, token string) *chime.ListBotsOutput {
	e.t.Helper()
	in := &chime.ListBotsInput{AccountId: aws.String(acct), MaxResults: max}
	if token != "" {
		in.NextToken = aws.String(token)
	}
	out, err := e.chime.ListBots(context.Background(), in)
	if err != nil {
		e.t.Fatalf("ListBots() = %v", err)
	}
	return out
}

// TestBotLimitAndPages checks that an account holds ten bots, that the
// eleventh is refused, and that ListBots shows them ten to a page by
// default, or in pages of MaxResults, tokens included.
func TestBotLimitAndPages(t *testing.T) {
	e := newEnv(t)
	acct := e.enterprise("corp", "example.com")
	var want []string
	for i := range belfry.MaxBotsPerAccount {
		want = append(want, aws.ToString(e.bot(acct, "bot "+string(rune('a'+i))).BotId))
	}
	_, err := e.createBot(acct, "eleventh", "")
	wantErr[*types.ResourceLimitExceededException](t, err)
	all := e.listBots(acct, nil, "")
	if len(all.Bots) != 10 || all.NextToken != nil {
		t.Errorf("ListBots() = %d bots, NextToken %v; want 10 and no token", len(all.Bots), all.NextToken)
	}
	var got []string
	token := ""
	for range 5 {
		page := e.listBots(acct, aws.Int32(4), token)
		for _, b := range page.Bots {
			got = append(got, aws.ToString(b.BotId))
			if aws.ToString(b.SecurityToken) == "" {
				t.Errorf("ListBots() bot %s has no SecurityToken", aws.ToString(b.BotId))
			}
		}
		if token = aws.ToString(page.NextToken); token == "" {
			break
		}
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("ListBots() pages mismatch (-got +want):\n%s", diff)
	}
}

// TestUpdateBotAndToken checks that UpdateBot disables and enables a bot
// and that RegenerateSecurityToken gives it a new token, both kept.
func TestUpdateBotAndToken(t *testing.T) {
	e := newEnv(t)
	acct := e.enterprise("corp", "example.com")
	other := e.enterprise("other", "example.org")
	b := e.bot(acct, "Build")
	id := aws.String(aws.ToString(b.BotId))
	up, err := e.chime.UpdateBot(context.Background(), &chime.UpdateBotInput{AccountId: aws.String(acct), BotId: id, Disabled: aws.Bool(true)})
	if err != nil || !aws.ToBool(up.Bot.Disabled) {
		t.Fatalf("UpdateBot(Disabled) = %+v, %v; want it disabled", up, err)
	}
	re, err := e.chime.RegenerateSecurityToken(context.Background(), &chime.RegenerateSecurityTokenInput{AccountId: aws.String(acct), BotId: id})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(re.Bot.SecurityToken) == aws.ToString(b.SecurityToken) || !aws.ToBool(re.Bot.Disabled) {
		t.Errorf("RegenerateSecurityToken() = %+v; want a new token, the bot still disabled", re.Bot)
	}
	got, err := e.getBot(acct, *id)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got.Bot, re.Bot, cmpBot); diff != "" {
		t.Errorf("GetBot() after the changes mismatch (-got +want):\n%s", diff)
	}
	_, err = e.chime.UpdateBot(context.Background(), &chime.UpdateBotInput{AccountId: aws.String(acct), BotId: id, Disabled: aws.Bool(false)})
	if got, _ := e.getBot(acct, *id); err != nil || aws.ToBool(got.Bot.Disabled) {
		t.Errorf("UpdateBot(Disabled false) = %v; want the bot enabled again", err)
	}
	_, err = e.getBot(other, *id)
	wantErr[*types.NotFoundException](t, err)
	_, err = e.chime.UpdateBot(context.Background(), &chime.UpdateBotInput{AccountId: aws.String(acct), BotId: aws.String("no-such-bot")})
	wantErr[*types.NotFoundException](t, err)
	_, err = e.chime.RegenerateSecurityToken(context.Background(), &chime.RegenerateSecurityTokenInput{AccountId: aws.String(other), BotId: id})
	wantErr[*types.NotFoundException](t, err)
}

// configure gives bot id an events configuration straight in the database,
// for tests that need no bot endpoint to answer the challenge.
func configure(t *testing.T, db *sql.DB, id string) {
	t.Helper()
	if _, err := db.Exec(`INSERT INTO bot_events (bot_id, outbound_events_https_endpoint) VALUES (?, 'https://bot.example.com/')`, id); err != nil {
		t.Fatal(err)
	}
}

// TestBotRoomMembership checks that a bot joins a room, alone or in a
// batch, only once it has an events configuration and while it is enabled,
// is listed as a Bot by its name, keeps its role, and can be removed even
// when disabled.
func TestBotRoomMembership(t *testing.T) {
	e, db := envWithDB(t)
	acct := e.enterprise("corp", "example.com")
	room := e.room(acct, "Ops")
	build, deploy := aws.ToString(e.bot(acct, "Build").BotId), aws.ToString(e.bot(acct, "Deploy").BotId)
	_, err := e.join(acct, room, build, "")
	wantErr[*types.BadRequestException](t, err)
	configure(t, db, build)
	configure(t, db, deploy)
	out, err := e.join(acct, room, build, "")
	if err != nil {
		t.Fatalf("CreateRoomMembership(bot) = %v", err)
	}
	if m := out.RoomMembership.Member; m.MemberType != types.MemberTypeBot || aws.ToString(m.FullName) != "Build (Bot)" {
		t.Errorf("CreateRoomMembership(bot) member = %+v; want a Bot named Build (Bot)", m)
	}
	_, err = e.setRole(acct, room, build, types.RoomMembershipRoleAdministrator)
	wantErr[*types.BadRequestException](t, err)
	_, err = e.chime.UpdateBot(context.Background(), &chime.UpdateBotInput{AccountId: aws.String(acct), BotId: &deploy, Disabled: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := e.batchJoin(acct, room, item(&deploy, ""))
	if err != nil || len(batch.Errors) != 1 || batch.Errors[0].ErrorCode != types.ErrorCodeBadRequest {
		t.Errorf("BatchCreateRoomMembership(disabled bot) = %+v, %v; want one BadRequest item", batch, err)
	}
	_, err = e.join(acct, room, deploy, "")
	wantErr[*types.BadRequestException](t, err)
	var roster []string
	for _, m := range e.roster(acct, room) {
		roster = append(roster, string(m.Member.MemberType)+" "+aws.ToString(m.Member.FullName)+" "+aws.ToString(m.Member.Email))
	}
	if diff := cmp.Diff(roster, []string{"Bot Build (Bot) build-chimebot@example.com"}); diff != "" {
		t.Errorf("ListRoomMemberships() mismatch (-got +want):\n%s", diff)
	}
	_, err = e.chime.UpdateBot(context.Background(), &chime.UpdateBotInput{AccountId: aws.String(acct), BotId: &build, Disabled: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.leave(acct, room, build); err != nil {
		t.Errorf("DeleteRoomMembership(disabled bot) = %v; want it removed", err)
	}
	if got := e.roster(acct, room); len(got) != 0 {
		t.Errorf("roster after the bot left = %+v; want empty", got)
	}
}

// TestBotBatchJoins checks that an enabled, configured bot joins a room in
// a batch alongside a user.
func TestBotBatchJoins(t *testing.T) {
	e, db := envWithDB(t)
	acct := e.enterprise("corp", "example.com")
	room := e.room(acct, "Ops")
	ana := e.user(acct, "ana@example.com")
	bot := aws.ToString(e.bot(acct, "Build").BotId)
	configure(t, db, bot)
	out, err := e.batchJoin(acct, room, item(ana.UserId, ""), item(&bot, ""))
	if err != nil || len(out.Errors) != 0 {
		t.Fatalf("BatchCreateRoomMembership(user, bot) = %+v, %v; want both made", out, err)
	}
	var kinds []types.MemberType
	for _, m := range e.roster(acct, room) {
		kinds = append(kinds, m.Member.MemberType)
	}
	if diff := cmp.Diff(kinds, []types.MemberType{types.MemberTypeUser, types.MemberTypeBot}); diff != "" {
		t.Errorf("roster member types mismatch (-got +want):\n%s", diff)
	}
}
