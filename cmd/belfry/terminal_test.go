//lint:file-ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.

package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/sqlite"
)

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Ana Silva", "Ana Silva"},
		{"Zoë 李 🎉 👨‍👩‍👧 مرحبا", "Zoë 李 🎉 👨‍👩‍👧 مرحبا"},
		{"red\x1b[31m", `red\u001b[31m`},
		{"title\x1b]0;pwned\x07", `title\u001b]0;pwned\u0007`},
		{"two\nlines\r", `two\u000alines\u000d`},
		{"tab\tcell", `tab\u0009cell`},
		{"del\x7f", `del\u007f`},
		{"csi\u009b2J", `csi\u009b2J`},
		{"invoice\u202Efdp.exe", `invoice\u202efdp.exe`},
		{"\u2066isolate\u2069 \u200Emark", `\u2066isolate\u2069 \u200emark`},
		{"line\u2028sep", `line\u2028sep`},
		{"bad\x9bbyte\xff", `bad\ufffdbyte\ufffd`},
		{"", ""},
	}
	for _, tt := range tests {
		if got := printable(tt.in); got != tt.want {
			t.Errorf("printable(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// TestPrintableKeepsJSON checks that a JSON line made printable is still
// JSON and still says the same thing, as `belfry audit` needs: Go's encoder
// leaves DEL, C1 controls and U+202E in its strings as they are.
func TestPrintableKeepsJSON(t *testing.T) {
	in := map[string]string{"Summary": "created Team account a\x7fb\u0085c\u202Ed\x1be"}
	line, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	got := printable(string(line))
	for _, r := range got {
		if unsafeRune(r) {
			t.Errorf("printable(%s) = %s still holds %U", line, got, r)
		}
	}
	var back map[string]string
	if err := json.Unmarshal([]byte(got), &back); err != nil || back["Summary"] != in["Summary"] {
		t.Errorf("printable(%s) = %s, which reads back as %q, %v; want %q", line, got, back["Summary"], err, in["Summary"])
	}
}

// nasty is an account name that would clear the screen, retitle the
// window and reverse the rest of the line on an operator's terminal, were
// it printed as it is.
const nasty = "Acme\x1b[2J\x1b]0;pwned\x07\u202Etxt.exe\x7f\u009b"

// TestOperatorOutputEscapesNames gives an account a name full of terminal
// controls, written to the database directly so that no API validation
// stands in the way, and checks that `belfry accounts restore` and `belfry
// audit` print it escaped, the audit line still JSON that reads back as the
// name.
func TestOperatorOutputEscapesNames(t *testing.T) {
	t.Parallel()
	p := startBelfry(t, startOptions{})
	ctx := ctxT(t)
	out, err := p.sdk(rootKeyID, rootSecret).CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("Acme")})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.Account.AccountId)
	if _, err := p.stop(syscall.SIGTERM, stopTimeout); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	rename(t, filepath.Join(p.DataDir, "belfry.db"), rootAwsAcctID, id)
	p = startBelfry(t, startOptions{DataDir: p.DataDir})
	if _, err := p.sdk(rootKeyID, rootSecret).DeleteAccount(ctx, &chime.DeleteAccountInput{AccountId: &id}); err != nil {
		t.Fatal(err)
	}
	restored := p.mustOperator("accounts", "restore", id)
	if !strings.Contains(restored, printable(nasty)) {
		t.Errorf("belfry accounts restore printed %q; want the name escaped as %q", restored, printable(nasty))
	}
	audit := p.mustOperator("audit", "--account", id)
	var summaries []string
	for _, ev := range auditLines(t, audit) {
		summaries = append(summaries, ev.Summary)
	}
	if !slices.Contains(summaries, "renamed to "+nasty) {
		t.Errorf("belfry audit summaries %q; want the rename, read back as it was", summaries)
	}
	for what, printed := range map[string]string{"accounts restore": restored, "audit": audit} {
		if i := strings.IndexFunc(printed, func(r rune) bool { return r != '\n' && unsafeRune(r) }); i >= 0 {
			t.Errorf("belfry %s printed a raw control character at byte %d:\n%q", what, i, printed)
		}
	}
}

// rename renames account id in the SQLite store at path, with an audit
// event that says so, as a request would.
func rename(t *testing.T, path, awsAccountID, id string) {
	t.Helper()
	store, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ev := &belfry.AuditEvent{Time: time.Now(), AwsAccountID: awsAccountID, Operation: "UpdateAccount", AccountID: id,
		Summary: "renamed to " + nasty, RequestID: "test"}
	_, err = store.UpdateAccount(belfry.WithAudit(t.Context(), ev), awsAccountID, id, func(a *belfry.Account) error {
		a.Name = nasty
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateAccount() = %v", err)
	}
}
