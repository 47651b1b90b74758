package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

// pool imports numbers into the pool through the operator API: count
// Seattle numbers +1206555xxxx, two Portland ones, a toll-free one and a
// German one.
func (e *env) pool(count int) {
	e.t.Helper()
	var nums []map[string]string
	add := func(e164, country, typ, city, state string) {
		nums = append(nums, map[string]string{"E164": e164, "Country": country, "Type": typ, "City": city, "State": state})
	}
	for i := range count {
		add(fmt.Sprintf("+1206555%04d", i), "US", "Local", "Seattle", "WA")
	}
	add("+15035550100", "US", "Local", "Portland", "OR")
	add("+15035550101", "US", "Local", "Portland", "OR")
	add("+18005550100", "US", "TollFree", "", "")
	add("+4930555010", "DE", "Local", "Berlin", "")
	body, _ := json.Marshal(map[string]any{"Numbers": nums})
	if err := e.operatorCall("POST", "/_belfry/phone-numbers", string(body), nil); err != nil {
		e.t.Fatal(err)
	}
}

// seattle is the Seattle number of the pool numbered i.
func seattle(i int) string { return fmt.Sprintf("+1206555%04d", i) }

// fillOrders runs the due phone number order jobs as the order worker
// does, with the service's own handler.
func (e *env) fillOrders() {
	e.t.Helper()
	ctx := context.Background()
	jobs, err := e.svc.ClaimJobs(ctx, belfry.KindPhoneOrder, "test", e.svc.Now().Add(e.svc.PhoneDelay), time.Minute, 100)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, j := range jobs {
		if err := e.svc.FillPhoneNumberOrder(ctx, j); err != nil {
			e.t.Fatal(err)
		}
		if err := e.svc.FinishJob(ctx, j, belfry.JobOutcome{Status: belfry.JobDone, At: time.Now()}); err != nil {
			e.t.Fatal(err)
		}
	}
}

// order orders numbers for product with client c and returns the order.
func (e *env) order(c *chime.Client, product types.PhoneNumberProductType, numbers ...string) (*types.PhoneNumberOrder, error) {
	out, err := c.CreatePhoneNumberOrder(context.Background(), &chime.CreatePhoneNumberOrderInput{
		ProductType: product, E164PhoneNumbers: numbers})
	if err != nil {
		return nil, err
	}
	return out.PhoneNumberOrder, nil
}

// acquire orders numbers for product with the root key and fills the order.
func (e *env) acquire(product types.PhoneNumberProductType, numbers ...string) {
	e.t.Helper()
	if _, err := e.order(e.chime, product, numbers...); err != nil {
		e.t.Fatal(err)
	}
	e.fillOrders()
}

func (e *env) getNumber(id string) (*types.PhoneNumber, error) {
	out, err := e.chime.GetPhoneNumber(context.Background(), &chime.GetPhoneNumberInput{PhoneNumberId: aws.String(id)})
	if err != nil {
		return nil, err
	}
	return out.PhoneNumber, nil
}

func (e *env) search(in *chime.SearchAvailablePhoneNumbersInput) (*chime.SearchAvailablePhoneNumbersOutput, error) {
	return e.chime.SearchAvailablePhoneNumbers(context.Background(), in)
}

