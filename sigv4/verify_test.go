package sigv4_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/belfryhq/belfry/sigv4"
)

const (
	accountID  = "0b9a0a4c-2f3e-4c8e-9a53-6f0c7b0d2e11"
	createBody = `{"Email":"a+b@example.com","UserType":"PrivateUser","Username":"a b"}`
)

// sdkCase is a request shaped like a Chime API call, signed by aws-sdk-go-v2.
type sdkCase struct {
	name    string
	method  string
	url     string
	body    string
	headers [][2]string // added before signing
	// rawQuery, when set, replaces the canonical query that the SDK writes
	// back into the URL, as a client that encodes differently would send it.
	rawQuery string
}

var sdkCases = []sdkCase{
	{name: "CreateUser", method: "POST", url: chimeHost + "/accounts/" + accountID + "/users?operation=create",
		body: createBody, headers: [][2]string{{"Content-Type", "application/json"}}},
	{name: "ListAccounts name with space", method: "GET", url: chimeHost + "/accounts?name=a%20b&max-results=5"},
	{name: "label with + and @", method: "GET", url: chimeHost + "/accounts/x/users/a%2Bb%40ex.com"},
	{name: "label with slash and space", method: "GET", url: chimeHost + "/accounts/x/users/a%2Fb%20c"},
	{name: "label with UTF-8", method: "GET", url: chimeHost + "/accounts/x/users/%C3%A9t%C3%A9"},
	{name: "label with reserved characters", method: "GET", url: chimeHost + "/accounts/x/users/a%21%27%28%29%2A%3A%3D"},
	{name: "DELETE without body", method: "DELETE", url: chimeHost + "/accounts/x/users/y"},
	{name: "query with + @ / ~ space", method: "GET",
		url: chimeHost + "/accounts?name=a%2Bb%40c%2Fd~e%20f&user-email=x%2By%40z.com"},
	{name: "repeated and unsorted keys", method: "GET", url: chimeHost + "/accounts?b=2&a=3&a=1&a=%2F&a=-"},
	{name: "empty value and bare key", method: "GET", url: chimeHost + "/accounts?next-token=&flag"},
	{name: "client sends non-canonical query", method: "GET", url: chimeHost + "/accounts?name=a+b%2bc*&max-results=5",
		rawQuery: "name=a+b%2bc*&max-results=5"},
	{name: "header whitespace and repeated header", method: "POST", url: chimeHost + "/accounts", body: `{"Name":"n"}`,
		headers: [][2]string{{"X-Custom", "  a   b  c "}, {"X-Multi", "1"}, {"X-Multi", " 2 "}, {"Content-Type", "application/json"}}},
	{name: "host with port", method: "GET", url: "http://127.0.0.1:8080/accounts"},
	{name: "explicit default port", method: "GET", url: "https://service.chime.aws.amazon.com:443/accounts"},
	{name: "signed X-Amz-Content-Sha256", method: "POST", url: chimeHost + "/accounts", body: `{"Name":"n"}`,
		headers: [][2]string{{"X-Amz-Content-Sha256", hashHex([]byte(`{"Name":"n"}`))}}},
	{name: "empty path", method: "GET", url: chimeHost},
}

// signedOverWire signs c with secret at the given time and returns the request
// as a server receives it.
func (c sdkCase) signedOverWire(t testing.TB, secret, service, region string, at time.Time) (*http.Request, []byte) {
	t.Helper()
	r := newRequest(t, c.method, c.url, c.body)
	for _, h := range c.headers {
		r.Header.Add(h[0], h[1])
	}
	signSDK(t, r, c.body, secret, service, region, at)
	if c.rawQuery != "" {
		r.URL.RawQuery = c.rawQuery
	}
	return overWire(t, r)
}

func TestVerifySDKSigned(t *testing.T) {
	for _, c := range sdkCases {
		t.Run(c.name, func(t *testing.T) {
			r, body := c.signedOverWire(t, testSecret, testService, testRegion, signTime)
			got, err := newVerifier(signTime.Add(time.Minute)).Verify(r, body)
			if err != nil {
				t.Fatalf("Verify(%s %s): %v\nAuthorization: %s", r.Method, r.RequestURI, err, r.Header.Get("Authorization"))
			}
			if got != testKeyID {
				t.Errorf("Verify returned key %q, want %q", got, testKeyID)
			}
		})
	}
}

func TestVerifyClientRequestWithoutWire(t *testing.T) {
	c := sdkCases[0]
	r := newRequest(t, c.method, c.url, c.body)
	r.Header.Set("Content-Type", "application/json")
	signSDK(t, r, c.body, testSecret, testService, testRegion, signTime)
	if _, err := newVerifier(signTime).Verify(r, []byte(c.body)); err != nil {
		t.Fatalf("Verify of the client-side request: %v", err)
	}
}

