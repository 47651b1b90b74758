package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/botevent"
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

// setUpBotEndpoints gives svc the client that verifies bots' endpoints; a
// CA file that cannot be read stops start-up.
func setUpBotEndpoints(svc *belfry.Service, cfg *Config) error {
	client, err := botevent.New(botevent.Config{CAFile: cfg.CAFile, AllowHTTP: cfg.AllowHTTPEndpoints})
	if err != nil {
		return err
	}
	svc.BotEndpoints = client
	return nil
}
