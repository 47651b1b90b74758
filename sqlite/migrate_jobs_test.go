package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/belfryhq/belfry"
)

// A database made before the job queue keeps its mail: migration 0004
// turns each queued message into a mail job that still carries its link,
// and each sent one into a done job without it.
func TestMigrateMailsToJobs(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "belfry.db")
	db, err := sql.Open("sqlite", dsn(path, "_pragma=foreign_keys(ON)"))
	if err != nil {
		t.Fatal(err)
	}
	old := fstest.MapFS{}
	names, err := fs.Glob(migrations, "migrations/000[123]_*.sql")
	if err != nil || len(names) != 3 {
		t.Fatalf("migrations before 0004: %v, %v", names, err)
	}
	for _, name := range names {
		data, _ := fs.ReadFile(migrations, name)
		old[name] = &fstest.MapFile{Data: data}
	}
	if err := migrate(ctx, db, old, "migrations"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO accounts (id, aws_account_id, name, type, created, default_license, status)
			VALUES ('acct', '123456789012', 'Ops', 'Team', 1, 'Pro', 'Active')`,
		`INSERT INTO users (id, account_id, email, email_key, license, type, registration)
			VALUES ('user', 'acct', 'ana@example.com', 'ana@example.com', 'Pro', 'PrivateUser', 'Unregistered')`,
		`INSERT INTO invites (id, account_id, user_id, email, status, email_status, created)
			VALUES ('inv', 'acct', 'user', 'ana@example.com', 'Pending', 'NotSent', 1)`,
		`INSERT INTO mails (id, invite_id, account_id, to_addr, subject, text_body, html_body, link, message_id,
			status, attempts, next_attempt, last_error, created, expires)
			VALUES ('queued', 'inv', 'acct', 'ana@example.com', 'Join', 'open L', '<a>L</a>', 'https://b/invitations/t',
				'm1@b', 'Queued', 2, 5000000, '421 busy', 1000000, 9000000000)`,
		`INSERT INTO mails (id, invite_id, account_id, to_addr, subject, message_id, status, next_attempt, created, sent)
			VALUES ('sent', 'inv', 'acct', 'ana@example.com', 'Join', 'm2@b', 'Sent', 1000000, 1000000, 2000000)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	jobs, err := s.Jobs(ctx, []string{"queued", "sent"})
	if err != nil || len(jobs) != 2 {
		t.Fatalf("Jobs() = %v, %v; want both mails as jobs", jobs, err)
	}
	for _, j := range jobs {
		m, err := belfry.MailOf(j)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case m.UserID != "user" || m.InviteID != "inv" || m.To != "ana@example.com" || m.Subject != "Join":
			t.Errorf("mail %s after the migration: %+v; want its user, invite, address and subject", m.ID, m)
		case m.ID == "queued" && (m.Status != belfry.MailQueued || m.Link != "https://b/invitations/t" ||
			m.Attempts != 2 || !strings.Contains(m.LastError, "421") || m.NextAttempt.UnixMicro() != 5000000):
			t.Errorf("queued mail after the migration: %+v; want it queued with its link and retry state", m)
		case m.ID == "sent" && (m.Status != belfry.MailSent || m.Link != "" || m.Sent.UnixMicro() != 2000000):
			t.Errorf("sent mail after the migration: %+v; want it sent, at its time, without a link", m)
		}
	}
}