// tamper changes a signed request as the server would receive it.
type tamper func(r *http.Request, body *[]byte, v *sigv4.Verifier)

func TestVerifyRejects(t *testing.T) {
	base := sdkCases[0]
	tests := []struct {
		name    string
		sign    func(t *testing.T) (*http.Request, []byte)
		tamper  tamper
		wantErr error
	}{
		{name: "body changed", tamper: func(_ *http.Request, b *[]byte, _ *sigv4.Verifier) {
			*b = []byte(strings.Replace(string(*b), "a+b", "a+c", 1))
		}, wantErr: sigv4.ErrBadSignature},
		{name: "body truncated", tamper: func(_ *http.Request, b *[]byte, _ *sigv4.Verifier) { *b = (*b)[:5] },
			wantErr: sigv4.ErrBadSignature},
		{name: "path changed", tamper: func(r *http.Request, _ *[]byte, _ *sigv4.Verifier) {
			r.URL = mustParseURI(t, "/accounts/"+strings.Replace(accountID, "0", "1", 1)+"/users?operation=create")
		}, wantErr: sigv4.ErrBadSignature},
		{name: "query changed", tamper: func(r *http.Request, _ *[]byte, _ *sigv4.Verifier) {
			r.URL.RawQuery = "operation=delete"
		}, wantErr: sigv4.ErrBadSignature},
		{name: "query parameter added", tamper: func(r *http.Request, _ *[]byte, _ *sigv4.Verifier) {
			r.URL.RawQuery += "&x=1"
		}, wantErr: sigv4.ErrBadSignature},
		{name: "signed header changed", tamper: func(r *http.Request, _ *[]byte, _ *sigv4.Verifier) {
			r.Header.Set("Content-Type", "text/plain")
		}, wantErr: sigv4.ErrBadSignature},
		{name: "host changed", tamper: func(r *http.Request, _ *[]byte, _ *sigv4.Verifier) { r.Host = "evil.example" },
			wantErr: sigv4.ErrBadSignature},
		{name: "method changed", tamper: func(r *http.Request, _ *[]byte, _ *sigv4.Verifier) { r.Method = "PUT" },
			wantErr: sigv4.ErrBadSignature},
		{name: "X-Amz-Date moved by a second", tamper: func(r *http.Request, _ *[]byte, _ *sigv4.Verifier) {
			r.Header.Set("X-Amz-Date", signTime.Add(time.Second).Format("20060102T150405Z"))
		}, wantErr: sigv4.ErrBadSignature},
		{name: "wrong secret", tamper: func(_ *http.Request, _ *[]byte, v *sigv4.Verifier) {
			v.Keys = mapKeys{testKeyID: "another-secret"}
		}, wantErr: sigv4.ErrBadSignature},
		{name: "X-Amz-Content-Sha256 disagrees with body", sign: func(t *testing.T) (*http.Request, []byte) {
			c := base
			c.headers = append(c.headers, [2]string{"X-Amz-Content-Sha256", hashHex([]byte(c.body))})
			r, _ := c.signedOverWire(t, testSecret, testService, testRegion, signTime)
			return r, []byte(`{"Email":"evil@example.com"}`)
		}, wantErr: sigv4.ErrBadSignature},
		{name: "unknown key", tamper: func(_ *http.Request, _ *[]byte, v *sigv4.Verifier) { v.Keys = mapKeys{} },
			wantErr: sigv4.ErrUnknownKey},
		{name: "unknown key, 16 minutes late", tamper: func(_ *http.Request, _ *[]byte, v *sigv4.Verifier) {
			v.Keys = mapKeys{}
			v.Now = func() time.Time { return signTime.Add(16 * time.Minute) }
		}, wantErr: sigv4.ErrUnknownKey},
		{name: "unknown key, scope date differs", tamper: func(r *http.Request, _ *[]byte, v *sigv4.Verifier) {
			v.Keys = mapKeys{}
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/20261125/", "/20261124/", 1))
		}, wantErr: sigv4.ErrUnknownKey},
		{name: "unknown key, wrong region in scope", sign: signedWith(base, testService, "eu-west-1"),
			tamper: func(_ *http.Request, _ *[]byte, v *sigv4.Verifier) { v.Keys = mapKeys{} }, wantErr: sigv4.ErrUnknownKey},
		{name: "unknown key, wrong service in scope", sign: signedWith(base, "s3", testRegion),
			tamper: func(_ *http.Request, _ *[]byte, v *sigv4.Verifier) { v.Keys = mapKeys{} }, wantErr: sigv4.ErrUnknownKey},
		{name: "16 minutes late", tamper: func(_ *http.Request, _ *[]byte, v *sigv4.Verifier) {
			v.Now = func() time.Time { return signTime.Add(16 * time.Minute) }
		}, wantErr: sigv4.ErrExpired},
		{name: "16 minutes early", tamper: func(_ *http.Request, _ *[]byte, v *sigv4.Verifier) {
			v.Now = func() time.Time { return signTime.Add(-16 * time.Minute) }
		}, wantErr: sigv4.ErrExpired},
		{name: "outside a custom MaxSkew", tamper: func(_ *http.Request, _ *[]byte, v *sigv4.Verifier) {
			v.MaxSkew = time.Minute
			v.Now = func() time.Time { return signTime.Add(2 * time.Minute) }
		}, wantErr: sigv4.ErrExpired},
		{name: "scope date differs from X-Amz-Date", tamper: func(r *http.Request, _ *[]byte, _ *sigv4.Verifier) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/20261125/", "/20261124/", 1))
		}, wantErr: sigv4.ErrExpired},
		{name: "missing Authorization", tamper: func(r *http.Request, _ *[]byte, _ *sigv4.Verifier) {
			r.Header.Del("Authorization")
		}, wantErr: sigv4.ErrMissing},
		{name: "other scheme", tamper: setAuth("Bearer abc.def"), wantErr: sigv4.ErrMalformed},
		{name: "garbage after algorithm", tamper: setAuth("AWS4-HMAC-SHA256 garbage"), wantErr: sigv4.ErrMalformed},
		{name: "no signature", tamper: setAuth("AWS4-HMAC-SHA256 Credential=" + testKeyID + "/20261125/us-east-1/chime/aws4_request, SignedHeaders=host;x-amz-date"),
			wantErr: sigv4.ErrMalformed},
		{name: "short signature", tamper: replaceAuth(", Signature=", ", Signature=abc"), wantErr: sigv4.ErrMalformed},
		{name: "two Authorization headers", tamper: func(r *http.Request, _ *[]byte, _ *sigv4.Verifier) {
			r.Header.Add("Authorization", r.Header.Get("Authorization"))
		}, wantErr: sigv4.ErrMalformed},
		{name: "host not signed", tamper: replaceAuth("host;", ""), wantErr: sigv4.ErrMalformed},
		{name: "uppercase signed header", tamper: replaceAuth("content-type", "Content-Type"), wantErr: sigv4.ErrMalformed},
		{name: "signed header absent", tamper: func(r *http.Request, _ *[]byte, _ *sigv4.Verifier) {
			r.Header.Del("Content-Type")
		}, wantErr: sigv4.ErrMalformed},
		{name: "missing X-Amz-Date", tamper: func(r *http.Request, _ *[]byte, _ *sigv4.Verifier) {
			r.Header.Del("X-Amz-Date")
		}, wantErr: sigv4.ErrMalformed},
		{name: "bad X-Amz-Date", tamper: func(r *http.Request, _ *[]byte, _ *sigv4.Verifier) {
			r.Header.Set("X-Amz-Date", "2026-11-25T10:00:00Z")
		}, wantErr: sigv4.ErrMalformed},
		{name: "one-digit hour in X-Amz-Date", tamper: func(r *http.Request, _ *[]byte, _ *sigv4.Verifier) {
			r.Header.Set("X-Amz-Date", "20261125T50000Z")
		}, wantErr: sigv4.ErrMalformed},
		{name: "wrong service in scope", sign: signedWith(base, "s3", testRegion), wantErr: sigv4.ErrMalformed},
		{name: "wrong region in scope", sign: signedWith(base, testService, "eu-west-1"), wantErr: sigv4.ErrMalformed},
		{name: "wrong scope terminator", tamper: replaceAuth("/aws4_request", "/aws5_request"), wantErr: sigv4.ErrMalformed},
		{name: "UNSIGNED-PAYLOAD", tamper: func(r *http.Request, _ *[]byte, _ *sigv4.Verifier) {
			r.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
		}, wantErr: sigv4.ErrMalformed},
		{name: "semicolon in query", tamper: func(r *http.Request, _ *[]byte, _ *sigv4.Verifier) {
			r.URL.RawQuery = "operation=create;x=1"
		}, wantErr: sigv4.ErrMalformed},
		{name: "bad escape in query", tamper: func(r *http.Request, _ *[]byte, _ *sigv4.Verifier) {
			r.URL.RawQuery = "operation=create%zz"
		}, wantErr: sigv4.ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r *http.Request
			var body []byte
			if tc.sign != nil {
				r, body = tc.sign(t)
			} else {
				r, body = base.signedOverWire(t, testSecret, testService, testRegion, signTime)
			}
			v := newVerifier(signTime)
			if tc.tamper != nil {
				tc.tamper(r, &body, v)
			}
			got, err := v.Verify(r, body)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Verify: got error %v, want %v", err, tc.wantErr)
			}
			if got != "" {
				t.Errorf("Verify returned key %q with an error", got)
			}
		})
	}
}

