package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
)

// TestNamesRefuseControlCharacters sets names that people read, at every
// operation that sets one, to text that would change how a listing, a log
// line or an e-mail shows: each is a BadRequestException that names the
// member, and nothing is stored. Names in any script, with the marks that
// right-to-left text needs, still work.
func TestNamesRefuseControlCharacters(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ent := e.enterprise("corp", "example.com")
	bad := map[string]string{
		"NUL": "a\x00b", "line feed": "a\nb", "CR LF": "a\r\nb", "escape sequence": "a\x1b[31mred",
		"right-to-left override": "invoice\u202Efdp.exe", "isolate": "a\u2067b", "C1 control": "a\u0085b",
		"DEL": "a\x7fb", "line separator": "a\u2028b",
	}
	sets := []struct {
		member string
		set    func(name string) error
	}{
		{"Name", func(name string) error {
			_, err := e.chime.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String(name)})
			return err
		}},
		{"Name", func(name string) error {
			_, err := e.chime.UpdateAccount(ctx, &chime.UpdateAccountInput{AccountId: aws.String(ent), Name: aws.String(name)})
			return err
		}},
		{"Username", func(name string) error {
			_, err := e.chime.CreateUser(ctx, &chime.CreateUserInput{
				AccountId: aws.String(ent), Email: aws.String("new@example.com"), Username: aws.String(name),
			})
			return err
		}},
		{"Name", func(name string) error {
			_, err := e.chime.CreateRoom(ctx, &chime.CreateRoomInput{AccountId: aws.String(ent), Name: aws.String(name)})
			return err
		}},
	}
	for i, s := range sets {
		for what, name := range bad {
			br := wantErr[*types.BadRequestException](t, s.set(name))
			if msg := aws.ToString(br.Message); !strings.Contains(msg, s.member) {
				t.Errorf("entry %d, %s: message %q does not name %s", i, what, msg, s.member)
			}
		}
	}
	acct, err := e.chime.GetAccount(ctx, &chime.GetAccountInput{AccountId: aws.String(ent)})
	if err != nil || aws.ToString(acct.Account.Name) != "corp" {
		t.Errorf("account after refused renames: %v, %v; want it named corp", acct, err)
	}
	users, err := e.chime.ListUsers(ctx, &chime.ListUsersInput{AccountId: aws.String(ent)})
	if err != nil || len(users.Users) != 0 {
		t.Errorf("ListUsers after refused creations = %v, %v; want none", users, err)
	}

	for _, good := range []string{"Zoë O'Brien", "\u200Fשלום עולם", "Ünïcödé 日本 👩‍💻"} {
		if err := sets[0].set(good); err != nil {
			t.Errorf("CreateAccount(%q) = %v; want it accepted", good, err)
		}
		if err := sets[3].set(good); err != nil {
			t.Errorf("CreateRoom(%q) = %v; want it accepted", good, err)
		}
	}
}