func TestSearchAvailablePhoneNumbers(t *testing.T) {
	e := newEnv(t)
	e.pool(5)
	for _, c := range []struct {
		name string
		in   chime.SearchAvailablePhoneNumbersInput
		want []string
	}{
		{"area code", chime.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("503")}, []string{"+15035550100", "+15035550101"}},
		{"city and state", chime.SearchAvailablePhoneNumbersInput{City: aws.String("Seattle"), State: aws.String("WA"), MaxResults: aws.Int32(2)},
			[]string{seattle(0), seattle(1)}},
		{"toll-free prefix", chime.SearchAvailablePhoneNumbersInput{TollFreePrefix: aws.String("800")}, []string{"+18005550100"}},
		{"state and type", chime.SearchAvailablePhoneNumbersInput{State: aws.String("OR"), PhoneNumberType: types.PhoneNumberTypeTollFree}, []string{}},
		{"outside the US", chime.SearchAvailablePhoneNumbersInput{Country: aws.String("DE"), PhoneNumberType: types.PhoneNumberTypeLocal}, []string{"+4930555010"}},
	} {
		out, err := e.search(&c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if diff := cmp.Diff(out.E164PhoneNumbers, c.want, cmpEmpty); diff != "" {
			t.Errorf("%s: mismatch (-got +want):\n%s", c.name, diff)
		}
	}
	for _, c := range []struct {
		name string
		in   chime.SearchAvailablePhoneNumbersInput
	}{
		{"US without a place", chime.SearchAvailablePhoneNumbersInput{}},
		{"city without state", chime.SearchAvailablePhoneNumbersInput{City: aws.String("Seattle")}},
		{"outside the US without a type", chime.SearchAvailablePhoneNumbersInput{Country: aws.String("DE")}},
		{"bad toll-free prefix", chime.SearchAvailablePhoneNumbersInput{TollFreePrefix: aws.String("812")}},
		{"bad country", chime.SearchAvailablePhoneNumbersInput{Country: aws.String("usa"), AreaCode: aws.String("206")}},
		{"MaxResults over 500", chime.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("206"), MaxResults: aws.Int32(501)}},
		{"bad NextToken", chime.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("206"), NextToken: aws.String("nope")}},
	} {
		_, err := e.search(&c.in)
		wantErr[*types.BadRequestException](t, err)
	}
}

func TestSearchPages(t *testing.T) {
	e := newEnv(t)
	e.pool(5)
	var got []string
	in := &chime.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("206"), MaxResults: aws.Int32(2)}
	for {
		out, err := e.search(in)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, out.E164PhoneNumbers...)
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	if diff := cmp.Diff(got, []string{seattle(0), seattle(1), seattle(2), seattle(3), seattle(4)}); diff != "" {
		t.Errorf("pages mismatch (-got +want):\n%s", diff)
	}
	first, _ := e.search(&chime.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("206"), MaxResults: aws.Int32(2)})
	_, err := e.search(&chime.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("503"), NextToken: first.NextToken})
	wantErr[*types.BadRequestException](t, err) // a token of another search
}

func TestListSupportedPhoneNumberCountries(t *testing.T) {
	e := newEnv(t)
	e.pool(1)
	for _, c := range []struct {
		product types.PhoneNumberProductType
		want    []types.PhoneNumberCountry
	}{
		{types.PhoneNumberProductTypeBusinessCalling, []types.PhoneNumberCountry{
			{CountryCode: aws.String("US"), SupportedPhoneNumberTypes: []types.PhoneNumberType{"Local"}}}},
		{types.PhoneNumberProductTypeSipMediaApplicationDialIn, []types.PhoneNumberCountry{
			{CountryCode: aws.String("DE"), SupportedPhoneNumberTypes: []types.PhoneNumberType{"Local"}},
			{CountryCode: aws.String("US"), SupportedPhoneNumberTypes: []types.PhoneNumberType{"Local", "TollFree"}}}},
	} {
		out, err := e.chime.ListSupportedPhoneNumberCountries(context.Background(),
			&chime.ListSupportedPhoneNumberCountriesInput{ProductType: c.product})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(out.PhoneNumberCountries, c.want, cmpSDK); diff != "" {
			t.Errorf("%s: mismatch (-got +want):\n%s", c.product, diff)
		}
	}
	_, err := e.chime.ListSupportedPhoneNumberCountries(context.Background(), &chime.ListSupportedPhoneNumberCountriesInput{ProductType: "Fax"})
	wantErr[*types.BadRequestException](t, err)
}