func TestVerifyAcceptsEdgeOfWindow(t *testing.T) {
	for _, d := range []time.Duration{-14 * time.Minute, 14 * time.Minute, 15 * time.Minute, -15 * time.Minute} {
		r, body := sdkCases[0].signedOverWire(t, testSecret, testService, testRegion, signTime)
		if _, err := newVerifier(signTime.Add(d)).Verify(r, body); err != nil {
			t.Errorf("server clock %v from the signing time: %v", d, err)
		}
	}
}

func TestVerifyKeyStoreFailure(t *testing.T) {
	r, body := sdkCases[0].signedOverWire(t, testSecret, testService, testRegion, signTime)
	v := newVerifier(signTime)
	v.Keys = failingKeys{}
	_, err := v.Verify(r, body)
	if !errors.Is(err, errBackend) {
		t.Fatalf("Verify: got %v, want it to wrap %v", err, errBackend)
	}
	for _, s := range []error{sigv4.ErrMissing, sigv4.ErrUnknownKey, sigv4.ErrMalformed, sigv4.ErrBadSignature, sigv4.ErrExpired} {
		if errors.Is(err, s) {
			t.Errorf("a key store failure should not match %v", s)
		}
	}
}

func TestVerifyErrorsHideSecrets(t *testing.T) {
	c := sdkCases[0]
	r, body := c.signedOverWire(t, "client-secret-that-is-wrong", testService, testRegion, signTime)
	good, _ := c.signedOverWire(t, testSecret, testService, testRegion, signTime)
	_, expected, _ := strings.Cut(good.Header.Get("Authorization"), "Signature=")

	_, err := newVerifier(signTime).Verify(r, body)
	if !errors.Is(err, sigv4.ErrBadSignature) {
		t.Fatalf("Verify: got %v, want ErrBadSignature", err)
	}
	msg := err.Error()
	for _, secret := range []string{testSecret, "client-secret-that-is-wrong", expected} {
		if strings.Contains(msg, secret) {
			t.Errorf("error %q reveals %q", msg, secret)
		}
	}
	if !strings.Contains(msg, testKeyID) {
		t.Errorf("error %q should name the access key", msg)
	}
}

