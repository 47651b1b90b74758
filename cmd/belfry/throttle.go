package main

import (
	"flag"
	"fmt"
	"log/slog"
	"math"
	"sync/atomic"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/api"
)

// bindThrottle registers the per-access-key rate limit's flags
// (DECISIONS.md, "Throttling"): BELFRY_RATE_LIMIT requests a second, 0
// (the default) for none, and BELFRY_RATE_BURST at once, by default twice
// the rate.
func (c *Config) bindThrottle(fs *flag.FlagSet) {
	c.envRate("BELFRY_RATE_LIMIT", &c.RateLimit, 0, false, "a number of requests a second per access key, such as 10, or 0 for no limit")
	c.envCount("BELFRY_RATE_BURST", &c.RateBurst, "requests")
	fs.Float64Var(&c.RateLimit, "rate-limit", c.RateLimit, "requests a second each access key may make; 0 is no limit (BELFRY_RATE_LIMIT)")
	fs.IntVar(&c.RateBurst, "rate-burst", c.RateBurst, "requests an access key may make at once; default twice -rate-limit (BELFRY_RATE_BURST)")
}

// checkThrottle refuses a rate limit given by flag that cannot work.
func (c *Config) checkThrottle() error {
	if !(c.RateLimit >= 0) || c.RateLimit > 1e6 || c.RateBurst < 0 {
		return fmt.Errorf("-rate-limit must be 0 (no limit) or a positive number of requests a second, and -rate-burst at least 1; got %g and %d", c.RateLimit, c.RateBurst)
	}
	return nil
}

// rateBurst is the configured burst, or twice the rate (at least 1).
func (c *Config) rateBurst() int {
	if c.RateBurst > 0 {
		return c.RateBurst
	}
	return max(1, int(math.Ceil(2*c.RateLimit)))
}

// newThrottle returns the throttle the configuration asks for: none when
// the rate is 0; on PostgreSQL, buckets that the replicas share in the
// database; else buckets in this process.
func newThrottle(c *Config, store belfry.Store, log *slog.Logger) api.Throttle {
	if c.RateLimit == 0 {
		return nil
	}
	source, shared := store.(api.TokenSource)
	if !shared {
		return api.NewLocalThrottle(c.RateLimit, c.rateBurst())
	}
	return api.NewSharedThrottle(source, c.RateLimit, c.rateBurst(), warnEvery(log, time.Minute,
		"the shared rate limit could not be read from the database; requests go ahead unthrottled meanwhile"))
}

// warnEvery returns a function that logs msg with the error it is given, at
// most once per interval, so that a database outage does not flood the log.
func warnEvery(log *slog.Logger, interval time.Duration, msg string) func(error) {
	var last atomic.Int64
	return func(err error) {
		now := time.Now().UnixNano()
		if prev := last.Load(); now-prev >= int64(interval) && last.CompareAndSwap(prev, now) {
			log.Warn(msg, "error", err)
		}
	}
}
