package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/belfryhq/belfry"
)

// Config is everything Belfry is configured with. Each field has a flag and
// a BELFRY_ environment variable; the flag wins.
type Config struct {
	Addr      string
	DataDir   string
	PublicURL string
	Endpoint  string
	LogFormat string
	LogLevel  string
	// DatabaseURL names a PostgreSQL database that replicas share; empty
	// means SQLite in DataDir.
	DatabaseURL string
	// SQLiteSync is BELFRY_SQLITE_SYNC: full (the default) or normal
	// (sqlite.ParseSync).
	SQLiteSync string

	InviteTTL      time.Duration
	InviteWait     time.Duration
	SMTPURL        string
	MailFrom       string
	MailReplyTo    string
	MailTemplates  string
	MailRetryFirst time.Duration

	PurgeInterval time.Duration
	// JobRetention is how long a job that ended is kept.
	JobRetention time.Duration
	// RetentionInterval is how often message retention sweeps.
	RetentionInterval time.Duration
	// OrderDelay is how long a phone number order stays Processing.
	OrderDelay time.Duration

	// WebhookRate and WebhookBurst limit each incoming webhook's posts.
	WebhookRate  float64
	WebhookBurst int

	// RateLimit and RateBurst limit each access key's API requests; a
	// RateLimit of 0 is no limit, a RateBurst of 0 twice the rate.
	RateLimit float64
	RateBurst int

	// MetricsToken, when set, is the bearer token /metrics asks for.
	MetricsToken string
	// TestAPI is BELFRY_TEST_API: false, true or force (testapi.go).
	TestAPI string

	// CAFile and AllowHTTPEndpoints say which bot endpoints are trusted.
	CAFile             string
	AllowHTTPEndpoints bool
	// LambdaDelivery lets bots' events go to Lambda functions, called at
	// LambdaEndpoint when set instead of Lambda's regional endpoints.
	LambdaDelivery bool
	LambdaEndpoint string

	envErrs []error

	RootAccessKeyID     string
	RootSecretAccessKey string
	RootAwsAccountID    string
}

func defaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "belfry")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "belfry")
	}
	return "belfry-data"
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// envDuration reads a duration from the environment, remembering a value
// that does not parse so that start-up fails with it rather than running
// on a default the operator did not ask for.
func (c *Config) envDuration(name string, def time.Duration) time.Duration {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		c.envErrs = append(c.envErrs, fmt.Errorf("%s=%q is not a duration such as 30s or 168h", name, v))
		return def
	}
	return d
}

// envRate reads a rate from the environment into *v when set: a number
// from lowest up to a million, where lowest may be excluded (above). A
// value out of range is remembered, with what it should be, so that
// start-up fails with it.
func (c *Config) envRate(name string, v *float64, lowest float64, above bool, want string) {
	s := os.Getenv(name)
	if s == "" {
		return
	}
	r, err := strconv.ParseFloat(s, 64)
	if err != nil || !(r >= lowest) || (above && r == lowest) || r > 1e6 {
		c.envErrs = append(c.envErrs, fmt.Errorf("%s=%q is not %s", name, s, want))
		return
	}
	*v = r
}

// envCount reads a whole number of at least 1 from the environment into
// *v when set, remembering a value that is not one.
func (c *Config) envCount(name string, v *int, what string) {
	s := os.Getenv(name)
	if s == "" {
		return
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		c.envErrs = append(c.envErrs, fmt.Errorf("%s=%q is not a whole number of %s of at least 1", name, s, what))
		return
	}
	*v = n
}

// bind registers the flags that every command shares.
func (c *Config) bind(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data-dir", env("BELFRY_DATA_DIR", defaultDataDir()), "where Belfry keeps its database and root credentials (BELFRY_DATA_DIR)")
	fs.StringVar(&c.Endpoint, "endpoint", env("BELFRY_ENDPOINT", defaultEndpoint(os.Getenv("BELFRY_ADDR"))),
		"where operator commands find the server (BELFRY_ENDPOINT; default http://BELFRY_ADDR, or http://127.0.0.1:8080)")
	c.RootAccessKeyID = os.Getenv("BELFRY_ROOT_ACCESS_KEY_ID")
	c.RootSecretAccessKey = os.Getenv("BELFRY_ROOT_SECRET_ACCESS_KEY")
	c.RootAwsAccountID = os.Getenv("BELFRY_ROOT_AWS_ACCOUNT_ID")
}

