package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/api"
	"github.com/belfryhq/belfry/sqlite"
)

// env is a Belfry server on a real SQLite store in a temporary directory,
// reached through httptest over real HTTP.
type env struct {
	t     *testing.T
	svc   *belfry.Service
	root  *belfry.AccessKey
	srv   *httptest.Server
	chime *chime.Client // signed with the root key
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvOn(t, openSQLite(t))
}

// openSQLite opens a SQLite store in a temporary directory, closed when t
// ends.
func openSQLite(t *testing.T) belfry.Store {
	t.Helper()
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "belfry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// newEnvOn is newEnv over the given store.
func newEnvOn(t *testing.T, store belfry.Store) *env {
	t.Helper()
	return newEnvWith(t, store, api.Config{})
}

// newEnvWith is newEnv over the given store, with cfg's settings; its
// Service, Root and Logger are filled in.
func newEnvWith(t *testing.T, store belfry.Store, cfg api.Config) *env {
	t.Helper()
	svc := &belfry.Service{Store: store}
	root := belfry.NewAccessKey("111122223333", "root", time.Now())
	if testing.Verbose() && cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	cfg.Service, cfg.Root = svc, root
	log := cfg.Logger
	// The listener is Belfry's own, as cmd/belfry serves on it, so that
	// net/http's answers to requests it cannot parse have the AWS shape.
	srv := httptest.NewUnstartedServer(api.New(cfg))
	srv.Listener = api.Listener(srv.Listener, log)
	srv.Start()
	t.Cleanup(srv.Close)
	e := &env{t: t, svc: svc, root: root, srv: srv}
	e.chime = e.client(root.ID, root.Secret)
	return e
}

// client returns the real aws-sdk-go-v2 Chime client, pointed at the test
// server by its endpoint URL only, with retries off so a test sees each
// answer as it is.
func (e *env) client(id, secret string) *chime.Client {
	return chime.New(chime.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(e.srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, ""),
		Retryer:      aws.NopRetryer{},
	})
}

// keyFor makes an access key of another AWS account and a client signed with it.
func (e *env) keyFor(awsAccountID string) *chime.Client {
	e.t.Helper()
	k, err := e.svc.CreateAccessKey(context.Background(), awsAccountID, "tester")
	if err != nil {
		e.t.Fatal(err)
	}
	return e.client(k.ID, k.Secret)
}

// claim makes account id Enterprise by claiming domain, as an operator would.
func (e *env) claim(id, domain string, t belfry.AccountType) {
	e.t.Helper()
	if _, err := e.svc.ClaimDomain(context.Background(), id, domain, t); err != nil {
		e.t.Fatal(err)
	}
}

// rootARN is the caller ARN of requests signed with the root key.
const rootARN = "arn:aws:iam::111122223333:root"

// wantErr fails the test unless err is, or wraps, a T, and returns it.
func wantErr[T error](t *testing.T, err error) T {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("err = %v (%T), want %T", err, err, target)
	}
	return target
}

// statusOf returns the HTTP status code of a successful SDK call.
func statusOf(md middleware.Metadata) int {
	if r, ok := awsmiddleware.GetRawResponse(md).(*smithyhttp.Response); ok {
		return r.StatusCode
	}
	return 0
}

// account creates a Team account through the API and returns its ID.
func (e *env) account(name string) string {
	e.t.Helper()
	out, err := e.chime.CreateAccount(context.Background(), &chime.CreateAccountInput{Name: aws.String(name)})
	if err != nil {
		e.t.Fatalf("CreateAccount(%q): %v", name, err)
	}
	return aws.ToString(out.Account.AccountId)
}

// enterprise creates an account and claims domain for it as an
// EnterpriseDirectory account, the kind that CreateUser and rooms need.
func (e *env) enterprise(name, domain string) string {
	e.t.Helper()
	id := e.account(name)
	e.claim(id, domain, belfry.EnterpriseDirectory)
	return id
}

// user creates a registered user of an Enterprise account and returns it.
func (e *env) user(accountID, email string) types.User {
	e.t.Helper()
	out, err := e.chime.CreateUser(context.Background(), &chime.CreateUserInput{
		AccountId: aws.String(accountID), Email: aws.String(email),
	})
	if err != nil {
		e.t.Fatalf("CreateUser(%q): %v", email, err)
	}
	return *out.User
}

// room creates a room in an Enterprise account and returns its ID.
func (e *env) room(accountID, name string) string {
	e.t.Helper()
	out, err := e.chime.CreateRoom(context.Background(), &chime.CreateRoomInput{
		AccountId: aws.String(accountID), Name: aws.String(name),
	})
	if err != nil {
		e.t.Fatalf("CreateRoom(%q): %v", name, err)
	}
	return aws.ToString(out.Room.RoomId)
}

// response is a raw HTTP answer, read in full.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// request describes a raw HTTP request for the cases the SDK hides.
type request struct {
	Method, Path string
	Body         []byte
	// Key signs the request; nil means the root key. Unsigned sends no
	// signature at all.
	Key      *belfry.AccessKey
	Unsigned bool
	// At is the signing time; zero means now.
	At time.Time
}

// do sends a raw request, signed with the SDK's own SigV4 signer.
func (e *env) do(r request) response {
	e.t.Helper()
	req, err := http.NewRequest(r.Method, e.srv.URL+r.Path, bytes.NewReader(r.Body))
	if err != nil {
		e.t.Fatal(err)
	}
	if len(r.Body) > 0 {
		req.Header.Set("Content-Type", "application/json")
	}
	if !r.Unsigned {
		e.sign(req, r)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("%s %s: reading the body: %v", r.Method, r.Path, err)
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

func (e *env) sign(req *http.Request, r request) {
	e.t.Helper()
	key := r.Key
	if key == nil {
		key = e.root
	}
	at := r.At
	if at.IsZero() {
		at = time.Now()
	}
	sum := sha256.Sum256(r.Body)
	creds := aws.Credentials{AccessKeyID: key.ID, SecretAccessKey: key.Secret}
	err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "chime", "us-east-1", at)
	if err != nil {
		e.t.Fatal(err)
	}
}

// decodeJSON decodes a raw response body into v.
func decodeJSON(t *testing.T, r response, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("body %q is not JSON: %v", r.Body, err)
	}
}
