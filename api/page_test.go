package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/api"
	"github.com/belfryhq/belfry/sqlite"
)

// firstToken lists client's accounts one at a time and returns the
// NextToken of the first page.
func firstToken(t *testing.T, client *chime.Client) string {
	t.Helper()
	out, err := client.ListAccounts(context.Background(), &chime.ListAccountsInput{MaxResults: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	if out.NextToken == nil {
		t.Fatal("the first page has no NextToken")
	}
	return *out.NextToken
}

// TestNextTokenForgedOrTampered checks that only a token the server sealed,
// unchanged, opens: a changed byte, a cut or lengthened token, a token in
// the unkeyed format of Belfry's first version, and another AWS account's
// token all answer 400 BadRequest.
func TestNextTokenForgedOrTampered(t *testing.T) {
	e := newEnv(t)
	for i := range 3 {
		e.account(fmt.Sprint("acct-", i))
	}
	token := firstToken(t, e.chime)
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		t.Fatalf("NextToken %q is not base64url: %v", token, err)
	}
	other := e.keyFor("444455556666")
	for i := range 3 {
		if _, err := other.CreateAccount(context.Background(), &chime.CreateAccountInput{Name: aws.String(fmt.Sprint("other-", i))}); err != nil {
			t.Fatal(err)
		}
	}
	tests := map[string]string{
		"last byte changed":     flipped(raw, len(raw)-1),
		"middle byte changed":   flipped(raw, len(raw)/2),
		"version changed":       flipped(raw, 0),
		"truncated":             token[:len(token)-4],
		"lengthened":            token + "AAAA",
		"unkeyed v1 format":     base64.RawURLEncoding.EncodeToString(binary.AppendUvarint([]byte{1}, 1)),
		"another AWS account's": firstToken(t, other),
		"empty-looking":         strings.Repeat("A", len(token)),
	}
	for name, bad := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := e.chime.ListAccounts(context.Background(), &chime.ListAccountsInput{MaxResults: aws.Int32(1), NextToken: &bad})
			wantErr[*types.BadRequestException](t, err)
		})
	}
	if _, err := e.chime.ListAccounts(context.Background(), &chime.ListAccountsInput{MaxResults: aws.Int32(1), NextToken: &token}); err != nil {
		t.Errorf("ListAccounts with the untouched token = %v", err)
	}
}

// flipped returns raw, base64url-encoded, with one bit of byte i changed.
func flipped(raw []byte, i int) string {
	b := bytes.Clone(raw)
	b[i] ^= 0x10
	return base64.RawURLEncoding.EncodeToString(b)
}

// TestNextTokenRevealsNothing checks that a token tells a tenant nothing
// of the others: one AWS account makes many accounts before another makes
// a few, yet both get tokens of one length that hold no sequence number in
// the clear, and asking twice for one page gives two different tokens.
func TestNextTokenRevealsNothing(t *testing.T) {
	e := newEnv(t)
	for i := range 40 {
		e.account(fmt.Sprint("busy-", i))
	}
	quiet := e.keyFor("444455556666")
	for i := range 2 {
		if _, err := quiet.CreateAccount(context.Background(), &chime.CreateAccountInput{Name: aws.String(fmt.Sprint("quiet-", i))}); err != nil {
			t.Fatal(err)
		}
	}
	tokens := []string{firstToken(t, e.chime), firstToken(t, quiet), firstToken(t, quiet)}
	if tokens[1] == tokens[2] {
		t.Errorf("two tokens of one page are both %q; want a fresh nonce each time", tokens[1])
	}
	for i, token := range tokens {
		if len(token) != len(tokens[0]) || len(token) >= 200 {
			t.Errorf("token %d is %d characters, token 0 %d; want all equal and under 200", i, len(token), len(tokens[0]))
		}
		raw, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			t.Fatalf("token %q is not base64url: %v", token, err)
		}
		for seq := range uint64(50) {
			if bytes.Contains(raw, binary.BigEndian.AppendUint64(nil, seq)) {
				t.Errorf("token %d holds sequence number %d in the clear: %x", i, seq, raw)
			}
		}
	}
}

// TestNextTokenAcrossServers checks that a token opens on another server of
// the same database and on the same database reopened, as after a restart:
// the key comes from the stored secret, not from the process.
func TestNextTokenAcrossServers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "belfry.db")
	root := belfry.NewAccessKey("111122223333", "root", time.Now())
	store, first := serve(t, path, root)
	other, second := serve(t, path, root)
	t.Cleanup(func() { other.Close() })
	for i := range 5 {
		if _, err := first.CreateAccount(context.Background(), &chime.CreateAccountInput{Name: aws.String(fmt.Sprint("acct-", i))}); err != nil {
			t.Fatal(err)
		}
	}
	token := firstToken(t, first)
	in := &chime.ListAccountsInput{MaxResults: aws.Int32(1), NextToken: &token}
	if _, err := second.ListAccounts(context.Background(), in); err != nil {
		t.Errorf("ListAccounts on a second server with the first's token = %v", err)
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	reopened, restarted := serve(t, path, root)
	t.Cleanup(func() { reopened.Close() })
	out, err := restarted.ListAccounts(context.Background(), in)
	if err != nil {
		t.Fatalf("ListAccounts after a restart with a token from before = %v", err)
	}
	if len(out.Accounts) != 1 || aws.ToString(out.Accounts[0].Name) != "acct-1" {
		t.Errorf("the page after acct-0 holds %v; want acct-1", accountNames(out.Accounts))
	}
}

// serve starts a server of its own on the SQLite file at path and returns
// its store, which the caller closes, and a client signed with root.
func serve(t *testing.T, path string, root *belfry.AccessKey) (*sqlite.Store, *chime.Client) {
	t.Helper()
	store, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(api.Config{Service: &belfry.Service{Store: store}, Root: root}))
	t.Cleanup(srv.Close)
	return store, chime.New(chime.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider(root.ID, root.Secret, ""),
	})
}