// defaultEndpoint is where operator commands find the server when
// BELFRY_ENDPOINT is unset: at addr, the BELFRY_ADDR that a server of the
// same environment listens on, through the loopback interface when addr is
// every interface's (":8080", "0.0.0.0:8080", "[::]:8080"), which is no
// address to connect to.
func defaultEndpoint(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if addr == "" || err != nil || port == "" {
		return "http://127.0.0.1:8080"
	}
	if ip, err := netip.ParseAddr(host); host == "" || (err == nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// checkPublicURL refuses a public URL that is not an absolute http or
// https URL: every accept link in invitation e-mail starts with it, and
// one without a scheme or host would mail links that lead nowhere.
func (c *Config) checkPublicURL() error {
	if c.PublicURL == "" {
		return nil
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("BELFRY_PUBLIC_URL (-public-url) %q is not an absolute http or https URL "+
			"such as https://chime.example.org, the address users reach Belfry at", c.PublicURL)
	}
	return nil
}

// defaultPublicURL is the public URL when none is configured: http:// and
// the listen address, or http://localhost:PORT when Belfry listens on every
// interface, which is no address a browser can open. guessed says that
// such links only work on this machine, so the operator should set
// BELFRY_PUBLIC_URL.
func defaultPublicURL(listen net.Addr) (publicURL string, guessed bool) {
	host, port, err := net.SplitHostPort(listen.String())
	if ip, perr := netip.ParseAddr(host); err == nil && perr == nil && ip.IsUnspecified() {
		return "http://localhost:" + port, true
	}
	return "http://" + listen.String(), false
}

func (c *Config) bindServe(fs *flag.FlagSet) {
	c.bind(fs)
	fs.StringVar(&c.Addr, "addr", env("BELFRY_ADDR", "127.0.0.1:8080"), "listen address (BELFRY_ADDR)")
	fs.StringVar(&c.PublicURL, "public-url", env("BELFRY_PUBLIC_URL", ""), "the address users reach Belfry at, for links in e-mail (BELFRY_PUBLIC_URL; default http://ADDR)")
	fs.StringVar(&c.DatabaseURL, "database-url", env("BELFRY_DATABASE_URL", ""), "PostgreSQL database that several replicas share: postgres://user:pass@host:5432/db; empty keeps SQLite in the data directory (BELFRY_DATABASE_URL)")
	fs.StringVar(&c.SQLiteSync, "sqlite-sync", env("BELFRY_SQLITE_SYNC", "full"), "full: a write is acknowledged once on the disk and survives a power cut; normal: once it survives the process being killed, about twice as fast for a lone write (BELFRY_SQLITE_SYNC)")
	fs.StringVar(&c.LogFormat, "log-format", env("BELFRY_LOG_FORMAT", "text"), "log format: text or json (BELFRY_LOG_FORMAT)")
	fs.DurationVar(&c.InviteTTL, "invite-ttl", c.envDuration("BELFRY_INVITE_TTL", belfry.DefaultInviteTTL), "how long an invitation link works (BELFRY_INVITE_TTL)")
	fs.DurationVar(&c.InviteWait, "invite-wait", c.envDuration("BELFRY_INVITE_WAIT", belfry.DefaultInviteWait), "how long InviteUsers waits for its e-mail to be delivered (BELFRY_INVITE_WAIT)")
	fs.StringVar(&c.SMTPURL, "smtp-url", env("BELFRY_SMTP_URL", ""), "mail server: smtp://[user:pass@]host[:port] (STARTTLS when offered) or smtps://...; empty keeps invitations for the operator to hand out (BELFRY_SMTP_URL)")
	fs.StringVar(&c.MailFrom, "mail-from", env("BELFRY_MAIL_FROM", "Belfry <belfry@localhost>"), "sender of invitation e-mail (BELFRY_MAIL_FROM)")
	fs.StringVar(&c.MailReplyTo, "mail-reply-to", env("BELFRY_MAIL_REPLY_TO", ""), "where replies to invitation e-mail go (BELFRY_MAIL_REPLY_TO)")
	fs.StringVar(&c.MailTemplates, "mail-templates", env("BELFRY_MAIL_TEMPLATES", ""), "directory of templates that override the invitation e-mail's (BELFRY_MAIL_TEMPLATES)")
	fs.DurationVar(&c.MailRetryFirst, "mail-retry-first", c.envDuration("BELFRY_MAIL_RETRY_FIRST", 30*time.Second), "delay before the first retry of a failed delivery; later ones double (BELFRY_MAIL_RETRY_FIRST)")
	c.bindPurge(fs)
	c.bindRetention(fs)
	c.bindWebhooks(fs)
	c.bindThrottle(fs)
	c.bindMetrics(fs)
	c.bindTestAPI(fs)
	c.bindBotEndpoints(fs)
	c.bindNumbers(fs)
	fs.StringVar(&c.LogLevel, "log-level", env("BELFRY_LOG_LEVEL", "info"), "log level: debug, info (logs every request), warn or error (BELFRY_LOG_LEVEL)")
}

func (c *Config) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, fmt.Errorf("log level %q: %w", c.LogLevel, err)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.LogFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("log format %q is not text or json", c.LogFormat)
}

// rootCredentials is the root key as stored in the data directory.
type rootCredentials struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	AwsAccountID    string `json:"AwsAccountId"`
}

