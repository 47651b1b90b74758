package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var (
	cmpEmpty = cmpopts.EquateEmpty()
	cmpSDK   = cmpopts.IgnoreUnexported(types.PhoneNumberCountry{}, types.OrderedPhoneNumber{}, types.PhoneNumberError{})
)

func (e *env) associateErr(acct, user, number string) error {
	_, err := e.chime.AssociatePhoneNumberWithUser(context.Background(), &chime.AssociatePhoneNumberWithUserInput{
		AccountId: aws.String(acct), UserId: aws.String(user), E164PhoneNumber: aws.String(number)})
	return err
}

func (e *env) associate(acct, user, number string) {
	e.t.Helper()
	if err := e.associateErr(acct, user, number); err != nil {
		e.t.Fatalf("AssociatePhoneNumberWithUser(%s) = %v", number, err)
	}
}

func (e *env) disassociate(acct, user string) error {
	_, err := e.chime.DisassociatePhoneNumberFromUser(context.Background(), &chime.DisassociatePhoneNumberFromUserInput{
		AccountId: aws.String(acct), UserId: aws.String(user)})
	return err
}

func (e *env) getUser(acct, user string) types.User {
	e.t.Helper()
	out, err := e.chime.GetUser(context.Background(), &chime.GetUserInput{AccountId: aws.String(acct), UserId: aws.String(user)})
	if err != nil {
		e.t.Fatal(err)
	}
	return *out.User
}

func TestAssociatePhoneNumberWithUser(t *testing.T) {
	e := newEnv(t)
	e.pool(3)
	e.acquire(types.PhoneNumberProductTypeBusinessCalling, seattle(0), seattle(1))
	e.acquire(types.PhoneNumberProductTypeVoiceConnector, seattle(2))
	acct := e.enterprise("corp", "example.com")
	ana, bo := aws.ToString(e.user(acct, "ana@example.com").UserId), aws.ToString(e.user(acct, "bo@example.com").UserId)
	e.associate(acct, ana, seattle(0))
	e.associate(acct, ana, seattle(0)) // the number the user holds: nothing changes
	if got := aws.ToString(e.getUser(acct, ana).PrimaryProvisionedNumber); got != seattle(0) {
		t.Errorf("GetUser's PrimaryProvisionedNumber = %q; want %s", got, seattle(0))
	}
	users := e.users(acct)
	if got := aws.ToString(users[0].PrimaryProvisionedNumber); got != seattle(0) {
		t.Errorf("ListUsers' PrimaryProvisionedNumber = %q; want %s", got, seattle(0))
	}
	n, _ := e.getNumber(seattle(0))
	if n.Status != types.PhoneNumberStatusAssigned || len(n.Associations) != 2 ||
		aws.ToString(n.Associations[0].Value) != ana || n.Associations[0].Name != "UserId" ||
		aws.ToString(n.Associations[1].Value) != acct || n.Associations[1].Name != "AccountId" || n.Associations[0].AssociatedTimestamp == nil {
		t.Errorf("associated number = %+v; want it Assigned to user %s of account %s", n, ana, acct)
	}
	for name, err := range map[string]error{
		"second number":       e.associateErr(acct, ana, seattle(1)),
		"another's number":    e.associateErr(acct, bo, seattle(0)),
		"VoiceConnector":      e.associateErr(acct, bo, seattle(2)),
		"number not E.164":    e.associateErr(acct, bo, "12ab"),
		"number not acquired": e.associateErr(acct, bo, "+15035550100"),
	} {
		if name == "number not acquired" {
			wantErr[*types.NotFoundException](t, err)
			continue
		}
		wantErr[*types.BadRequestException](t, err)
	}
	wantErr[*types.NotFoundException](t, e.associateErr(acct, "nobody", seattle(1)))
	wantErr[*types.NotFoundException](t, e.associateErr("00000000-0000-4000-8000-000000000000", ana, seattle(1)))
	if err := e.disassociate(acct, ana); err != nil {
		t.Fatal(err)
	}
	if got := e.getUser(acct, ana).PrimaryProvisionedNumber; got != nil {
		t.Errorf("after disassociation PrimaryProvisionedNumber = %q; want none", *got)
	}
	n, _ = e.getNumber(seattle(0))
	if n.Status != types.PhoneNumberStatusUnassigned || len(n.Associations) != 0 {
		t.Errorf("disassociated number = %+v; want it Unassigned without associations", n)
	}
	if err := e.disassociate(acct, ana); err != nil {
		t.Errorf("disassociating a user without a number = %v; want nothing to do", err)
	}
	e.associate(acct, bo, seattle(0)) // free again
}