func TestPhoneNumberOrder(t *testing.T) {
	e := newEnv(t)
	e.pool(3)
	out, err := e.chime.CreatePhoneNumberOrder(context.Background(), &chime.CreatePhoneNumberOrderInput{
		ProductType: types.PhoneNumberProductTypeBusinessCalling, E164PhoneNumbers: []string{seattle(0), "+19995550100"}})
	if err != nil {
		t.Fatal(err)
	}
	o := out.PhoneNumberOrder
	if statusOf(out.ResultMetadata) != 201 || o.Status != types.PhoneNumberOrderStatusProcessing ||
		o.OrderedPhoneNumbers[0].Status != types.OrderedPhoneNumberStatusProcessing {
		t.Errorf("CreatePhoneNumberOrder() = %d %+v; want 201 and the order Processing", statusOf(out.ResultMetadata), o)
	}
	e.fillOrders()
	got, err := e.chime.GetPhoneNumberOrder(context.Background(), &chime.GetPhoneNumberOrderInput{PhoneNumberOrderId: o.PhoneNumberOrderId})
	if err != nil {
		t.Fatal(err)
	}
	want := []types.OrderedPhoneNumber{{E164PhoneNumber: aws.String(seattle(0)), Status: "Acquired"},
		{E164PhoneNumber: aws.String("+19995550100"), Status: "Failed"}}
	if diff := cmp.Diff(got.PhoneNumberOrder.OrderedPhoneNumbers, want, cmpSDK); diff != "" || got.PhoneNumberOrder.Status != "Partial" {
		t.Errorf("filled order %s, numbers mismatch (-got +want):\n%s", got.PhoneNumberOrder.Status, diff)
	}
	other := e.keyFor("444455556666")
	taken, err := e.order(other, types.PhoneNumberProductTypeVoiceConnector, seattle(0))
	if err != nil {
		t.Fatal(err)
	}
	e.fillOrders()
	late, err := other.GetPhoneNumberOrder(context.Background(), &chime.GetPhoneNumberOrderInput{PhoneNumberOrderId: taken.PhoneNumberOrderId})
	if err != nil || late.PhoneNumberOrder.Status != "Failed" {
		t.Errorf("order of a taken number = %+v, %v; want Failed", late, err)
	}
	_, err = other.GetPhoneNumberOrder(context.Background(), &chime.GetPhoneNumberOrderInput{PhoneNumberOrderId: o.PhoneNumberOrderId})
	wantErr[*types.NotFoundException](t, err) // another AWS account's order
	list, err := e.chime.ListPhoneNumberOrders(context.Background(), &chime.ListPhoneNumberOrdersInput{})
	if err != nil || len(list.PhoneNumberOrders) != 1 || aws.ToString(list.PhoneNumberOrders[0].PhoneNumberOrderId) != aws.ToString(o.PhoneNumberOrderId) {
		t.Errorf("ListPhoneNumberOrders() = %+v, %v; want the one order", list, err)
	}
}

func TestPhoneNumberOrderRefused(t *testing.T) {
	e := newEnv(t)
	many := make([]string, belfry.MaxPhoneNumberBatch+1)
	for i := range many {
		many[i] = seattle(i)
	}
	for name, numbers := range map[string][]string{
		"none": {}, "not a number": {"+0123"}, "twice": {seattle(1), seattle(1)}, "too many": many,
	} {
		_, err := e.order(e.chime, types.PhoneNumberProductTypeBusinessCalling, numbers...)
		if br := wantErr[*types.BadRequestException](t, err); br == nil {
			t.Errorf("%s: no error", name)
		}
	}
	_, err := e.order(e.chime, "Fax", seattle(1))
	wantErr[*types.BadRequestException](t, err)
	_, err = e.chime.GetPhoneNumberOrder(context.Background(), &chime.GetPhoneNumberOrderInput{
		PhoneNumberOrderId: aws.String("0195d0c4-5e6f-7000-8000-000000000000")})
	wantErr[*types.NotFoundException](t, err)
}

