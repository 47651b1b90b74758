package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry/internal/pgtest"
)

// retryingSDK is the Go client the README shows for a throttled Belfry:
// the SDK's standard retryer, which retries ThrottledClientException too.
func (p *proc) retryingSDK(keyID, secret string) *chime.Client {
	return chime.New(chime.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(p.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(keyID, secret, ""),
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			throttled := map[string]struct{}{"ThrottledClientException": {}}
			o.Retryables = append(o.Retryables, retry.RetryableErrorCode{Codes: throttled})
			o.Throttles = append(o.Throttles, retry.ThrottleErrorCode{Codes: throttled})
			// Five attempts rather than three: backoff is random, and
			// three could all come within the 200 ms a token takes here.
			o.MaxAttempts = 5
		}),
	})
}

// newKey makes an access key of the root's AWS account with the operator
// command and returns its ID and secret.
func (p *proc) newKey(name string) (id, secret string) {
	p.t.Helper()
	out := p.mustOperator("keys", "create", "--aws-account-id", rootAwsAcctID, "--name", name)
	i, s := printedKeyID.FindStringSubmatch(out), printedSecret.FindStringSubmatch(out)
	if i == nil || s == nil {
		p.t.Fatalf("belfry keys create printed no key:\n%s", out)
	}
	return i[1], s[1]
}

// throttled counts the requests of key that the server logged as 429.
func (p *proc) throttled(keyID string) int {
	n := 0
	for line := range strings.Lines(p.stderr.String()) {
		if strings.Contains(line, "status=429") && strings.Contains(line, "access_key="+keyID) {
			n++
		}
	}
	return n
}

// TestThrottleClientsRetry runs Belfry with each key limited to 5 requests
// a second and a burst of 1, and has the Go SDK, aws-cli and boto3 each
// send requests faster than that, each with a key of its own: each gets
// 429s, as the server's log shows, retries them and succeeds.
func TestThrottleClientsRetry(t *testing.T) {
	t.Parallel()
	p := startBelfry(t, startOptions{ExtraEnv: []string{"BELFRY_RATE_LIMIT=5", "BELFRY_RATE_BURST=1"}})
	goSDK := p.retryingSDK(rootKeyID, rootSecret)
	for i := range 3 {
		if _, err := goSDK.CreateAccount(ctxT(t), &chime.CreateAccountInput{Name: aws.String(fmt.Sprintf("Throttled %d", i))}); err != nil {
			t.Fatalf("Go SDK, CreateAccount %d: %v", i+1, err)
		}
	}
	if p.throttled(rootKeyID) == 0 {
		t.Errorf("three CreateAccount calls at once with a burst of 1: the log shows no 429 for the Go SDK's key")
	}

	t.Run("aws-cli", func(t *testing.T) {
		id, secret := p.newKey("cli")
		cli := newAWS(t, p, id, secret)
		// aws-cli's own defaults: legacy retries, five attempts.
		cli.env = append(cli.env, "AWS_MAX_ATTEMPTS=5", "AWS_RETRY_MODE=legacy")
		var list struct{ Accounts []cliAccount }
		cli.json(&list, "list-accounts", "--page-size", "1") // one request a page, at once
		if len(list.Accounts) != 3 {
			t.Errorf("aws chime list-accounts --page-size 1 listed %d accounts, want 3", len(list.Accounts))
		}
		if p.throttled(id) == 0 {
			t.Errorf("three pages at once with a burst of 1: the log shows no 429 for aws-cli's key")
		}
	})
	t.Run("boto3", func(t *testing.T) {
		py := pythonWithBoto3(t)
		id, secret := p.newKey("boto3")
		script, err := filepath.Abs(filepath.Join("testdata", "throttle_boto3.py"))
		if err != nil {
			t.Fatal(err)
		}
		env := cleanEnv("AWS_ACCESS_KEY_ID="+id, "AWS_SECRET_ACCESS_KEY="+secret,
			"AWS_CONFIG_FILE="+filepath.Join(t.TempDir(), "absent"), "AWS_EC2_METADATA_DISABLED=true")
		r := runCmd(t, env, py, script, p.URL, "3")
		if r.Err != nil {
			t.Fatalf("%s: %v", script, r)
		}
		if p.throttled(id) == 0 {
			t.Errorf("six calls at once with a burst of 1: the log shows no 429 for boto3's key")
		}
		t.Logf("%s", r.Stdout)
	})
}

