package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belfryhq/belfry"
)

// TestAllowHTTPEndpointsConfig checks that plain http:// endpoints are off
// by default, follow BELFRY_ALLOW_HTTP_ENDPOINTS, then the flag, and that
// a value that is not a boolean stops start-up.
func TestAllowHTTPEndpointsConfig(t *testing.T) {
	for _, tc := range []struct {
		env     string
		args    []string
		want    bool
		wantErr string
	}{
		{"", nil, false, ""},
		{"true", nil, true, ""},
		{"true", []string{"-allow-http-endpoints=false"}, false, ""},
		{"yes please", nil, false, "BELFRY_ALLOW_HTTP_ENDPOINTS"},
	} {
		t.Run(fmt.Sprint(tc.env, tc.args), func(t *testing.T) {
			t.Setenv("BELFRY_ALLOW_HTTP_ENDPOINTS", tc.env)
			cfg, err := parseBotFlags(tc.args)
			switch {
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("got %v, want an error saying %q", err, tc.wantErr)
			case tc.wantErr == "" && (err != nil || cfg.AllowHTTPEndpoints != tc.want):
				t.Errorf("got %v, %v; want %v", cfg.AllowHTTPEndpoints, err, tc.want)
			}
		})
	}
}

// TestCAFileMustHoldCertificates checks that a CA file without a PEM
// certificate stops start-up instead of trusting nothing in silence.
func TestCAFileMustHoldCertificates(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(bad, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &server{cfg: &Config{CAFile: bad}}
	err := s.setUpBots(&belfry.Service{}, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("setUpBots(bad CA file) = %v; want an error naming it", err)
	}
}

// parseBotFlags reads the bot endpoint settings from the environment and
// args as start-up does, with the errors start-up would stop on.
func parseBotFlags(args []string) (*Config, error) {
	cfg := new(Config)
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg.bindBotEndpoints(fs)
	return cfg, errors.Join(append(cfg.envErrs, fs.Parse(args))...)
}
