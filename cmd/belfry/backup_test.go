package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	_ "modernc.org/sqlite"
)

// acked records the accounts whose CreateAccount the server acknowledged.
type acked struct {
	mu    sync.Mutex
	names []string
}

func (a *acked) add(name string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.names = append(a.names, name)
}

func (a *acked) snapshot() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.names...)
}

// writeAccounts creates accounts through the Go SDK from several clients
// until stop is closed, recording each one acknowledged; it returns when
// every writer has stopped.
func writeAccounts(t *testing.T, client *chime.Client, got *acked, stop <-chan struct{}) (wait func()) {
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				name := fmt.Sprintf("writer %d account %d", w, i)
				if _, err := client.CreateAccount(context.Background(), &chime.CreateAccountInput{Name: aws.String(name)}); err != nil {
					t.Errorf("CreateAccount(%q) while backing up: %v", name, err)
					return
				}
				got.add(name)
			}
		}()
	}
	return wg.Wait
}

// TestBackupUnderWrites takes `belfry backup` of a running server's data
// directory while Go SDK clients create accounts, then checks the copy as
// an operator would: it opens, passes PRAGMA integrity_check, and a server
// started on a data directory restored from it serves every account
// acknowledged before the backup began.
func TestBackupUnderWrites(t *testing.T) {
	t.Parallel()
	p := startBelfry(t, startOptions{})
	client := p.sdk(rootKeyID, rootSecret)
	var got acked
	stop := make(chan struct{})
	wait := writeAccounts(t, client, &got, stop)
	for len(got.snapshot()) < 20 {
		if t.Failed() {
			close(stop)
			wait()
			t.FailNow()
		}
		if _, err := client.ListAccounts(ctxT(t), &chime.ListAccountsInput{MaxResults: aws.Int32(1)}); err != nil {
			t.Fatal(err) // a read between polls, so that the loop waits on the server, not on a sleep
		}
	}
	before := got.snapshot()
	dest := filepath.Join(t.TempDir(), "belfry-backup.db")
	r := runCmd(t, cleanEnv("BELFRY_DATA_DIR="+p.DataDir), belfryBinary(t), "backup", dest)
	during := len(got.snapshot())
	close(stop)
	wait()
	if r.Err != nil {
		t.Fatalf("belfry backup: %v", r)
	}
	if !strings.Contains(r.Stdout, "integrity check ok") || !strings.Contains(r.Stdout, "to restore") {
		t.Errorf("belfry backup printed %q, want it to report the check and say how to restore", r.Stdout)
	}
	t.Logf("%d accounts acknowledged before the backup began, %d by the time it ended", len(before), during)

	wantIntegrity(t, dest)
	restored := t.TempDir()
	copyFile(t, dest, filepath.Join(restored, "belfry.db"))
	q := startBelfry(t, startOptions{DataDir: restored})
	served := map[string]bool{}
	pages := chime.NewListAccountsPaginator(q.sdk(rootKeyID, rootSecret), &chime.ListAccountsInput{MaxResults: aws.Int32(200)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctxT(t))
		if err != nil {
			t.Fatalf("ListAccounts on the restored server: %v", err)
		}
		for _, a := range page.Accounts {
			served[aws.ToString(a.Name)] = true
		}
	}
	for _, name := range before {
		if !served[name] {
			t.Errorf("account %q, acknowledged before the backup began, is not served from the restored backup", name)
		}
	}
	if len(served) > len(got.snapshot()) {
		t.Errorf("the restored server serves %d accounts, more than the %d ever acknowledged", len(served), len(got.snapshot()))
	}
}

// wantIntegrity opens the database at path and fails t unless PRAGMA
// integrity_check answers ok.
func wantIntegrity(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var verdict string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&verdict); err != nil || verdict != "ok" {
		t.Fatalf("PRAGMA integrity_check on the backup = %q, %v; want ok", verdict, err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestBackupRefuses checks that belfry backup replaces no file, and that on
// PostgreSQL it says to use pg_dump instead, without touching anything.
func TestBackupRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing.db")
	if err := os.WriteFile(existing, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := startBelfry(t, startOptions{})
	r := runCmd(t, cleanEnv("BELFRY_DATA_DIR="+p.DataDir), belfryBinary(t), "backup", existing)
	if r.Err == nil || !strings.Contains(r.Stderr, "exists") {
		t.Errorf("backup onto an existing file: %v; want it refused", r)
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep me" {
		t.Errorf("the existing file now holds %q", b)
	}
	r = runCmd(t, cleanEnv("BELFRY_DATA_DIR="+dir, "BELFRY_DATABASE_URL=postgres://belfry@127.0.0.1:1/belfry"),
		belfryBinary(t), "backup", filepath.Join(dir, "pg.db"))
	if r.Err == nil || !strings.Contains(r.Stderr, "pg_dump") || !strings.Contains(r.Stderr, "point-in-time recovery") {
		t.Errorf("backup on PostgreSQL: %v; want it to point to pg_dump and point-in-time recovery", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "pg.db")); err == nil {
		t.Error("backup on PostgreSQL wrote a file")
	}
}
