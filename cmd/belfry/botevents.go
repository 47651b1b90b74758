package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/botevent"
	"github.com/belfryhq/belfry/queue"
)

// bindBotEndpoints registers the flags that say where bots' events may
// go: which HTTPS endpoints Belfry trusts (a CA file besides the system's
// roots, and plain http:// for local development only), and whether
// Lambda functions may be invoked, at which endpoint.
func (c *Config) bindBotEndpoints(fs *flag.FlagSet) {
	c.AllowHTTPEndpoints = c.envBool("BELFRY_ALLOW_HTTP_ENDPOINTS")
	fs.BoolVar(&c.AllowHTTPEndpoints, "allow-http-endpoints", c.AllowHTTPEndpoints,
		"let bots' OutboundEventsHTTPSEndpoint be plain http://, for local development (BELFRY_ALLOW_HTTP_ENDPOINTS)")
	fs.StringVar(&c.CAFile, "ca-file", env("BELFRY_CA_FILE", ""),
		"PEM file of certificates trusted for bots' endpoints besides the system's roots (BELFRY_CA_FILE)")
	c.LambdaDelivery = c.envBool("BELFRY_LAMBDA_DELIVERY")
	fs.BoolVar(&c.LambdaDelivery, "lambda-delivery", c.LambdaDelivery,
		"let bots' events go to a LambdaFunctionArn, invoked with the standard AWS credential chain (BELFRY_LAMBDA_DELIVERY)")
	fs.StringVar(&c.LambdaEndpoint, "lambda-endpoint", env("BELFRY_LAMBDA_ENDPOINT", ""),
		"URL to call Lambda at instead of its regional endpoints, such as LocalStack's (BELFRY_LAMBDA_ENDPOINT)")
}

// envBool reads a boolean from the environment, remembering a value that
// is not one so that start-up fails with it.
func (c *Config) envBool(name string) bool {
	v := os.Getenv(name)
	if v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		c.envErrs = append(c.envErrs, fmt.Errorf("%s=%q is not true or false", name, v))
	}
	return b
}

// setUpBots gives svc what reaches bots (setUpBotEndpoints), and the
// server the worker that delivers bots' events through it.
func (s *server) setUpBots(svc *belfry.Service, log *slog.Logger) error {
	if err := setUpBotEndpoints(svc, s.cfg); err != nil {
		return err
	}
	d := botevent.NewDeliverer(svc, svc.BotEndpoints.(*botevent.Client), botevent.DelivererConfig{})
	w := d.Worker(botQueueConfig(log))
	svc.BotEvents = w
	s.background = append(s.background, w.Run)
	return nil
}

// setUpBotEndpoints gives svc the client that verifies and posts to bots'
// endpoints and, when Lambda delivery is on, the one that invokes their
// functions; a CA file that cannot be read, or a Lambda endpoint that is
// no URL, stops start-up.
func setUpBotEndpoints(svc *belfry.Service, cfg *Config) error {
	client, err := botevent.New(botevent.Config{CAFile: cfg.CAFile, AllowHTTP: cfg.AllowHTTPEndpoints})
	if err != nil {
		return err
	}
	svc.BotEndpoints = client
	if !cfg.LambdaDelivery {
		return nil
	}
	if u, err := url.Parse(cfg.LambdaEndpoint); cfg.LambdaEndpoint != "" &&
		(err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		return fmt.Errorf("BELFRY_LAMBDA_ENDPOINT (-lambda-endpoint) %q is not an absolute http or https URL such as http://localhost:4566", cfg.LambdaEndpoint)
	}
	l, err := botevent.NewLambda(context.Background(), botevent.LambdaConfig{Endpoint: cfg.LambdaEndpoint})
	if err != nil {
		return err
	}
	svc.BotLambda = l
	return nil
}

// botQueueConfig tunes the bot event worker, whose schedule
// (Deliverer.Worker) is Chime's (DECISIONS.md, bots): a retry after 200
// ms and another after 400 ms, then, beyond Chime, twice as long each
// time up to 10 minutes between attempts, for up to 24 hours. A Mention
// expires with its ShortLived URL, 2 minutes after it was posted, and is
// dropped then (its job's Expires). Many
// runners, since an attempt mostly waits on the network; each endpoint
// has few of them (botevent.DefaultPerEndpoint).
func botQueueConfig(log *slog.Logger) queue.Config {
	return queue.Config{
		Concurrency: 64,
		// An attempt takes at most the 2 s answer timeout and two reads;
		// a short lease lets another replica, or this one restarted, take
		// over an attempt cut by a crash within seconds.
		Lease:      12 * time.Second,
		RunTimeout: 3 * time.Second,
		Logger:     log,
	}
}
