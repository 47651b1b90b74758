package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/belfryhq/belfry"
)

// migrationsBefore is the store's migrations numbered below version.
func migrationsBefore(t *testing.T, version int) fs.FS {
	t.Helper()
	old := fstest.MapFS{}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		n, err := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
		if err != nil || n >= version {
			continue
		}
		data, _ := fs.ReadFile(migrations, name)
		old[name] = &fstest.MapFile{Data: data}
	}
	return old
}

// usersColumns describes the columns of users: name, type, NOT NULL and
// default, in order.
func usersColumns(t *testing.T, db interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), `SELECT name, type, "notnull", coalesce(dflt_value, 'NULL'), pk
		FROM pragma_table_info('users') ORDER BY cid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var name, typ, dflt string
		var notNull, pk int
		if err := rows.Scan(&name, &typ, &notNull, &dflt, &pk); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, fmt.Sprintf("%s %s notnull=%d default=%s pk=%d", name, typ, notNull, dflt, pk))
	}
	return cols
}

// Migration 0015 rebuilds users with one e-mail index instead of two. A
// database made before it keeps every column, every user with its seq,
// the rows that refer to users (a sign-in's would cascade away if the old
// table were dropped with foreign keys on), and the seq high-water mark of
// a purged account's users; and a sign-in lookup by address still uses an
// index.
func TestMigrateUsersEmailIndex(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "belfry.db")
	db, err := sql.Open("sqlite", dsn(path, "_pragma=foreign_keys(ON)"))
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, db, migrationsBefore(t, 15), "migrations"); err != nil {
		t.Fatal(err)
	}
	before := usersColumns(t, db)
	for _, q := range []string{
		`INSERT INTO accounts (id, aws_account_id, name, type, created, default_license, status)
			VALUES ('acct', '123456789012', 'Ops', 'EnterpriseLWA', 1, 'Pro', 'Active')`,
		`INSERT INTO users (seq, id, account_id, email, email_key, license, type, registration, personal_pin,
			sessions_revoked, alexa_enabled, alexa_room_arn)
			VALUES (7, 'ana', 'acct', 'Ana@Example.com', 'ana@example.com', 'Pro', 'PrivateUser', 'Registered',
				'1234567890', 5, 1, 'arn:aws:a4b:us-east-1:123456789012:room/r')`,
		`INSERT INTO users (seq, id, account_id, email, email_key, license, type, registration)
			VALUES (9, 'bo', 'acct', 'bo@example.com', 'bo@example.com', 'Pro', 'PrivateUser', 'Unregistered')`,
		`INSERT INTO invites (id, account_id, user_id, email, status, email_status, created)
			VALUES ('inv', 'acct', 'bo', 'bo@example.com', 'Pending', 'NotSent', 1)`,
		`INSERT INTO signins (id, account_id, user_id, token_hash, created, expires)
			VALUES ('si', 'acct', 'ana', x'01', 1, 9000000000)`,
		// The newest user goes, as a purge takes an account's users: its
		// seq must not be handed out again.
		`INSERT INTO users (seq, id, account_id, email, email_key, license, type, registration)
			VALUES (40, 'gone', 'acct', 'gone@example.com', 'gone@example.com', 'Pro', 'PrivateUser', 'Registered')`,
		`DELETE FROM users WHERE id = 'gone'`,
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
	if after := usersColumns(t, s.r); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Errorf("users after 0015:\n%s\nwant the columns it had:\n%s", strings.Join(after, "\n"), strings.Join(before, "\n"))
	}
	ana, err := s.User(ctx, "acct", "ana")
	if err != nil {
		t.Fatal(err)
	}
	if ana.Seq != 7 || ana.Email != "Ana@Example.com" || ana.PersonalPIN != "1234567890" ||
		!ana.AlexaForBusiness.Enabled || ana.SessionsRevoked.UnixMicro() != 5 {
		t.Errorf("ana after 0015: %+v; want her seq 7 and every field as stored", ana)
	}
	var signins, invites int
	if err := s.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM signins), (SELECT count(*) FROM invites)`).
		Scan(&signins, &invites); err != nil || signins != 1 || invites != 1 {
		t.Errorf("after 0015: %d sign-ins and %d invites, %v; want the one of each made before", signins, invites, err)
	}
	byEmail, err := s.ListUsersByEmail(ctx, "ana@example.com")
	if err != nil || len(byEmail) != 1 || byEmail[0].ID != "ana" {
		t.Errorf("ListUsersByEmail(ana@example.com) = %v, %v; want ana", byEmail, err)
	}
	var plan strings.Builder
	rows, err := s.r.QueryContext(ctx, `EXPLAIN QUERY PLAN SELECT id FROM users WHERE email_key = 'ana@example.com'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, parent, unused int
		var detail string
		rows.Scan(&id, &parent, &unused, &detail)
		plan.WriteString(detail + "; ")
	}
	rows.Close()
	if !strings.Contains(plan.String(), "USING INDEX") || !strings.Contains(plan.String(), "email_key=?") {
		t.Errorf("a lookup of users by address: plan %q; want it to search an index on email_key", plan.String())
	}

	u := &belfry.User{ID: "cy", AccountID: "acct", Email: "cy@example.com", License: belfry.Pro,
		Type: belfry.PrivateUser, Registration: belfry.Registered, RegisteredOn: time.Now()}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if u.Seq <= 40 {
		t.Errorf("a user created after 0015 has seq %d; want above 40, the purged user's", u.Seq)
	}
	dup := &belfry.User{ID: "ana2", AccountID: "acct", Email: "ANA@example.com", License: belfry.Pro,
		Type: belfry.PrivateUser, Registration: belfry.Registered, RegisteredOn: time.Now()}
	var be *belfry.Error
	if err := s.CreateUser(ctx, dup); !errors.As(err, &be) || be.Kind != belfry.Conflict {
		t.Errorf("CreateUser(ana's address again) = %v; want Conflict", err)
	}
}