func TestGetPhoneNumber(t *testing.T) {
	e := newEnv(t)
	e.pool(2)
	e.acquire(types.PhoneNumberProductTypeBusinessCalling, seattle(0))
	for _, id := range []string{seattle(0), "%2B" + seattle(0)[1:], strings.TrimPrefix(seattle(0), "+")} {
		n, err := e.getNumber(id)
		if err != nil {
			t.Fatalf("GetPhoneNumber(%s) = %v", id, err)
		}
		if aws.ToString(n.PhoneNumberId) != "%2B12065550000" || aws.ToString(n.E164PhoneNumber) != seattle(0) ||
			n.Status != types.PhoneNumberStatusUnassigned || n.ProductType != "BusinessCalling" || n.Type != "Local" ||
			aws.ToString(n.Country) != "US" || n.CreatedTimestamp == nil || !aws.ToBool(n.Capabilities.InboundCall) {
			t.Errorf("GetPhoneNumber(%s) = %+v", id, n)
		}
	}
	for _, id := range []string{seattle(1), "not-a-number", "+4930555010"} {
		_, err := e.getNumber(id)
		wantErr[*types.NotFoundException](t, err)
	}
	_, err := e.keyFor("444455556666").GetPhoneNumber(context.Background(), &chime.GetPhoneNumberInput{PhoneNumberId: aws.String(seattle(0))})
	wantErr[*types.NotFoundException](t, err) // numbers belong to one AWS account
}

func (e *env) listNumbers(in *chime.ListPhoneNumbersInput) ([]string, *string, error) {
	out, err := e.chime.ListPhoneNumbers(context.Background(), in)
	if err != nil {
		return nil, nil, err
	}
	var ids []string
	for _, n := range out.PhoneNumbers {
		ids = append(ids, aws.ToString(n.E164PhoneNumber))
	}
	return ids, out.NextToken, nil
}

func TestListPhoneNumbers(t *testing.T) {
	e := newEnv(t)
	e.pool(4)
	e.acquire(types.PhoneNumberProductTypeBusinessCalling, seattle(0), seattle(1), seattle(2))
	e.acquire(types.PhoneNumberProductTypeVoiceConnector, "+18005550100")
	acct := e.enterprise("corp", "example.com")
	u := e.user(acct, "ana@example.com")
	e.associate(acct, aws.ToString(u.UserId), seattle(1))
	for _, c := range []struct {
		name string
		in   chime.ListPhoneNumbersInput
		want []string
	}{
		{"all", chime.ListPhoneNumbersInput{}, []string{seattle(0), seattle(1), seattle(2), "+18005550100"}},
		{"status", chime.ListPhoneNumbersInput{Status: types.PhoneNumberStatusAssigned}, []string{seattle(1)}},
		{"product type", chime.ListPhoneNumbersInput{ProductType: types.PhoneNumberProductTypeVoiceConnector}, []string{"+18005550100"}},
		{"user", chime.ListPhoneNumbersInput{FilterName: "UserId", FilterValue: u.UserId}, []string{seattle(1)}},
		{"account", chime.ListPhoneNumbersInput{FilterName: "AccountId", FilterValue: aws.String(acct)}, []string{seattle(1)}},
		{"voice connector", chime.ListPhoneNumbersInput{FilterName: "VoiceConnectorId", FilterValue: aws.String("vc")}, nil},
	} {
		got, _, err := e.listNumbers(&c.in)
		if diff := cmp.Diff(got, c.want); err != nil || diff != "" {
			t.Errorf("%s: %v, mismatch (-got +want):\n%s", c.name, err, diff)
		}
	}
	first, next, err := e.listNumbers(&chime.ListPhoneNumbersInput{MaxResults: aws.Int32(3)})
	rest, last, err2 := e.listNumbers(&chime.ListPhoneNumbersInput{MaxResults: aws.Int32(3), NextToken: next})
	if err != nil || err2 != nil || len(first) != 3 || next == nil || len(rest) != 1 || last != nil {
		t.Errorf("pages %v %v then %v %v (%v, %v); want 3 then 1", first, next, rest, last, err, err2)
	}
	for _, in := range []chime.ListPhoneNumbersInput{
		{FilterName: "UserId"}, {FilterValue: aws.String("x")}, {MaxResults: aws.Int32(100)}, {Status: "Lost"},
		{MaxResults: aws.Int32(3), NextToken: next, Status: types.PhoneNumberStatusAssigned},
	} {
		_, _, err := e.listNumbers(&in)
		wantErr[*types.BadRequestException](t, err)
	}
}

