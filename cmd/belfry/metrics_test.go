package main

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
)

// scrape fetches p's /metrics with token (none when empty) and returns the
// status and the samples by series, as `name{labels}` exactly as printed.
func (p *proc) scrape(token string) (int, map[string]float64) {
	p.t.Helper()
	req, err := http.NewRequest("GET", p.URL+"/metrics", nil)
	if err != nil {
		p.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		p.t.Fatal(err)
	}
	samples := map[string]float64{}
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, samples
	}
	for line := range strings.Lines(string(body)) {
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		i := strings.LastIndexByte(strings.TrimSpace(line), ' ')
		v, err := strconv.ParseFloat(strings.TrimSpace(line[i+1:]), 64)
		if i < 0 || err != nil {
			p.t.Fatalf("/metrics line %q is not `series value`", line)
		}
		samples[line[:i]] = v
	}
	return resp.StatusCode, samples
}

// TestMetrics drives a server through the Go SDK, then scrapes /metrics
// as Prometheus would, with the token that BELFRY_METRICS_TOKEN sets, and
// looks for what an operator graphs: requests by operation and status,
// their latency, the invitation e-mail waiting in the job queue, the
// database's writes and connections, the live streams.
func TestMetrics(t *testing.T) {
	t.Parallel()
	const token = "scrape-me-0123456789"
	p := startBelfry(t, startOptions{ExtraEnv: []string{"BELFRY_METRICS_TOKEN=" + token}})
	sdk, ctx := p.sdk(rootKeyID, rootSecret), ctxT(t)
	made, err := sdk.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("Metered")})
	if err != nil {
		t.Fatal(err)
	}
	id := made.Account.AccountId
	for range 2 {
		if _, err := sdk.ListAccounts(ctx, &chime.ListAccountsInput{}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = sdk.GetAccount(ctx, &chime.GetAccountInput{AccountId: aws.String("00000000-0000-0000-0000-000000000000")})
	if nf := (*types.NotFoundException)(nil); !errors.As(err, &nf) {
		t.Fatalf("GetAccount of an unknown ID: %v, want NotFoundException", err)
	}
	// No mail server is configured: the two e-mails wait in the queue.
	if _, err := sdk.InviteUsers(ctx, &chime.InviteUsersInput{AccountId: id,
		UserEmailList: []string{"ana@example.com", "bo@example.com"}}); err != nil {
		t.Fatal(err)
	}

	for _, bad := range []string{"", "wrong-token"} {
		if status, _ := p.scrape(bad); status != http.StatusUnauthorized {
			t.Errorf("GET /metrics with token %q: %d, want 401", bad, status)
		}
	}
	status, got := p.scrape(token)
	if status != http.StatusOK {
		t.Fatalf("GET /metrics with the token: %d", status)
	}
	for series, want := range map[string]float64{
		`belfry_api_requests_total{operation="CreateAccount",status="201"}`:   1,
		`belfry_api_requests_total{operation="ListAccounts",status="200"}`:    2,
		`belfry_api_requests_total{operation="GetAccount",status="404"}`:      1,
		`belfry_api_requests_total{operation="InviteUsers",status="201"}`:     1,
		`belfry_api_request_duration_seconds_count{operation="ListAccounts"}`: 2,
		`belfry_jobs_queued{kind="mail"}`:                                     2,
		`belfry_jobs_failed{kind="mail"}`:                                     0,
		`belfry_jobs_queued{kind="signin"}`:                                   0,
		`belfry_jobs_stats_up`:                                                1,
		`belfry_live_streams`:                                                 0,
		`belfry_db_connections_max{pool="sqlite-writer"}`:                     1,
	} {
		if v, ok := got[series]; !ok || v != want {
			t.Errorf("%s = %v (present: %v), want %v", series, v, ok, want)
		}
	}
	for series, atLeast := range map[string]float64{
		`belfry_api_request_duration_seconds_bucket{operation="ListAccounts",le="+Inf"}`: 2,
		`belfry_db_write_duration_seconds_count`:                                         2, // the account, the invitations
		`belfry_jobs_oldest_queued_age_seconds{kind="mail"}`:                             0.000001,
		`belfry_db_connections{pool="sqlite-reader",state="idle"}`:                       0,
		`process_resident_memory_bytes`:                                                  1,
		`go_goroutines`:                                                                  1,
	} {
		if v, ok := got[series]; !ok || v < atLeast {
			t.Errorf("%s = %v (present: %v), want at least %v", series, v, ok, atLeast)
		}
	}
}
