package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/api"
	"github.com/belfryhq/belfry/console"
	"github.com/belfryhq/belfry/webhook"
)

func serve(ctx context.Context, args []string) error {
	var cfg Config
	fs := flag.NewFlagSet("belfry serve", flag.ContinueOnError)
	cfg.bindServe(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := errors.Join(cfg.envErrs...); err != nil {
		return err
	}
	unlock, err := cfg.lockDataDir()
	if err != nil {
		return err
	}
	defer unlock() // after the store has closed
	srv, err := newServer(ctx, &cfg)
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
	// background holds the workers that run beside the HTTP server, each
	// until its context ends.
	background []func(ctx context.Context) error
	log        *slog.Logger
}

func newServer(ctx context.Context, cfg *Config) (*server, error) {
	log, err := cfg.logger(os.Stderr)
	if err != nil {
		return nil, err
	}
	if err := errors.Join(cfg.checkPublicURL(), cfg.checkWebhooks(), cfg.checkThrottle()); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	if err := cfg.checkDatabase(); err != nil {
		return nil, err
	}
	testAPI, err := cfg.testAPI()
	if err != nil {
		return nil, err
	}
	if testAPI {
		log.Warn("the test API is on (BELFRY_TEST_API): the root key can reset every Chime resource and inject faults")
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
	store, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		store.Close()
		return nil, err
	}
	if cfg.PublicURL == "" {
		var guessed bool
		cfg.PublicURL, guessed = defaultPublicURL(ln.Addr())
		if guessed {
			log.Warn("BELFRY_PUBLIC_URL is not set and Belfry listens on every interface: invitation links point at "+
				cfg.PublicURL+", which works only on this machine; set BELFRY_PUBLIC_URL to the address users reach Belfry at",
				"public_url", cfg.PublicURL)
		}
	}
	svc := &belfry.Service{Store: store, Invitations: belfry.Invitations{
		PublicURL: cfg.PublicURL, TTL: cfg.InviteTTL, Wait: cfg.InviteWait, ReplyTo: cfg.MailReplyTo,
	}}
	// api.Listener gives net/http's answers to requests it cannot parse the
	// AWS error shape.
	s := &server{cfg: cfg, store: store, ln: api.Listener(ln, log), log: log}
	s.setUpEvents(svc, log)
	if err := s.setUpBots(svc, log); err != nil {
		store.Close()
		ln.Close()
		return nil, err
	}
	if err := s.setUpMail(svc, log); err != nil {
		store.Close()
		ln.Close()
		return nil, err
	}
	s.background = append(s.background, purgeWorker(svc, cfg.PurgeInterval, cfg.JobRetention, log))
	s.setUpRetention(svc, log)
	s.setUpNumbers(svc, log)
	pages := console.New(console.Config{
		Service: svc, SessionKey: sessionKey(root), Secure: strings.HasPrefix(cfg.PublicURL, "https:"), Logger: log, Root: root,
	})
	m := newMetrics(cfg, svc, store, pages.LiveStreams, log)
	chime := api.New(api.Config{Service: svc, Root: root, Logger: log, Throttle: newThrottle(cfg, store, log),
		Observe: m.ObserveRequest, TestAPI: testAPI})
	hooks := webhook.New(webhook.Config{Service: svc, Rate: cfg.WebhookRate, Burst: cfg.WebhookBurst, Logger: log})
	s.http = &http.Server{
		Handler:           withMetrics(m, front(chime, pages, hooks)),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          nil,
	}
	log.Info("belfry listening", "addr", ln.Addr().String(), "data_dir", cfg.DataDir, "store", cfg.storeName(),
		"public_url", cfg.PublicURL, "aws_account_id", root.AwsAccountID)
	return s, nil
}

// Run serves until ctx ends, then stops taking requests and lets those in
// flight finish.
func (s *server) Run(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(s.ln) }()
	bg, stopBackground := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, run := range s.background {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(bg); err != nil && !errors.Is(err, context.Canceled) {
				s.log.Error("background worker stopped", "error", err)
			}
		}()
	}
	// Workers stop after the HTTP server, so that requests in flight can
	// still count on them, and before the store closes.
	defer wg.Wait()
	defer stopBackground()
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

// front sends Belfry's web pages to the console, posts to webhook URLs to
// the webhooks, and everything else, signed requests under /console
// included, to the Chime API.
func front(chime, pages, hooks http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if webhook.Owns(r.URL.Path) {
			hooks.ServeHTTP(w, r)
			return
		}
		if console.OwnsRequest(r) {
			pages.ServeHTTP(w, r)
			return
		}
		chime.ServeHTTP(w, r)
	})
}

// sessionKey derives the key that signs page sessions from the root
// secret, which every replica shares.
func sessionKey(root *belfry.AccessKey) []byte {
	mac := hmac.New(sha256.New, []byte(root.Secret))
	mac.Write([]byte("belfry console session key v1"))
	return mac.Sum(nil)
}
