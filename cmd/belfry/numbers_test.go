package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry/internal/pgtest"
)

const poolCSV = `E164,Country,Type,City,State
+12065550100,US,Local,Seattle,WA
+12065550101,US,Local,Seattle,WA
+18005550100,US,TollFree,,
`

// writeFile writes text to a file of the test's own and returns its path.
func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestNumbersImport checks the operator's pool import: a file imported
// twice adds its numbers once, and a file with a wrong line is refused
// whole, with the line named.
func TestNumbersImport(t *testing.T) {
	t.Parallel()
	p := startBelfry(t, startOptions{})
	file := writeFile(t, "pool.csv", poolCSV)
	if out := p.mustOperator("numbers", "import", file); !strings.Contains(out, "added 3 numbers") {
		t.Errorf("first import printed %q; want 3 numbers added", out)
	}
	if out := p.mustOperator("numbers", "import", file); !strings.Contains(out, "added 0 numbers") || !strings.Contains(out, "3 were in it already") {
		t.Errorf("second import printed %q; want nothing added", out)
	}
	bad := writeFile(t, "bad.csv", "E164,Country,Type,City,State\n+12065550199,US,Local,Seattle,WA\n12ab,US,Cellular,Seattle,WA\n")
	r := p.operator("numbers", "import", bad)
	if r.Err == nil || !strings.Contains(r.Stderr, "line 3") || !strings.Contains(r.Stderr, "nothing was imported") {
		t.Errorf("import of a wrong file: %v; want it refused naming line 3", r)
	}
	list := p.mustOperator("numbers", "list")
	if !strings.Contains(list, "+18005550100") || strings.Contains(list, "+12065550199") || strings.Count(list, "Available") != 3 {
		t.Errorf("numbers list printed:\n%s\nwant the three numbers of the first file, Available", list)
	}
}

// TestAWSCLIPhoneNumbers runs a number of the pool through search, order,
// association with a user, disassociation, deletion and restore with
// aws-cli, on SQLite and on PostgreSQL.
func TestAWSCLIPhoneNumbers(t *testing.T) {
	t.Parallel()
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		phoneNumberWalkthrough(t, startBelfry(t, startOptions{ExtraEnv: []string{"BELFRY_ORDER_DELAY=0s"}}))
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		t.Parallel()
		if !pgtest.Configured() {
			t.Skip("no PostgreSQL: set " + pgtest.EnvURL)
		}
		db := pgtest.Database(t)
		phoneNumberWalkthrough(t, startBelfry(t, startOptions{ExtraEnv: []string{"BELFRY_ORDER_DELAY=0s", "BELFRY_DATABASE_URL=" + db}}))
	})
}

type cliNumber struct {
	PhoneNumberID, E164PhoneNumber, Status, ProductType, DeletionTimestamp string
	Associations                                                           []struct{ Value, Name string }
}

