package belfry_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/sqlite"
)

// TestCreateUserInvalidEmail calls the service directly, as a transport
// that validates less than the Chime API would: an address that is not one
// is a BadRequest, never a panic, even when its text is a claimed domain.
func TestCreateUserInvalidEmail(t *testing.T) {
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "belfry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc := &belfry.Service{Store: store}
	ctx := belfry.WithCaller(context.Background(), belfry.Caller{AwsAccountID: "111122223333", ARN: "arn:aws:iam::111122223333:user/admin"})
	a, err := svc.CreateAccount(ctx, "Directory")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ClaimDomain(ctx, a.ID, "dir.example", belfry.EnterpriseDirectory); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"dir.example", "@dir.example", "ana@dir.example, bo@dir.example", "a\nb@dir.example",
		`x"<y>@dir.example`, "ana@bo@dir.example"} {
		u, err := svc.CreateUser(ctx, a.ID, belfry.CreateUserInput{Email: email})
		if got := belfry.ErrorKind(err); err == nil || got != belfry.BadRequest {
			t.Errorf("CreateUser(Email %q) = %+v, %v (kind %v); want a BadRequest", email, u, err, got)
		}
	}
	users, err := svc.ListUsers(ctx, a.ID, belfry.UserFilter{}, belfry.Page{Limit: 10})
	if err != nil || len(users) != 0 {
		t.Errorf("ListUsers() = %d users, %v; want none", len(users), err)
	}
}
