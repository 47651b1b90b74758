// Package mail delivers Belfry's outbox over SMTP: a Sender that speaks to
// the mail server through github.com/wneessen/go-mail, a Worker that drains
// the outbox with leases and backoff so that no invitation is lost or sent
// twice, and the Templates that write invitation messages.
package mail

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Security is how a connection to the mail server is protected.
type Security uint8

// The kinds of connection security.
const (
	// StartTLS upgrades a plain connection with STARTTLS when the server
	// offers it, and stays plain otherwise (smtp://).
	StartTLS Security = iota
	// StartTLSRequired refuses to talk to a server that does not offer
	// STARTTLS (smtp://...?starttls=required).
	StartTLSRequired
	// ImplicitTLS speaks TLS from the first byte (smtps://).
	ImplicitTLS
)

// The default ports, as the URL schemes conventionally use them.
const (
	// PortSMTP is smtp:// without credentials: server-to-server relay.
	PortSMTP = 25
	// PortSubmission is smtp:// with credentials: authenticated message
	// submission (RFC 6409) is what a user and password imply.
	PortSubmission = 587
	// PortSMTPS is smtps://, submission over implicit TLS (RFC 8314).
	PortSMTPS = 465
)

// DefaultFrom is the sender address used when BELFRY_MAIL_FROM is not set:
// it works on a laptop with a local mail catcher.
const DefaultFrom = "Belfry <belfry@localhost>"

// DefaultTimeout bounds each SMTP command, so a mail server that stops
// answering holds a sender for seconds, not forever.
const DefaultTimeout = 15 * time.Second

// Config says how to reach the mail server and who the mail is from.
type Config struct {
	Host     string
	Port     int
	Security Security
	// Username and Password, when Username is set, authenticate with the
	// strongest mechanism both sides know; PLAIN and LOGIN are used only
	// over TLS or to localhost, so credentials never cross a network in
	// the clear.
	Username string
	Password string
	// From is the envelope and header sender; empty means DefaultFrom.
	From string
	// InsecureSkipVerify accepts any server certificate; it exists for
	// tests and for local relays with self-signed certificates.
	InsecureSkipVerify bool
	// Timeout bounds each SMTP command; zero means DefaultTimeout.
	Timeout time.Duration
	// HELO is the name Belfry greets the server with; empty means the
	// machine's host name.
	HELO string
}

// Addr returns host:port.
func (c Config) Addr() string {
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}

// ParseURL reads BELFRY_SMTP_URL:
//
//	smtp://[user[:password]@]host[:port][?options]   STARTTLS when offered; port 25, or 587 with a user
//	smtps://[user[:password]@]host[:port][?options]  implicit TLS; port 465
//
// Options: starttls=required (refuse a server without STARTTLS),
// insecure_skip_verify=true, timeout=10s, helo=name. User and password are
// URL-decoded, so a password may hold any character written as %XX.
func ParseURL(s string) (Config, error) {
	u, err := url.Parse(s)
	if err != nil {
		return Config{}, fmt.Errorf("mail server URL: %w", redact(err))
	}
	var c Config
	switch u.Scheme {
	case "smtp":
		c.Security, c.Port = StartTLS, PortSMTP
	case "smtps":
		c.Security, c.Port = ImplicitTLS, PortSMTPS
	default:
		return Config{}, fmt.Errorf("mail server URL %q: scheme must be smtp:// or smtps://", redactURL(u))
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return Config{}, fmt.Errorf("mail server URL %q: no host; write smtp://host[:port]", redactURL(u))
	}
	if u.Path != "" && u.Path != "/" || u.Fragment != "" {
		return Config{}, fmt.Errorf("mail server URL %q: a path or fragment means nothing here", redactURL(u))
	}
	c.Host = u.Hostname()
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
		if c.Security == StartTLS {
			c.Port = PortSubmission
		}
	}
	if p := u.Port(); p != "" {
		port, err := strconv.Atoi(p)
		if err != nil || port < 1 || port > 65535 {
			return Config{}, fmt.Errorf("mail server URL %q: bad port %q", redactURL(u), p)
		}
		c.Port = port
	}
	if err := c.options(u.Query()); err != nil {
		return Config{}, fmt.Errorf("mail server URL %q: %w", redactURL(u), err)
	}
	return c, nil
}

// options applies the URL's query options, refusing unknown ones so that a
// typo does not silently weaken the connection.
func (c *Config) options(q url.Values) error {
	for k, vs := range q {
		v := vs[len(vs)-1]
		switch k {
		case "starttls":
			switch {
			case v == "required" && c.Security == StartTLS:
				c.Security = StartTLSRequired
			case v == "opportunistic" && c.Security == StartTLS:
			default:
				return fmt.Errorf("starttls=%q: want required or opportunistic, with smtp://", v)
			}
		case "insecure_skip_verify":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("insecure_skip_verify=%q: want true or false", v)
			}
			c.InsecureSkipVerify = b
		case "timeout":
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return fmt.Errorf("timeout=%q: want a positive duration such as 10s", v)
			}
			c.Timeout = d
		case "helo":
			if v == "" || strings.ContainsAny(v, " \r\n") {
				return fmt.Errorf("helo=%q: want a host name", v)
			}
			c.HELO = v
		default:
			return fmt.Errorf("unknown option %q (known: starttls, insecure_skip_verify, timeout, helo)", k)
		}
	}
	return nil
}

// redactURL hides the password, which must never reach a log.
func redactURL(u *url.URL) string {
	return u.Redacted()
}

// redact drops the URL that url.Parse puts in its errors, since it may
// carry the password.
func redact(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