// TestReplicasThrottle measures how close three replicas on one PostgreSQL
// database keep a key to its rate: six clients, two on each replica, send
// requests with one key as fast as they can for two seconds, with a limit
// of 100 a second and a burst of 100. One exact bucket would admit 100 plus
// 100 a second; the replicas' leases of 5 tokens allow 15 more or fewer
// (api.SharedThrottle), and the test allows that and a little timing slack.
func TestReplicasThrottle(t *testing.T) {
	t.Parallel()
	db := pgtest.Database(t)
	ps := startReplicas(t, 3, "BELFRY_DATABASE_URL="+db, "BELFRY_RATE_LIMIT=100", "BELFRY_RATE_BURST=100")
	const perSecond, burst, leases = 100, 100, 3 * 5
	ctx := ctxT(t)
	var mu sync.Mutex
	counts := map[string]int{}
	start := time.Now()
	stop := start.Add(2 * time.Second)
	together(6, func(c int) {
		client := ps[c%3].sdk(rootKeyID, rootSecret)
		local := map[string]int{}
		for time.Now().Before(stop) {
			_, err := client.ListAccounts(ctx, &chime.ListAccountsInput{})
			var throttled *types.ThrottledClientException
			switch {
			case err == nil:
				local["admitted"]++
			case errors.As(err, &throttled):
				local["throttled"]++
			default:
				local["other"]++
				t.Errorf("client %d: %v", c, err)
			}
		}
		mu.Lock()
		for k, n := range local {
			counts[k] += n
		}
		mu.Unlock()
	})
	elapsed := time.Since(start)
	exact := burst + perSecond*elapsed.Seconds()
	got := float64(counts["admitted"])
	t.Logf("three replicas, %d requests in %v: %d admitted, %d throttled; one exact bucket admits %.0f (%+.1f%%)",
		counts["admitted"]+counts["throttled"], elapsed.Round(time.Millisecond), counts["admitted"], counts["throttled"],
		exact, 100*(got-exact)/exact)
	if counts["throttled"] == 0 {
		t.Fatalf("no request was throttled; the clients did not go over 100 a second")
	}
	// Over: the bucket's own bound plus the leases held when it began.
	// Under: the leases left unspent, and the clients' first and last
	// moments, when no request of theirs was in flight.
	if got > exact+leases+1 || got < burst+perSecond*(elapsed.Seconds()-0.2)-leases {
		t.Errorf("admitted %v; want within %d of %.0f", got, leases, exact)
	}
	// Each replica's /metrics counts its own 429s and reads the pgx pool.
	throttled := 0.0
	for i, p := range ps {
		status, samples := p.scrape("")
		throttled += samples[`belfry_api_requests_total{operation="ListAccounts",status="429"}`]
		if _, ok := samples[`belfry_db_connections{pool="postgres",state="idle"}`]; status != 200 || !ok {
			t.Errorf("replica %d's /metrics: %d, without the postgres pool's connections", i, status)
		}
	}
	if int(throttled) != counts["throttled"] {
		t.Errorf("the replicas' metrics count %v requests answered 429; the clients got %d", throttled, counts["throttled"])
	}
}

func TestRateLimitConfig(t *testing.T) {
	for _, tc := range []struct {
		rate, burst string
		args        []string
		wantRate    float64
		wantBurst   int
		wantErr     string
	}{
		{"", "", nil, 0, 1, ""}, // off
		{"10", "", nil, 10, 20, ""},
		{"0.2", "", nil, 0.2, 1, ""},
		{"10", "3", nil, 10, 3, ""},
		{"10", "3", []string{"-rate-limit", "4", "-rate-burst", "9"}, 4, 9, ""},
		{"-1", "", nil, 0, 0, "BELFRY_RATE_LIMIT"},
		{"NaN", "", nil, 0, 0, "BELFRY_RATE_LIMIT"},
		{"lots", "", nil, 0, 0, "BELFRY_RATE_LIMIT"},
		{"5", "0", nil, 0, 0, "BELFRY_RATE_BURST"},
		{"", "", []string{"-rate-limit", "-3"}, 0, 0, "-rate-limit"},
	} {
		t.Run(fmt.Sprint(tc.rate, "/", tc.burst, tc.args), func(t *testing.T) {
			t.Setenv("BELFRY_RATE_LIMIT", tc.rate)
			t.Setenv("BELFRY_RATE_BURST", tc.burst)
			cfg, err := parseConfig(tc.args, (*Config).bindThrottle, (*Config).checkThrottle)
			if !wantConfigErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || cfg.RateLimit != tc.wantRate || cfg.rateBurst() != tc.wantBurst {
				t.Errorf("got %g/%d, %v; want %g/%d", cfg.RateLimit, cfg.rateBurst(), err, tc.wantRate, tc.wantBurst)
			}
		})
	}
}

// parseConfig fills a Config from the environment and args with one bind
// function, and checks it with check, as serve does.
func parseConfig(args []string, bind func(*Config, *flag.FlagSet), check func(*Config) error) (*Config, error) {
	var cfg Config
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	bind(&cfg, fs)
	err := errors.Join(append(cfg.envErrs, fs.Parse(args))...)
	if err == nil {
		err = check(&cfg)
	}
	return &cfg, err
}

// wantConfigErr fails t unless err names want, or is nil when want is
// empty; it reports whether the configuration is to be checked further.
func wantConfigErr(t *testing.T, err error, want string) bool {
	t.Helper()
	if want == "" {
		return true
	}
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want an error naming %s", err, want)
	}
	return false
}