// phoneCalls import a number into the pool, order it, and run it through
// an association with user userID of account team, updates, deletion
// and restore, for TestAuditRecordsEveryChange.
func phoneCalls(e *env, team, userID *string) []auditedCall {
	number := aws.String(seattle(0))
	return []auditedCall{
		{"ImportPhoneNumbers", func(context.Context) error {
			return e.operatorCall("POST", "/_belfry/phone-numbers",
				`{"Numbers":[{"E164":"`+*number+`","Country":"US","Type":"Local","City":"Seattle","State":"WA"}]}`, nil)
		}},
		{"CreatePhoneNumberOrder", func(ctx context.Context) error {
			_, err := e.order(e.chime, types.PhoneNumberProductTypeBusinessCalling, *number)
			return err
		}},
		{"AssociatePhoneNumberWithUser", func(context.Context) error { return e.associateErr(*team, *userID, *number) }},
		{"DisassociatePhoneNumberFromUser", func(context.Context) error { return e.disassociate(*team, *userID) }},
		{"UpdatePhoneNumber", func(context.Context) error {
			_, err := e.updateNumber(&chime.UpdatePhoneNumberInput{PhoneNumberId: number, ProductType: "VoiceConnector"})
			return err
		}},
		{"BatchUpdatePhoneNumber", func(ctx context.Context) error {
			out, err := e.chime.BatchUpdatePhoneNumber(ctx, &chime.BatchUpdatePhoneNumberInput{
				UpdatePhoneNumberRequestItems: []types.UpdatePhoneNumberRequestItem{{PhoneNumberId: number, ProductType: "BusinessCalling"}}})
			return phoneBatchError(err, out.PhoneNumberErrors)
		}},
		{"DeletePhoneNumber", func(context.Context) error { return e.deleteNumber(*number) }},
		{"RestorePhoneNumber", func(ctx context.Context) error {
			_, err := e.chime.RestorePhoneNumber(ctx, &chime.RestorePhoneNumberInput{PhoneNumberId: number})
			return err
		}},
		{"BatchDeletePhoneNumber", func(ctx context.Context) error {
			out, err := e.chime.BatchDeletePhoneNumber(ctx, &chime.BatchDeletePhoneNumberInput{PhoneNumberIds: []string{*number}})
			return phoneBatchError(err, out.PhoneNumberErrors)
		}},
	}
}

func phoneBatchError(err error, errs []types.PhoneNumberError) error {
	if err == nil && len(errs) > 0 {
		err = fmt.Errorf("%s: %s", errs[0].ErrorCode, aws.ToString(errs[0].ErrorMessage))
	}
	return err
}

func TestPhoneNumberOrderAudited(t *testing.T) {
	e := newEnv(t)
	e.pool(1)
	before, _ := e.audit("")
	e.acquire(types.PhoneNumberProductTypeBusinessCalling, seattle(0))
	events := e.auditAfter(before[len(before)-1].Seq)
	if diff := cmp.Diff(operations(events), []string{"CreatePhoneNumberOrder", "FillPhoneNumberOrder"}); diff != "" {
		t.Fatalf("events mismatch (-got +want):\n%s", diff)
	}
	fill := events[1]
	if fill.AwsAccountID != "111122223333" || !strings.Contains(fill.Summary, "Successful") || !strings.Contains(fill.Summary, seattle(0)) {
		t.Errorf("the worker's event %+v; want it to name the AWS account, the outcome and the number acquired", fill)
	}
}
