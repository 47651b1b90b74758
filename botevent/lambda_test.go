package botevent_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/botevent"
	"github.com/belfryhq/belfry/internal/lambdatest"
)

// chimeSignature is what a bot computes from an event to check it, on its
// own, as the Chime documentation tells bot builders to.
func chimeSignature(token, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write([]byte(timestamp + "|"))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// newLambda returns a Lambda that calls srv with srv's key.
func newLambda(t *testing.T, srv *lambdatest.Server, timeout time.Duration) *botevent.Lambda {
	t.Helper()
	l, err := botevent.NewLambda(context.Background(), botevent.LambdaConfig{
		Endpoint: srv.URL, Timeout: timeout,
		Credentials: credentials.NewStaticCredentialsProvider(srv.KeyID, srv.Secret, ""),
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestLambdaInvokeSignsAsChime checks an event's invocation end to end:
// credentials from the standard chain (here the environment), a SigV4
// signature for the region the ARN names, the function named by its
// qualified ARN, RequestResponse, the event as the payload, and a
// ClientContext whose signature verifies with the bot's token and not
// with another.
func TestLambdaInvokeSignsAsChime(t *testing.T) {
	srv := lambdatest.New(t)
	t.Setenv("AWS_ACCESS_KEY_ID", srv.KeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", srv.Secret)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	const arn = "arn:aws:lambda:eu-west-1:111122223333:function:build-bot:live"
	srv.Function(arn, func(lambdatest.Invocation) ([]byte, error) { return []byte("null"), nil })
	at := time.Date(2026, 11, 30, 12, 0, 0, 250e6, time.UTC)
	l, err := botevent.NewLambda(context.Background(), botevent.LambdaConfig{Endpoint: srv.URL, Clock: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"EventType":"Mention","Message":"@build-bot hello"}`)
	if err := l.Invoke(context.Background(), arn, "the-token", body); err != nil {
		t.Fatalf("Invoke() = %v", err)
	}
	calls := srv.Invocations()
	if len(calls) != 1 {
		t.Fatalf("Lambda saw %d invocations; want 1", len(calls))
	}
	inv := calls[0]
	if inv.FunctionName != arn || inv.Type != "RequestResponse" || inv.AccessKeyID != srv.KeyID ||
		inv.Region != "eu-west-1" || string(inv.Payload) != string(body) {
		t.Errorf("Lambda saw %+v; want %s invoked RequestResponse, signed by %s for eu-west-1, with the event", inv, arn, srv.KeyID)
	}
	var cc struct {
		Signature string            `json:"Chime-Signature"`
		Timestamp string            `json:"Chime-Request-Timestamp"`
		Custom    map[string]string `json:"custom"`
	}
	if err := json.Unmarshal(inv.ClientContext, &cc); err != nil {
		t.Fatalf("ClientContext %s: %v", inv.ClientContext, err)
	}
	if cc.Timestamp != "2026-11-30T12:00:00.250Z" {
		t.Errorf("Chime-Request-Timestamp = %q; want the clock's time with milliseconds", cc.Timestamp)
	}
	if cc.Signature != chimeSignature("the-token", cc.Timestamp, inv.Payload) {
		t.Errorf("Chime-Signature %q does not verify with the bot's token", cc.Signature)
	}
	if cc.Signature == chimeSignature("another-token", cc.Timestamp, inv.Payload) {
		t.Errorf("Chime-Signature %q verifies with another token", cc.Signature)
	}
	if cc.Custom["Chime-Signature"] != cc.Signature || cc.Custom["Chime-Request-Timestamp"] != cc.Timestamp {
		t.Errorf("ClientContext custom = %v; want the same signature and timestamp, for runtimes that read only custom", cc.Custom)
	}
}

// TestLambdaInvokeFailures checks that each failure is reported after
// one attempt, saying what came back, as Unavailable when a later attempt
// may succeed and as BadRequest when none will.
func TestLambdaInvokeFailures(t *testing.T) {
	srv := lambdatest.New(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	cases := []struct {
		name string
		fn   lambdatest.Func // nil: no such function
		kind belfry.Kind
		want string
	}{
		{"function error", func(lambdatest.Invocation) ([]byte, error) { return nil, errors.New("cannot parse event") }, belfry.Unavailable, "(Unhandled)"},
		{"throttled", lambdatest.Refuse(429, "TooManyRequestsException", "Rate Exceeded."), belfry.Unavailable, "429 TooManyRequestsException: Rate Exceeded."},
		{"lambda failed", lambdatest.Refuse(500, "ServiceException", "internal"), belfry.Unavailable, "500 ServiceException"},
		{"not ready", lambdatest.Refuse(502, "ResourceNotReadyException", "inactive"), belfry.Unavailable, "502 ResourceNotReadyException"},
		{"updating", lambdatest.Refuse(409, "ResourceConflictException", "pending"), belfry.Unavailable, "409 ResourceConflictException"},
		{"slow", func(lambdatest.Invocation) ([]byte, error) { <-release; return nil, nil }, belfry.Unavailable, "no answer from Lambda within 100ms"},
		{"missing", nil, belfry.BadRequest, "404 ResourceNotFoundException: Function not found"},
		{"denied", lambdatest.Refuse(403, "AccessDeniedException", "not authorized to perform: lambda:InvokeFunction"), belfry.BadRequest, "403 AccessDeniedException"},
		{"too large", lambdatest.Refuse(413, "RequestTooLargeException", "too large"), belfry.BadRequest, "413 RequestTooLargeException"},
	}
	l := newLambda(t, srv, 100*time.Millisecond)
	for _, c := range cases {
		arn := "arn:aws:lambda:us-east-1:111122223333:function:" + strings.ReplaceAll(c.name, " ", "-")
		if c.fn != nil {
			srv.Function(arn, c.fn)
		}
		err := l.Invoke(context.Background(), arn, "token", []byte(`{"EventType":"Invite"}`))
		if belfry.ErrorKind(err) != c.kind || !strings.Contains(belfry.ErrorMessage(err), c.want) ||
			!strings.Contains(belfry.ErrorMessage(err), arn) {
			t.Errorf("%s: Invoke() = %v (%v); want %v naming the function and saying %q", c.name, err, belfry.ErrorKind(err), c.kind, c.want)
		}
		if n := countFor(srv, arn); n != 1 {
			t.Errorf("%s: Lambda saw %d attempts; want 1, as the delivery queue does the retrying", c.name, n)
		}
	}
	down := lambdatest.New(t)
	down.Close()
	err := newLambda(t, down, 0).Invoke(context.Background(), "arn:aws:lambda:us-east-1:111122223333:function:f", "token", []byte("{}"))
	if belfry.ErrorKind(err) != belfry.Unavailable || !strings.Contains(belfry.ErrorMessage(err), "no answer from Lambda") {
		t.Errorf("Invoke(Lambda down) = %v; want Unavailable, no answer", err)
	}
}

// TestLambdaInvokeRefusesWhatLambdaWouldNot checks that a bad signing key
// and a malformed ARN fail for good, the ARN without reaching Lambda.
func TestLambdaInvokeRefusesWhatLambdaWouldNot(t *testing.T) {
	srv := lambdatest.New(t)
	const arn = "arn:aws:lambda:us-east-1:111122223333:function:bot"
	srv.Function(arn, func(lambdatest.Invocation) ([]byte, error) { return nil, nil })
	l, err := botevent.NewLambda(context.Background(), botevent.LambdaConfig{Endpoint: srv.URL,
		Credentials: credentials.NewStaticCredentialsProvider(srv.KeyID, "not-the-secret", "")})
	if err != nil {
		t.Fatal(err)
	}
	err = l.Invoke(context.Background(), arn, "token", []byte("{}"))
	if belfry.ErrorKind(err) != belfry.BadRequest || !strings.Contains(belfry.ErrorMessage(err), "InvalidSignatureException") {
		t.Errorf("Invoke(wrong secret) = %v; want BadRequest quoting InvalidSignatureException", err)
	}
	err = newLambda(t, srv, 0).Invoke(context.Background(), "arn:aws:s3:::bucket", "token", []byte("{}"))
	if belfry.ErrorKind(err) != belfry.BadRequest || len(srv.Invocations()) != 0 {
		t.Errorf("Invoke(S3 ARN) = %v after %d invocations; want BadRequest and none", err, len(srv.Invocations()))
	}
}

// TestLambdaDryRun checks that a dry run reaches Lambda as one, without
// the event's ClientContext, and that every refusal is BadRequest, the
// answer PutEventsConfiguration gives.
func TestLambdaDryRun(t *testing.T) {
	srv := lambdatest.New(t)
	l := newLambda(t, srv, 0)
	const arn = "arn:aws:lambda:ap-southeast-2:111122223333:function:bot"
	srv.Function(arn, func(lambdatest.Invocation) ([]byte, error) { return nil, nil })
	if err := l.DryRun(context.Background(), arn); err != nil {
		t.Fatalf("DryRun() = %v", err)
	}
	if calls := srv.Invocations(); len(calls) != 1 || calls[0].Type != "DryRun" || calls[0].ClientContext != nil ||
		calls[0].Region != "ap-southeast-2" {
		t.Errorf("Lambda saw %+v; want one DryRun without ClientContext, signed for ap-southeast-2", calls)
	}
	for name, c := range map[string]struct {
		fn   lambdatest.Func
		want string
	}{
		"missing":   {nil, "ResourceNotFoundException"},
		"throttled": {lambdatest.Refuse(429, "TooManyRequestsException", "Rate Exceeded."), "429 TooManyRequestsException"},
		"failing":   {func(lambdatest.Invocation) ([]byte, error) { return nil, errors.New("boom") }, "the function failed (Unhandled)"},
	} {
		arn := "arn:aws:lambda:us-east-1:111122223333:function:" + name
		if c.fn != nil {
			srv.Function(arn, c.fn)
		}
		err := l.DryRun(context.Background(), arn)
		if belfry.ErrorKind(err) != belfry.BadRequest || !strings.Contains(belfry.ErrorMessage(err), c.want) ||
			!strings.Contains(belfry.ErrorMessage(err), "dry-run") {
			t.Errorf("%s: DryRun() = %v; want BadRequest about the dry run saying %q", name, err, c.want)
		}
	}
}

// countFor counts the invocations of arn.
func countFor(srv *lambdatest.Server, arn string) int {
	n := 0
	for _, inv := range srv.Invocations() {
		if inv.FunctionName == arn {
			n++
		}
	}
	return n
}
