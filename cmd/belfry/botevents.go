package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/botevent"
	"github.com/belfryhq/belfry/queue"
)

// bindBotEndpoints registers the flags that say which bot endpoints
// Belfry trusts: a CA file besides the system's roots, and whether plain
// http:// is allowed, for local development only.
func (c *Config) bindBotEndpoints(fs *flag.FlagSet) {
	if v := os.Getenv("BELFRY_ALLOW_HTTP_ENDPOINTS"); v != "" {
		allow, err := strconv.ParseBool(v)
		if err != nil {
			c.envErrs = append(c.envErrs, fmt.Errorf("BELFRY_ALLOW_HTTP_ENDPOINTS=%q is not true or false", v))
		}
		c.AllowHTTPEndpoints = allow
	}
	fs.BoolVar(&c.AllowHTTPEndpoints, "allow-http-endpoints", c.AllowHTTPEndpoints,
		"let bots' OutboundEventsHTTPSEndpoint be plain http://, for local development (BELFRY_ALLOW_HTTP_ENDPOINTS)")
	fs.StringVar(&c.CAFile, "ca-file", env("BELFRY_CA_FILE", ""),
		"PEM file of certificates trusted for bots' endpoints besides the system's roots (BELFRY_CA_FILE)")
}

// setUpBots gives svc the client that verifies bots' endpoints, and the
// server the worker that delivers bots' events through it; a CA file that
// cannot be read stops start-up.
func (s *server) setUpBots(svc *belfry.Service, log *slog.Logger) error {
	client, err := botevent.New(botevent.Config{CAFile: s.cfg.CAFile, AllowHTTP: s.cfg.AllowHTTPEndpoints})
	if err != nil {
		return err
	}
	svc.BotEndpoints = client
	d := botevent.NewDeliverer(svc, client, botevent.DelivererConfig{})
	w := queue.New(belfry.KindBotEvent, d, d, botQueueConfig(log))
	svc.BotEvents = w
	s.background = append(s.background, w.Run)
	return nil
}

// botQueueConfig is the schedule of bot events (DECISIONS.md, bots):
// Chime's, a retry after 200 ms and another after 400 ms, then, beyond
// Chime, twice as long each time up to 10 minutes between attempts, for
// up to 24 hours. A Mention expires with its ShortLived URL, 2 minutes
// after it was posted, and is dropped then (its job's Expires). Many
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
		RetryFirst: belfry.BotRetryFirst,
		RetryMax:   belfry.BotRetryMax,
		MaxAge:     belfry.BotEventMaxAge,
		Permanent:  botevent.Refused,
		Answered:   botevent.Answered,
		Logger:     log,
	}
}