const rootFile = "root-credentials.json"

// rootKey returns the operator's root key: from the environment when set,
// else from the data directory. With create set and neither there, it draws
// a new pair, stores it with owner-only permissions, and reports it as new
// so that the caller can print it once. There is no built-in default secret.
func (c *Config) rootKey(create bool) (key *belfry.AccessKey, fresh bool, err error) {
	path := filepath.Join(c.DataDir, rootFile)
	var stored rootCredentials
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &stored); err != nil {
			return nil, false, fmt.Errorf("%s: %w", path, err)
		}
	} else if !os.IsNotExist(err) {
		return nil, false, err
	}
	if c.RootAccessKeyID != "" || c.RootSecretAccessKey != "" {
		if c.RootAccessKeyID == "" || c.RootSecretAccessKey == "" {
			return nil, false, fmt.Errorf("set both BELFRY_ROOT_ACCESS_KEY_ID and BELFRY_ROOT_SECRET_ACCESS_KEY, or neither")
		}
		stored.AccessKeyID, stored.SecretAccessKey = c.RootAccessKeyID, c.RootSecretAccessKey
	}
	if c.RootAwsAccountID != "" {
		stored.AwsAccountID = c.RootAwsAccountID
	}
	if stored.AccessKeyID == "" {
		if !create {
			return nil, false, fmt.Errorf("no root credentials: set BELFRY_ROOT_ACCESS_KEY_ID and BELFRY_ROOT_SECRET_ACCESS_KEY, or BELFRY_DATA_DIR to the server's data directory (looked for %s)", path)
		}
		k := belfry.NewAccessKey(orString(stored.AwsAccountID, belfry.RandomAwsAccountID()), belfry.RootKeyName, time.Now())
		stored = rootCredentials{AccessKeyID: k.ID, SecretAccessKey: k.Secret, AwsAccountID: k.AwsAccountID}
		fresh = true
	}
	if stored.AwsAccountID == "" {
		stored.AwsAccountID = belfry.RandomAwsAccountID()
		fresh = fresh || create
	}
	if fresh {
		onDisk := stored
		if c.RootAccessKeyID != "" {
			// Keys given in the environment stay out of the file.
			onDisk.AccessKeyID, onDisk.SecretAccessKey = "", ""
		}
		if err := writeRootFile(path, onDisk); err != nil {
			return nil, false, err
		}
	}
	return &belfry.AccessKey{
		ID: stored.AccessKeyID, Secret: stored.SecretAccessKey, AwsAccountID: stored.AwsAccountID, Name: belfry.RootKeyName,
	}, fresh, nil
}

func writeRootFile(path string, rc rootCredentials) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(rc, "", "  ")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func orString(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return v
}