func phoneNumberWalkthrough(t *testing.T, p *proc) {
	p.mustOperator("numbers", "import", writeFile(t, "pool.csv", poolCSV))
	cli := newAWS(t, p, rootKeyID, rootSecret)
	const number = "+12065550100"
	var found struct{ E164PhoneNumbers []string }
	cli.json(&found, "search-available-phone-numbers", "--area-code", "206", "--max-results", "1")
	if len(found.E164PhoneNumbers) != 1 || found.E164PhoneNumbers[0] != number {
		t.Fatalf("search-available-phone-numbers = %v; want %s", found.E164PhoneNumbers, number)
	}
	var order struct {
		PhoneNumberOrder struct{ PhoneNumberOrderID, Status string }
	}
	cli.json(&order, "create-phone-number-order", "--product-type", "BusinessCalling", "--e164-phone-numbers", number)
	if order.PhoneNumberOrder.Status != "Processing" {
		t.Errorf("create-phone-number-order answered %+v; want Processing", order)
	}
	if got := waitOrder(t, p, order.PhoneNumberOrder.PhoneNumberOrderID); got != types.PhoneNumberOrderStatusSuccessful {
		t.Fatalf("the order ended %s; want Successful", got)
	}

	// The account and its user are made with the SDK, which is quicker;
	// the number's way is aws-cli's.
	c := p.sdk(rootKeyID, rootSecret)
	acct, err := c.CreateAccount(ctxT(t), &chime.CreateAccountInput{Name: aws.String("Numbers Corp")})
	if err != nil {
		t.Fatal(err)
	}
	corp := aws.ToString(acct.Account.AccountId)
	p.claim(corp, "example.org", "EnterpriseLWA")
	created, err := c.CreateUser(ctxT(t), &chime.CreateUserInput{AccountId: aws.String(corp), Email: aws.String("carla@example.org")})
	if err != nil {
		t.Fatal(err)
	}
	user := aws.ToString(created.User.UserId)
	cli.ok("associate-phone-number-with-user", "--account-id", corp, "--user-id", user, "--e164-phone-number", number)
	var got struct {
		User struct{ PrimaryProvisionedNumber string }
	}
	cli.json(&got, "get-user", "--account-id", corp, "--user-id", user)
	if got.User.PrimaryProvisionedNumber != number {
		t.Errorf("get-user shows PrimaryProvisionedNumber %q; want %s", got.User.PrimaryProvisionedNumber, number)
	}
	cli.ok("disassociate-phone-number-from-user", "--account-id", corp, "--user-id", user)
	cli.ok("delete-phone-number", "--phone-number-id", "%2B12065550100")
	var n struct{ PhoneNumber cliNumber }
	cli.json(&n, "get-phone-number", "--phone-number-id", number)
	if n.PhoneNumber.Status != "DeleteInProgress" || n.PhoneNumber.PhoneNumberID != "%2B12065550100" || n.PhoneNumber.DeletionTimestamp == "" {
		t.Errorf("get-phone-number after delete = %+v; want DeleteInProgress", n.PhoneNumber)
	}
	cli.json(&n, "restore-phone-number", "--phone-number-id", number)
	if n.PhoneNumber.Status != "Unassigned" || len(n.PhoneNumber.Associations) != 0 {
		t.Errorf("restore-phone-number = %+v; want the number Unassigned", n.PhoneNumber)
	}
}

// ok runs a command that must succeed; these print nothing.
func (a *awsCLI) ok(args ...string) {
	a.t.Helper()
	if r := a.run(args...); r.Err != nil {
		a.t.Fatalf("aws chime %s: %v", strings.Join(args, " "), r)
	}
}

// waitOrder waits until order id has been filled and returns its status.
// The worker is another process: the test asks until it answers.
func waitOrder(t *testing.T, p *proc, id string) types.PhoneNumberOrderStatus {
	t.Helper()
	c := p.sdk(rootKeyID, rootSecret)
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, err := c.GetPhoneNumberOrder(ctxT(t), &chime.GetPhoneNumberOrderInput{PhoneNumberOrderId: aws.String(id)})
		if err != nil {
			t.Fatalf("GetPhoneNumberOrder: %v", err)
		}
		if s := out.PhoneNumberOrder.Status; s != types.PhoneNumberOrderStatusProcessing || time.Now().After(deadline) {
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestPhoneOrderSurvivesRestart orders a number from a server that stops
// before the order is due; the server started again on the same data
// fills it.
func TestPhoneOrderSurvivesRestart(t *testing.T) {
	t.Parallel()
	p := startBelfry(t, startOptions{ExtraEnv: []string{"BELFRY_ORDER_DELAY=1s"}})
	p.mustOperator("numbers", "import", writeFile(t, "pool.csv", poolCSV))
	out, err := p.sdk(rootKeyID, rootSecret).CreatePhoneNumberOrder(ctxT(t), &chime.CreatePhoneNumberOrderInput{
		ProductType: types.PhoneNumberProductTypeVoiceConnector, E164PhoneNumbers: []string{"+18005550100", "+19995550100"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.stop(syscall.SIGKILL, stopTimeout); err == nil {
		t.Fatal("SIGKILL: the process exited 0, want killed")
	}
	again := startBelfry(t, startOptions{DataDir: p.DataDir, ExtraEnv: []string{"BELFRY_ORDER_DELAY=1s"}})
	if got := waitOrder(t, again, aws.ToString(out.PhoneNumberOrder.PhoneNumberOrderId)); got != types.PhoneNumberOrderStatusPartial {
		t.Errorf("the order after a restart ended %s; want Partial (one number of the pool, one not)", got)
	}
	n, err := again.sdk(rootKeyID, rootSecret).GetPhoneNumber(ctxT(t), &chime.GetPhoneNumberInput{PhoneNumberId: aws.String("+18005550100")})
	if err != nil || n.PhoneNumber.Status != types.PhoneNumberStatusUnassigned || n.PhoneNumber.ProductType != types.PhoneNumberProductTypeVoiceConnector {
		t.Errorf("the number acquired after a restart: %+v, %v", n, err)
	}
}
