package api_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry/api"
	"github.com/belfryhq/belfry/postgres"
)

// statusCounter is an HTTP client that counts the statuses the server
// answered, to see the attempts an SDK hides behind its retries.
type statusCounter struct {
	mu     sync.Mutex
	counts map[int]int
}

func (s *statusCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		s.mu.Lock()
		if s.counts == nil {
			s.counts = map[int]int{}
		}
		s.counts[resp.StatusCode]++
		s.mu.Unlock()
	}
	return resp, err
}

func (s *statusCounter) count(status int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[status]
}

// sdkClient is a Chime client of e with the SDK's own default retryer, or
// retryer when set, whose attempts counter counts.
func (e *env) sdkClient(id, secret string, counter *statusCounter, retryer func() aws.Retryer) *chime.Client {
	o := chime.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(e.srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, ""),
		HTTPClient:   &http.Client{Transport: counter},
	}
	if retryer != nil {
		o.Retryer = retryer()
	}
	return chime.New(o)
}

// TestThrottlePerKey runs with a rate so low that no token comes back
// during the test and a burst of 2: a key's third request gets 429
// ThrottledClientException in the wire shape the SDKs map, with
// Retry-After, while another key, and the operator API, still go through.
func TestThrottlePerKey(t *testing.T) {
	e := newEnvWith(t, openSQLite(t), api.Config{Throttle: api.NewLocalThrottle(0.01, 2)})
	ctx := context.Background()
	var counter statusCounter
	// The SDK's default retryer: it does not retry a 429 that the
	// operation models, which is why the README gives Go users a line
	// that makes it.
	root := e.sdkClient(e.root.ID, e.root.Secret, &counter, nil)
	for i := range 2 {
		if _, err := root.ListAccounts(ctx, &chime.ListAccountsInput{}); err != nil {
			t.Fatalf("request %d of a burst of 2: %v", i+1, err)
		}
	}
	_, err := root.ListAccounts(ctx, &chime.ListAccountsInput{})
	ex := wantErr[*types.ThrottledClientException](t, err)
	if ex.Code != types.ErrorCodeThrottled {
		t.Errorf("ThrottledClientException.Code = %q, want Throttled", ex.Code)
	}
	if n := counter.count(http.StatusTooManyRequests); n != 1 {
		t.Errorf("the default Go retryer sent %d attempts that got 429; want 1 (it does not retry a modeled 429)", n)
	}

	raw := e.do(request{Method: "GET", Path: "/accounts"})
	var body struct{ Code, Message string }
	decodeJSON(t, raw, &body)
	if raw.Status != http.StatusTooManyRequests || raw.Header.Get("X-Amzn-ErrorType") != "ThrottledClientException" ||
		body.Code != "Throttled" || raw.Header.Get("Retry-After") != "100" || raw.Header.Get("x-amzn-RequestId") == "" {
		t.Errorf("over the rate: %d %v %s; want 429 ThrottledClientException, Code Throttled, Retry-After 100 (one token in 100 s)",
			raw.Status, raw.Header, raw.Body)
	}
	// GetEventsConfiguration models no ThrottledClientException; it gets
	// the same 429 all the same, not a 400 that no SDK would retry.
	raw = e.do(request{Method: "GET", Path: "/accounts/a/bots/b/events-configuration"})
	if raw.Status != http.StatusTooManyRequests || raw.Header.Get("X-Amzn-ErrorType") != "ThrottledClientException" {
		t.Errorf("GetEventsConfiguration over the rate: %d %v; want 429 ThrottledClientException", raw.Status, raw.Header)
	}

	other := e.keyFor("210987654321")
	for i := range 2 {
		if _, err := other.ListAccounts(ctx, &chime.ListAccountsInput{}); err != nil {
			t.Errorf("another key's request %d while the root key is throttled: %v", i+1, err)
		}
	}
	if r := e.do(request{Method: "GET", Path: "/_belfry/keys"}); r.Status != http.StatusOK {
		t.Errorf("operator request while the root key is throttled: %d %s; want 200 (operator requests are not throttled)", r.Status, r.Body)
	}
}

// TestThrottleGoSDKRetries sends three requests in a row at a key limited
// to 50 a second with a burst of 1, through a Go client whose retryer
// counts ThrottledClientException as a throttling error to retry, as the
// README shows: some attempts get 429, and every call succeeds.
func TestThrottleGoSDKRetries(t *testing.T) {
	t.Parallel() // the SDK backs off from a throttle for up to a second
	e := newEnvWith(t, openSQLite(t), api.Config{Throttle: api.NewLocalThrottle(50, 1)})
	var counter statusCounter
	client := e.sdkClient(e.root.ID, e.root.Secret, &counter, func() aws.Retryer {
		// The README's retryer, as a Go user copies it.
		return retry.NewStandard(func(o *retry.StandardOptions) {
			throttled := map[string]struct{}{"ThrottledClientException": {}}
			o.Retryables = append(o.Retryables, retry.RetryableErrorCode{Codes: throttled})
			o.Throttles = append(o.Throttles, retry.ThrottleErrorCode{Codes: throttled})
		})
	})
	for i := range 3 {
		if _, err := client.ListAccounts(context.Background(), &chime.ListAccountsInput{}); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	if counter.count(http.StatusTooManyRequests) == 0 {
		t.Errorf("no attempt got 429; want three calls at once to go over 50 a second with a burst of 1")
	}
	t.Logf("attempts: %v", counter.counts)
}

// TestSharedThrottle runs two API servers, as two replicas, on one
// PostgreSQL database with a shared bucket of 4 tokens that do not come
// back during the test: a key gets 4 requests in all, whichever replica
// it asks, and a fifth is throttled on both; another key is not.
func TestSharedThrottle(t *testing.T) {
	store := openPostgres(t)
	throttle := func() api.Throttle { return api.NewSharedThrottle(store.(*postgres.Store), 0.01, 4, nil) }
	e1 := newEnvWith(t, store, api.Config{Throttle: throttle()})
	e2 := newEnvWith(t, store, api.Config{Throttle: throttle()})
	ctx := context.Background()
	k, err := e1.svc.CreateAccessKey(ctx, "210987654321", "shared")
	if err != nil {
		t.Fatal(err)
	}
	replicas := []*chime.Client{e1.client(k.ID, k.Secret), e2.client(k.ID, k.Secret)}
	for i := range 4 {
		if _, err := replicas[i%2].ListAccounts(ctx, &chime.ListAccountsInput{}); err != nil {
			t.Fatalf("request %d of 4, on replica %d: %v", i+1, i%2+1, err)
		}
	}
	for i, c := range replicas {
		_, err := c.ListAccounts(ctx, &chime.ListAccountsInput{})
		wantErr[*types.ThrottledClientException](t, err)
		if t.Failed() {
			t.Fatalf("replica %d let a fifth request through", i+1)
		}
	}
	if _, err := e2.chime.ListAccounts(ctx, &chime.ListAccountsInput{}); err != nil {
		t.Errorf("another key on replica 2: %v", err)
	}
}
