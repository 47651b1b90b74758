package sigv4_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/belfryhq/belfry/sigv4"
)

const (
	testKeyID   = "AKIDBELFRYEXAMPLE"
	testSecret  = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	testService = "chime"
	testRegion  = "us-east-1"
	chimeHost   = "https://service.chime.aws.amazon.com"
)

// signTime is the fixed signing time of the table tests.
var signTime = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// mapKeys is an in-memory key store.
type mapKeys map[string]string

func (m mapKeys) Secret(_ context.Context, id string) (string, error) {
	if s, ok := m[id]; ok {
		return s, nil
	}
	return "", fmt.Errorf("no key %q: %w", id, sigv4.ErrUnknownKey)
}

// failingKeys is a key store whose backend is down.
type failingKeys struct{}

func (failingKeys) Secret(context.Context, string) (string, error) {
	return "", errBackend
}

var errBackend = fmt.Errorf("database is locked")

// newVerifier returns a chime verifier that knows testKeyID and believes the
// time is now.
func newVerifier(now time.Time) *sigv4.Verifier {
	return &sigv4.Verifier{
		Service: testService,
		Region:  testRegion,
		Keys:    mapKeys{testKeyID: testSecret},
		Now:     func() time.Time { return now },
	}
}

// hashHex returns the hex SHA-256 of b.
func hashHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// newRequest builds a client request with body.
func newRequest(t testing.TB, method, url, body string) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = bytes.NewReader([]byte(body))
	}
	r, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatalf("NewRequest(%s %s): %v", method, url, err)
	}
	return r
}

// signSDK signs r the way aws-sdk-go-v2 does.
func signSDK(t testing.TB, r *http.Request, body, secret, service, region string, at time.Time) {
	t.Helper()
	err := presigner().SignHTTP(context.Background(), testCreds(secret), r, hashHex([]byte(body)), service, region, at)
	if err != nil {
		t.Fatalf("SignHTTP: %v", err)
	}
}

// testCreds returns credentials for testKeyID with secret.
func testCreds(secret string) aws.Credentials {
	return aws.Credentials{AccessKeyID: testKeyID, SecretAccessKey: secret}
}

// presigner returns the aws-sdk-go-v2 SigV4 signer with default options, as
// the Chime client uses it.
func presigner() *v4.Signer { return v4.NewSigner() }

// overWire writes r as HTTP/1.1 and parses it back the way a server does, so
// that Host, Content-Length and the request target are what a handler sees.
func overWire(t testing.TB, r *http.Request) (*http.Request, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := r.Write(&buf); err != nil {
		t.Fatalf("writing request: %v", err)
	}
	sr, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		t.Fatalf("reading request back: %v", err)
	}
	body, err := io.ReadAll(sr.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return sr, body
}
