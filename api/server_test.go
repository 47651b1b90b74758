package api_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/api"
	"github.com/belfryhq/belfry/sqlite"
)

// panicking is a store whose ListAccounts panics, standing in for any bug
// that panics while a request is handled.
type panicking struct{ belfry.Store }

func (panicking) ListAccounts(context.Context, belfry.AccountFilter, belfry.Page) ([]*belfry.Account, error) {
	var a []*belfry.Account
	return a[:1], nil // slice bounds out of range
}

// logBuffer collects what a slog text handler writes.
type logBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestPanicAnswers500 checks that a panic while handling a request answers
// a ServiceFailureException with a safe message and the request ID, and
// logs the panic's stack with that request ID, instead of dropping the
// connection; and that the server goes on serving.
func TestPanicAnswers500(t *testing.T) {
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "belfry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	logs := &logBuffer{}
	root := belfry.NewAccessKey("111122223333", "root", time.Now())
	svc := &belfry.Service{Store: panicking{store}}
	srv := httptest.NewServer(api.New(api.Config{Service: svc, Root: root, Logger: slog.New(slog.NewTextHandler(logs, nil))}))
	t.Cleanup(srv.Close)
	e := &env{t: t, svc: svc, root: root, srv: srv}
	client := e.client(root.ID, root.Secret)

	_, err = client.ListAccounts(context.Background(), &chime.ListAccountsInput{})
	sf := wantErr[*types.ServiceFailureException](t, err)
	if msg := aws.ToString(sf.Message); strings.Contains(msg, "out of range") || strings.Contains(msg, "goroutine") {
		t.Errorf("message %q reveals the panic; want a safe message", msg)
	}
	var re interface{ ServiceRequestID() string }
	if !errors.As(err, &re) || re.ServiceRequestID() == "" {
		t.Fatalf("err = %v; want an answer that carries the x-amzn-RequestId", err)
	}
	id := re.ServiceRequestID()
	log := logs.String()
	for _, want := range []string{"request_id=" + id, "slice bounds out of range", "panicking.ListAccounts", "status=500"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log does not mention %q:\n%s", want, log)
		}
	}

	if _, err := client.CreateAccount(context.Background(), &chime.CreateAccountInput{Name: aws.String("after")}); err != nil {
		t.Errorf("CreateAccount after the panic: %v", err)
	}
}

// TestStrayInvitationPathLogsNoToken sends the API what looks like a
// mistyped accept link: the answer is a BadRequest, and the token it
// carries stays out of the log.
func TestStrayInvitationPathLogsNoToken(t *testing.T) {
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "belfry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	logs := &logBuffer{}
	root := belfry.NewAccessKey("111122223333", "root", time.Now())
	svc := &belfry.Service{Store: store}
	srv := httptest.NewServer(api.New(api.Config{Service: svc, Root: root, Logger: slog.New(slog.NewTextHandler(logs, nil))}))
	t.Cleanup(srv.Close)
	e := &env{t: t, svc: svc, root: root, srv: srv}
	const token = "c2VjcmV0LXRva2VuLXRoYXQtbXVzdC1ub3QtYmUtbG9nZ2Vk"
	for _, path := range []string{"/Invitations/" + token, "/console/invitations/" + token} {
		if r := e.do(request{Method: "GET", Path: path, Unsigned: true}); r.Status != 400 {
			t.Errorf("GET %s = %d, want 400", path, r.Status)
		}
	}
	if log := logs.String(); strings.Contains(log, token) || !strings.Contains(log, "invitations/…") {
		t.Errorf("the log holds the token, or no redacted path:\n%s", log)
	}
}

// stalled is a store whose ListAccounts fails as a database that stops
// answering does: its context runs out.
type stalled struct{ belfry.Store }

func (stalled) ListAccounts(ctx context.Context, _ belfry.AccountFilter, _ belfry.Page) ([]*belfry.Account, error) {
	return nil, fmt.Errorf("postgres: %w", context.DeadlineExceeded)
}

// TestStalledStoreAnswers503 checks that a database that does not answer
// in time gives ServiceUnavailableException, which the SDKs retry, and not
// the 500 of a fault in Belfry.
func TestStalledStoreAnswers503(t *testing.T) {
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "belfry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	root := belfry.NewAccessKey("111122223333", "root", time.Now())
	svc := &belfry.Service{Store: stalled{store}}
	srv := httptest.NewServer(api.New(api.Config{Service: svc, Root: root}))
	t.Cleanup(srv.Close)
	e := &env{t: t, svc: svc, root: root, srv: srv}
	_, err = e.client(root.ID, root.Secret).ListAccounts(context.Background(), &chime.ListAccountsInput{})
	su := wantErr[*types.ServiceUnavailableException](t, err)
	if msg := aws.ToString(su.Message); !strings.Contains(msg, "try again") {
		t.Errorf("message %q; want one that says to try again", msg)
	}
}
