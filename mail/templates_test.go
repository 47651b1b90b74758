package mail

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var goldenInvite = belfry.InviteEmail{
	AccountName: "Ops Team",
	To:          "ana@example.com",
	ReplyTo:     "admin@example.com",
	Link:        "https://chat.example.com/invitations/3q2-7wE_abc",
	Expires:     time.Date(2026, 3, 9, 14, 0, 0, 0, time.UTC),
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./mail -run Golden -update to write it)", err)
	}
	if diff := cmp.Diff(got, string(want)); diff != "" {
		t.Errorf("%s (-got +want):\n%s", name, diff)
	}
}

func TestDefaultTemplatesGolden(t *testing.T) {
	subject, text, html, err := DefaultTemplates().ComposeInvite(goldenInvite)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "invite.txt.golden", "Subject: "+subject+"\n\n"+text)
	golden(t, "invite.html.golden", html)
}

func TestTemplatesWithoutReplyTo(t *testing.T) {
	e := goldenInvite
	e.ReplyTo = ""
	_, text, html, err := DefaultTemplates().ComposeInvite(e)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text, "Questions?") || strings.Contains(html, "Questions?") {
		t.Errorf("a message without Reply-To invites replies:\n%s\n%s", text, html)
	}
}

// An account name is the administrator's text: in HTML it is escaped, and
// it cannot break the subject into several header lines.
func TestTemplatesEscape(t *testing.T) {
	e := goldenInvite
	e.AccountName = "<script>alert(1)</script>\r\nBcc: x@example.com"
	subject, _, html, err := DefaultTemplates().ComposeInvite(e)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html, "<script>") {
		t.Errorf("HTML part carries the account name unescaped:\n%s", html)
	}
	if strings.ContainsAny(subject, "\r\n") {
		t.Errorf("subject %q spans lines", subject)
	}
	e = goldenInvite
	e.Link = "javascript:alert(1)"
	if _, _, html, _ = DefaultTemplates().ComposeInvite(e); strings.Contains(html, `href="javascript:`) {
		t.Errorf("HTML part links to a script:\n%s", html)
	}
}

func TestLoadTemplatesOverride(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "invite.subject.tmpl", "Welcome aboard {{.AccountName}}\n")
	write(t, dir, "invite.html.tmpl", `<p>Join <b>{{.AccountName}}</b>: <a href="{{.Link}}">accept</a></p>`)
	tm, err := LoadTemplates(dir)
	if err != nil {
		t.Fatal(err)
	}
	subject, text, html, err := tm.ComposeInvite(goldenInvite)
	if err != nil {
		t.Fatal(err)
	}
	if subject != "Welcome aboard Ops Team" {
		t.Errorf("subject %q, want the operator's", subject)
	}
	_, defText, _, _ := DefaultTemplates().ComposeInvite(goldenInvite)
	if text != defText {
		t.Errorf("text part is not the default one although the operator gave none:\n%s", text)
	}
	if want := `<p>Join <b>Ops Team</b>: <a href="https://chat.example.com/invitations/3q2-7wE_abc">accept</a></p>`; html != want {
		t.Errorf("HTML %q, want %q", html, want)
	}
}

func TestLoadTemplatesErrors(t *testing.T) {
	tests := []struct {
		name, file, src, want string
	}{
		{"syntax", "invite.txt.tmpl", "Hello {{.AccountName", "invite.txt.tmpl"},
		{"unknown field", "invite.html.tmpl", "<p>{{.Team}}</p>", "Team"},
		{"empty subject", "invite.subject.tmpl", "  \n", "subject is empty"},
		{"unknown file", "invite.text.tmpl", "Hello", "unknown template invite.text.tmpl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, tt.file, tt.src)
			_, err := LoadTemplates(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("LoadTemplates = %v, want an error naming %q", err, tt.want)
			}
		})
	}
	if _, err := LoadTemplates(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("LoadTemplates of a missing directory succeeded")
	}
}

func write(t *testing.T, dir, name, src string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}