func TestVerifyPresigned(t *testing.T) {
	r := newRequest(t, "GET", chimeHost+"/accounts?name=a%20b&X-Amz-Expires=300", "")
	creds := testCreds(testSecret)
	uri, hdr, err := presigner().PresignHTTP(t.Context(), creds, r, hashHex(nil), testService, testRegion, signTime)
	if err != nil {
		t.Fatalf("PresignHTTP: %v", err)
	}
	for _, tc := range []struct {
		name    string
		uri     string
		now     time.Time
		wantErr error
	}{
		{"valid", uri, signTime.Add(4 * time.Minute), nil},
		{"expired", uri, signTime.Add(6 * time.Minute), sigv4.ErrExpired},
		{"not yet valid", uri, signTime.Add(-16 * time.Minute), sigv4.ErrExpired},
		{"query changed", strings.Replace(uri, "name=a%20b", "name=a%20c", 1), signTime, sigv4.ErrBadSignature},
		{"signature removed", strings.Replace(uri, "X-Amz-Signature=", "X-Amz-Nothing=", 1), signTime, sigv4.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pr := newRequest(t, "GET", tc.uri, "")
			pr.Header = hdr.Clone()
			sr, body := overWire(t, pr)
			_, err := newVerifier(tc.now).Verify(sr, body)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Verify(%s): got %v, want %v", tc.uri, err, tc.wantErr)
			}
		})
	}
}

func signedWith(c sdkCase, service, region string) func(t *testing.T) (*http.Request, []byte) {
	return func(t *testing.T) (*http.Request, []byte) {
		return c.signedOverWire(t, testSecret, service, region, signTime)
	}
}

func setAuth(value string) tamper {
	return func(r *http.Request, _ *[]byte, _ *sigv4.Verifier) { r.Header.Set("Authorization", value) }
}

func replaceAuth(old, new string) tamper {
	return func(r *http.Request, _ *[]byte, _ *sigv4.Verifier) {
		r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), old, new, 1))
	}
}

func mustParseURI(t *testing.T, uri string) *url.URL {
	t.Helper()
	u, err := url.ParseRequestURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
