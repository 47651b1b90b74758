package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry"
)

func TestAuthSDK(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tests := []struct {
		name       string
		id, secret string
		check      func(t *testing.T, err error)
	}{
		{"root key", e.root.ID, e.root.Secret, func(t *testing.T, err error) {
			if err != nil {
				t.Errorf("ListAccounts: %v", err)
			}
		}},
		{"wrong secret", e.root.ID, "wrong" + e.root.Secret[5:], func(t *testing.T, err error) {
			wantErr[*types.ForbiddenException](t, err)
		}},
		{"unknown access key", "AKIAAAAAAAAAAAAAAAAA", e.root.Secret, func(t *testing.T, err error) {
			wantErr[*types.UnauthorizedClientException](t, err)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.client(tt.id, tt.secret).ListAccounts(ctx, &chime.ListAccountsInput{})
			tt.check(t, err)
		})
	}
}

func TestAuthRaw(t *testing.T) {
	e := newEnv(t)
	other := belfry.NewAccessKey("111122223333", "nobody", time.Now())
	now := time.Now()
	tests := []struct {
		name     string
		req      request
		want     int
		wantType string
	}{
		{"signed now", request{}, 200, ""},
		{"signed 14 minutes ago", request{At: now.Add(-14 * time.Minute)}, 200, ""},
		{"unsigned", request{Unsigned: true}, 401, "UnauthorizedClientException"},
		{"unknown key", request{Key: other}, 401, "UnauthorizedClientException"},
		{"signed 16 minutes ago", request{At: now.Add(-16 * time.Minute)}, 403, "ForbiddenException"},
		{"signed 16 minutes ahead", request{At: now.Add(16 * time.Minute)}, 403, "ForbiddenException"},
		{"signed yesterday", request{At: now.Add(-24 * time.Hour)}, 403, "ForbiddenException"},
		// An unknown credential is a 401 whatever else is wrong with the
		// request (DECISIONS.md, credentials and tenancy).
		{"unknown key signed 16 minutes ago", request{Key: other, At: now.Add(-16 * time.Minute)}, 401, "UnauthorizedClientException"},
		{"unknown key signed yesterday", request{Key: other, At: now.Add(-24 * time.Hour)}, 401, "UnauthorizedClientException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.Method, tt.req.Path = "GET", "/accounts"
			r := e.do(tt.req)
			if r.Status != tt.want {
				t.Errorf("status = %d (%s), want %d", r.Status, r.Body, tt.want)
			}
			if got := r.Header.Get("X-Amzn-ErrorType"); got != tt.wantType {
				t.Errorf("X-Amzn-ErrorType = %q, want %q", got, tt.wantType)
			}
			if r.Header.Get("x-amzn-RequestId") == "" {
				t.Error("no x-amzn-RequestId")
			}
		})
	}
}

// signWith signs req with the root key for a region and service of the
// caller's choosing.
func signWith(t *testing.T, e *env, req *http.Request, body []byte, service, region string) {
	t.Helper()
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: e.root.ID, SecretAccessKey: e.root.Secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, region, time.Now()); err != nil {
		t.Fatal(err)
	}
}

func TestAuthScopeAndTampering(t *testing.T) {
	e := newEnv(t)
	body := []byte(`{"Name":"x"}`)
	tests := []struct {
		name   string
		sign   func(req *http.Request)
		tamper func(req *http.Request)
	}{
		{"other region", func(req *http.Request) { signWith(t, e, req, body, "chime", "eu-west-1") }, nil},
		{"other service", func(req *http.Request) { signWith(t, e, req, body, "s3", "us-east-1") }, nil},
		{"body changed after signing", func(req *http.Request) { signWith(t, e, req, body, "chime", "us-east-1") },
			func(req *http.Request) {
				changed := []byte(`{"Name":"y"}`)
				req.Body, req.ContentLength = nopCloser{bytes.NewReader(changed)}, int64(len(changed))
			}},
		{"path changed after signing", func(req *http.Request) { signWith(t, e, req, body, "chime", "us-east-1") },
			func(req *http.Request) { req.URL.Path = "/console/accounts" }},
		{"query added after signing", func(req *http.Request) { signWith(t, e, req, body, "chime", "us-east-1") },
			func(req *http.Request) { req.URL.RawQuery = "x=1" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest("POST", e.srv.URL+"/accounts", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			tt.sign(req)
			if tt.tamper != nil {
				tt.tamper(req)
			}
			resp, err := e.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-Amzn-ErrorType") != "ForbiddenException" {
				t.Errorf("got %d %q, want 403 ForbiddenException", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"))
			}
		})
	}
	list, err := e.chime.ListAccounts(context.Background(), &chime.ListAccountsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Accounts) != 0 {
		t.Errorf("refused requests made %d accounts, want 0", len(list.Accounts))
	}
}

// TestAuthUnknownKeyWrongScope checks that a request signed with an
// unknown key for another region or service is a 401 for the key, not a
// 403 for the scope.
func TestAuthUnknownKeyWrongScope(t *testing.T) {
	e := newEnv(t)
	other := belfry.NewAccessKey("111122223333", "nobody", time.Now())
	for _, scope := range [][2]string{{"chime", "eu-west-1"}, {"s3", "us-east-1"}} {
		req, err := http.NewRequest("GET", e.srv.URL+"/accounts", nil)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(nil)
		creds := aws.Credentials{AccessKeyID: other.ID, SecretAccessKey: other.Secret}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), scope[0], scope[1], time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("X-Amzn-ErrorType") != "UnauthorizedClientException" {
			t.Errorf("unknown key signed for %s in %s: got %d %q, want 401 UnauthorizedClientException",
				scope[0], scope[1], resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"))
		}
	}
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }
