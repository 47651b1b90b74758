package main

import (
	"errors"
	"flag"
	"fmt"
)

// bindTestAPI registers the test API's flag: off by default; true turns it
// on where Belfry runs for one developer (SQLite); force turns it on on
// PostgreSQL as well.
func (c *Config) bindTestAPI(fs *flag.FlagSet) {
	fs.StringVar(&c.TestAPI, "test-api", env("BELFRY_TEST_API", "false"),
		"true serves the developers' test API under /_belfry/test/ (reset, fault injection, recent requests); force also on PostgreSQL (BELFRY_TEST_API)")
}

// testAPI reports whether the test API is on, refusing a value it does not
// know and, unless forced, a PostgreSQL deployment: there the reset would
// empty a database that replicas, and likely people, share.
func (c *Config) testAPI() (bool, error) {
	switch c.TestAPI {
	case "", "false":
		return false, nil
	case "force":
		return true, nil
	case "true":
		if c.usesPostgres() {
			return false, errors.New("BELFRY_TEST_API=true is refused on PostgreSQL: its reset empties the database " +
				"every replica shares; use it with SQLite, or set BELFRY_TEST_API=force if this database is for tests only")
		}
		return true, nil
	}
	return false, fmt.Errorf("BELFRY_TEST_API=%q is not false, true or force", c.TestAPI)
}
