package sigv4_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/belfryhq/belfry/sigv4"
)

// BenchmarkVerify measures one CreateUser request signed by aws-sdk-go-v2.
func BenchmarkVerify(b *testing.B) {
	r, body := createUserRequest(b)
	v := newVerifier(signTime)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(r, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyParallel measures the same request from all cores at once.
func BenchmarkVerifyParallel(b *testing.B) {
	r, body := createUserRequest(b)
	v := newVerifier(signTime)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := v.Verify(r, body); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// createUserRequest returns a CreateUser request as the Chime client sends it.
func createUserRequest(tb testing.TB) (*http.Request, []byte) {
	r := newRequest(tb, "POST", chimeHost+"/accounts/"+accountID+"/users?operation=create", createBody)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Amz-Sdk-Invocation-Id", "6f9d3b8e-8d7e-4a53-9a0e-5d2a1e2b9c11")
	r.Header.Set("Amz-Sdk-Request", "attempt=1; max=3")
	signSDK(tb, r, createBody, testSecret, testService, testRegion, signTime)
	return overWire(tb, r)
}

// TestVerifyManyKeys goes past the signing-key cache bound, so that the cache
// is pruned while requests keep verifying.
func TestVerifyManyKeys(t *testing.T) {
	const n = 4200
	keys := mapKeys{}
	v := &sigv4.Verifier{Service: testService, Region: testRegion, Keys: keys, Now: func() time.Time { return signTime }}
	r, body := createUserRequest(t)
	for i := range n {
		secret := fmt.Sprintf("secret-%d", i)
		keys[testKeyID] = secret
		signed := r.Clone(t.Context())
		signed.Header.Set("Authorization", authFor(t, secret))
		if _, err := v.Verify(signed, body); err != nil {
			t.Fatalf("key %d: %v", i, err)
		}
	}
}

// authFor returns the Authorization header of the CreateUser request signed
// with secret.
func authFor(t *testing.T, secret string) string {
	r := newRequest(t, "POST", chimeHost+"/accounts/"+accountID+"/users?operation=create", createBody)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Amz-Sdk-Invocation-Id", "6f9d3b8e-8d7e-4a53-9a0e-5d2a1e2b9c11")
	r.Header.Set("Amz-Sdk-Request", "attempt=1; max=3")
	signSDK(t, r, createBody, secret, testService, testRegion, signTime)
	return r.Header.Get("Authorization")
}

// FuzzVerify checks that arbitrary authentication data never panics and never
// verifies under a key other than the known one.
func FuzzVerify(f *testing.F) {
	r, body := createUserRequest(f)
	f.Add(r.Header.Get("Authorization"), r.Header.Get("X-Amz-Date"), r.URL.RawQuery, "")
	f.Add("AWS4-HMAC-SHA256 Credential=/////, SignedHeaders=;;, Signature=", "20261125T100000Z", "a=%", "x")
	f.Add("AWS4-HMAC-SHA256 ,,,=,Credential==", "", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=-1", "UNSIGNED-PAYLOAD")
	f.Add("", "99999999T999999Z", "X-Amz-Signature=00&X-Amz-Credential=a/b/c/d/e", "")
	v := newVerifier(signTime)
	f.Fuzz(func(t *testing.T, auth, date, query, sha string) {
		fr := r.Clone(t.Context())
		fr.URL.RawQuery = query
		fr.Header.Set("Authorization", auth)
		fr.Header.Set("X-Amz-Date", date)
		if sha != "" {
			fr.Header.Set("X-Amz-Content-Sha256", sha)
		}
		id, err := v.Verify(fr, body)
		if err == nil && id != testKeyID {
			t.Fatalf("Verify accepted unknown key %q", id)
		}
	})
}
