package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/metrics"
)

// get scrapes m with the Authorization header auth (none when empty).
func get(t *testing.T, m *metrics.Metrics, method, auth string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, metrics.Path, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	w := httptest.NewRecorder()
	m.ServeHTTP(w, req)
	body, _ := io.ReadAll(w.Result().Body)
	return w.Code, string(body)
}

// TestToken refuses scrapes without the configured bearer token, whatever
// they send instead, and other methods than GET.
func TestToken(t *testing.T) {
	m := metrics.New(metrics.Config{Token: "s3cret"})
	for _, auth := range []string{"", "Bearer wrong", "Basic czNjcmV0", "Bearer s3cret-and-more", "s3cret", "Bearer "} {
		if code, _ := get(t, m, "GET", auth); code != http.StatusUnauthorized {
			t.Errorf("Authorization %q: %d, want 401", auth, code)
		}
	}
	if code, body := get(t, m, "GET", "Bearer s3cret"); code != http.StatusOK || !strings.Contains(body, "go_goroutines") {
		t.Errorf("with the token: %d %.200s", code, body)
	}
	if code, _ := get(t, m, "POST", "bearer s3cret"); code != http.StatusMethodNotAllowed {
		t.Errorf("POST with the token: %d, want 405", code)
	}
}

// TestJobsDown: when the job figures cannot be read, the scrape still
// answers, saying so in belfry_jobs_stats_up, with the other metrics.
func TestJobsDown(t *testing.T) {
	m := metrics.New(metrics.Config{
		Jobs: func(context.Context) ([]belfry.JobStats, error) { return nil, errors.New("database down") },
	})
	m.ObserveRequest("CreateAccount", 201, 3*time.Millisecond)
	code, body := get(t, m, "GET", "")
	for _, want := range []string{"belfry_jobs_stats_up 0", `belfry_api_requests_total{operation="CreateAccount",status="201"} 1`} {
		if code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("scrape with the job store down: %d, want %q in it", code, want)
		}
	}
	if strings.Contains(body, "belfry_jobs_queued") {
		t.Errorf("job series reported while their store is down")
	}
}
