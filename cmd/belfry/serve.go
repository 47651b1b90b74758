package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/api"
	"github.com/belfryhq/belfry/sqlite"
)

func serve(ctx context.Context, args []string) error {
	var cfg Config
	fs := flag.NewFlagSet("belfry serve", flag.ContinueOnError)
	cfg.bindServe(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	srv, err := newServer(&cfg)
	if err != nil {
		return err
	}
	defer srv.Close()
	return srv.Run(ctx)
}

// server is a running Belfry: its store, HTTP server and listener.
type server struct {
	cfg   *Config
	store belfry.Store
	http  *http.Server
	ln    net.Listener
}

func newServer(cfg *Config) (*server, error) {
	log, err := cfg.logger(os.Stderr)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	root, fresh, err := cfg.rootKey(true)
	if err != nil {
		return nil, err
	}
	if fresh && cfg.RootAccessKeyID == "" {
		fmt.Fprintf(os.Stderr, "Belfry generated root credentials. They are shown once; they are also in %s.\n"+
			"  AWS_ACCESS_KEY_ID=%s\n  AWS_SECRET_ACCESS_KEY=%s\n  AWS account ID: %s\n",
			filepath.Join(cfg.DataDir, rootFile), root.ID, root.Secret, root.AwsAccountID)
	}
	store, err := sqlite.Open(filepath.Join(cfg.DataDir, "belfry.db"))
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		store.Close()
		return nil, err
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + ln.Addr().String()
	}
	handler := api.New(api.Config{Service: &belfry.Service{Store: store}, Root: root, Logger: log})
	s := &server{cfg: cfg, store: store, ln: ln, http: &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          nil,
	}}
	log.Info("belfry listening", "addr", ln.Addr().String(), "data_dir", cfg.DataDir,
		"public_url", cfg.PublicURL, "aws_account_id", root.AwsAccountID)
	return s, nil
}

// Run serves until ctx ends, then stops taking requests and lets those in
// flight finish.
func (s *server) Run(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(s.ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := s.http.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (s *server) Close() error { return s.store.Close() }