func (e *env) deleteNumber(id string) error {
	_, err := e.chime.DeletePhoneNumber(context.Background(), &chime.DeletePhoneNumberInput{PhoneNumberId: aws.String(id)})
	return err
}

func TestDeleteAndRestorePhoneNumber(t *testing.T) {
	e := newEnv(t)
	now := time.Now().UTC()
	e.svc.Clock = func() time.Time { return now }
	e.pool(3)
	e.acquire(types.PhoneNumberProductTypeBusinessCalling, seattle(0), seattle(1), seattle(2))
	acct := e.enterprise("corp", "example.com")
	ana := aws.ToString(e.user(acct, "ana@example.com").UserId)
	e.associate(acct, ana, seattle(0))
	wantErr[*types.BadRequestException](t, e.deleteNumber(seattle(0)))
	if err := e.deleteNumber("%2B" + seattle(1)[1:]); err != nil {
		t.Fatal(err)
	}
	n, _ := e.getNumber(seattle(1))
	if n.Status != types.PhoneNumberStatusDeleteInProgress || n.DeletionTimestamp == nil {
		t.Errorf("deleted number = %+v; want it DeleteInProgress with a DeletionTimestamp", n)
	}
	wantErr[*types.BadRequestException](t, e.deleteNumber(seattle(1)))
	wantErr[*types.NotFoundException](t, e.deleteNumber("+15035550100"))
	out, err := e.chime.BatchDeletePhoneNumber(context.Background(), &chime.BatchDeletePhoneNumberInput{
		PhoneNumberIds: []string{seattle(0), seattle(2), "+15035550100"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []types.PhoneNumberError{{PhoneNumberId: aws.String(seattle(0)), ErrorCode: "PhoneNumberAssociationsExist"},
		{PhoneNumberId: aws.String("+15035550100"), ErrorCode: "NotFound"}}
	if diff := cmp.Diff(out.PhoneNumberErrors, want, cmpSDK, cmpopts.IgnoreFields(types.PhoneNumberError{}, "ErrorMessage")); diff != "" {
		t.Errorf("BatchDeletePhoneNumber errors mismatch (-got +want):\n%s", diff)
	}
	restored, err := e.chime.RestorePhoneNumber(context.Background(), &chime.RestorePhoneNumberInput{PhoneNumberId: aws.String(seattle(2))})
	if err != nil || restored.PhoneNumber.Status != types.PhoneNumberStatusUnassigned || restored.PhoneNumber.DeletionTimestamp != nil {
		t.Errorf("RestorePhoneNumber() = %+v, %v; want the number Unassigned", restored, err)
	}
	_, err = e.chime.RestorePhoneNumber(context.Background(), &chime.RestorePhoneNumberInput{PhoneNumberId: aws.String(seattle(2))})
	wantErr[*types.BadRequestException](t, err)
	now = now.Add(7*24*time.Hour - time.Second)
	if n, err := e.svc.ReturnDeletedPhoneNumbers(context.Background()); err != nil || n != 0 {
		t.Errorf("ReturnDeletedPhoneNumbers() before 7 days = %d, %v; want none", n, err)
	}
	now = now.Add(time.Second)
	if n, err := e.svc.ReturnDeletedPhoneNumbers(context.Background()); err != nil || n != 1 {
		t.Errorf("ReturnDeletedPhoneNumbers() after 7 days = %d, %v; want 1", n, err)
	}
	_, err = e.getNumber(seattle(1))
	wantErr[*types.NotFoundException](t, err)
	found, err := e.search(&chime.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("206")})
	if err != nil || len(found.E164PhoneNumbers) != 1 || found.E164PhoneNumbers[0] != seattle(1) {
		t.Errorf("search after 7 days = %+v, %v; want %s back in the pool", found, err, seattle(1))
	}
}

func (e *env) updateNumber(in *chime.UpdatePhoneNumberInput) (*types.PhoneNumber, error) {
	out, err := e.chime.UpdatePhoneNumber(context.Background(), in)
	if err != nil {
		return nil, err
	}
	return out.PhoneNumber, nil
}

func TestUpdatePhoneNumber(t *testing.T) {
	e := newEnv(t)
	now := time.Now().UTC()
	e.svc.Clock = func() time.Time { return now }
	e.svc.PhoneDelay = time.Hour
	e.pool(1)
	e.acquire(types.PhoneNumberProductTypeBusinessCalling, seattle(0))
	e.acquire(types.PhoneNumberProductTypeVoiceConnector, "+18005550100")
	e.acquire(types.PhoneNumberProductTypeSipMediaApplicationDialIn, "+4930555010")
	id := aws.String(seattle(0))
	n, err := e.updateNumber(&chime.UpdatePhoneNumberInput{PhoneNumberId: id, ProductType: types.PhoneNumberProductTypeVoiceConnector})
	if err != nil || n.ProductType != types.PhoneNumberProductTypeVoiceConnector {
		t.Errorf("UpdatePhoneNumber(ProductType) = %+v, %v", n, err)
	}
	n, err = e.updateNumber(&chime.UpdatePhoneNumberInput{PhoneNumberId: id, CallingName: aws.String("Example Corp")})
	if err != nil || aws.ToString(n.CallingName) != "Example Corp" || n.CallingNameStatus != types.CallingNameStatusUpdateInProgress {
		t.Errorf("UpdatePhoneNumber(CallingName) = %+v, %v; want it UpdateInProgress", n, err)
	}
	_, err = e.updateNumber(&chime.UpdatePhoneNumberInput{PhoneNumberId: id, CallingName: aws.String("Other")})
	wantErr[*types.ConflictException](t, err)
	now = now.Add(time.Hour)
	if n, _ := e.getNumber(seattle(0)); n.CallingNameStatus != types.CallingNameStatusUpdateSucceeded {
		t.Errorf("an hour later CallingNameStatus = %s; want UpdateSucceeded", n.CallingNameStatus)
	}
	for _, in := range []chime.UpdatePhoneNumberInput{
		{PhoneNumberId: id},
		{PhoneNumberId: id, ProductType: "VoiceConnector", CallingName: aws.String("Both")},
		{PhoneNumberId: id, CallingName: aws.String("No_underscores")},
		{PhoneNumberId: aws.String("+18005550100"), ProductType: "BusinessCalling"},
		{PhoneNumberId: aws.String("+4930555010"), ProductType: "VoiceConnector"},
	} {
		_, err := e.updateNumber(&in)
		wantErr[*types.BadRequestException](t, err)
	}
	_, err = e.updateNumber(&chime.UpdatePhoneNumberInput{PhoneNumberId: aws.String("+15035550100"), ProductType: "VoiceConnector"})
	wantErr[*types.NotFoundException](t, err)
}

func TestBatchUpdatePhoneNumber(t *testing.T) {
	e := newEnv(t)
	e.pool(2)
	e.acquire(types.PhoneNumberProductTypeVoiceConnector, seattle(0), seattle(1), "+18005550100")
	out, err := e.chime.BatchUpdatePhoneNumber(context.Background(), &chime.BatchUpdatePhoneNumberInput{
		UpdatePhoneNumberRequestItems: []types.UpdatePhoneNumberRequestItem{
			{PhoneNumberId: aws.String(seattle(0)), ProductType: "BusinessCalling"},
			{PhoneNumberId: aws.String("%2B" + seattle(1)[1:]), CallingName: aws.String("Ops")},
			{PhoneNumberId: aws.String("+18005550100"), ProductType: "BusinessCalling"},
			{PhoneNumberId: aws.String("+15035550100"), ProductType: "BusinessCalling"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	want := []types.PhoneNumberError{{PhoneNumberId: aws.String("+18005550100"), ErrorCode: "BadRequest"},
		{PhoneNumberId: aws.String("+15035550100"), ErrorCode: "NotFound"}}
	if diff := cmp.Diff(out.PhoneNumberErrors, want, cmpSDK, cmpopts.IgnoreFields(types.PhoneNumberError{}, "ErrorMessage")); diff != "" {
		t.Errorf("BatchUpdatePhoneNumber errors mismatch (-got +want):\n%s", diff)
	}
	if n, _ := e.getNumber(seattle(0)); n.ProductType != "BusinessCalling" {
		t.Errorf("first item not applied: %+v", n)
	}
	if n, _ := e.getNumber(seattle(1)); aws.ToString(n.CallingName) != "Ops" {
		t.Errorf("second item not applied: %+v", n)
	}
	many := make([]types.UpdatePhoneNumberRequestItem, belfry.MaxPhoneNumberBatch+1)
	for i := range many {
		many[i] = types.UpdatePhoneNumberRequestItem{PhoneNumberId: aws.String(seattle(i)), CallingName: aws.String("Ops")}
	}
	_, err = e.chime.BatchUpdatePhoneNumber(context.Background(), &chime.BatchUpdatePhoneNumberInput{UpdatePhoneNumberRequestItems: many})
	wantErr[*types.BadRequestException](t, err)
}
