package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/belfryhq/belfry"
	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
	"golang.org/x/net/idna"
)

// maxIdleConns caps the connections kept open between messages: one per
// sending goroutine is what the Worker needs, and a few more cost little.
const maxIdleConns = 16

// maxIdleTime is how long an unused connection is trusted. Servers drop
// idle clients after a while (Postfix after 300 s, many relays sooner);
// past this age a connection is closed rather than found dead mid-send.
const maxIdleTime = 30 * time.Second

// Sender sends outbox messages over SMTP. It keeps the connections it has
// opened and reuses them for the next messages, because a TLS handshake and
// AUTH per message would cap the delivery rate far below what a mail
// server takes. It is safe for concurrent use; each concurrent Send uses
// its own connection.
type Sender struct {
	cfg    Config
	from   string
	client *gomail.Client

	mu   sync.Mutex
	idle []*conn
}

// conn is one SMTP session and the network connection under it, kept so
// that a cancelled context can cut a session that is blocked reading.
type conn struct {
	smtp *smtp.Client
	raw  *rawConn
	used time.Time
}

// NewSender checks cfg and prepares to send; it connects only when the
// first message is sent, so Belfry starts while the mail server is down.
func NewSender(cfg Config) (*Sender, error) {
	if cfg.Host == "" {
		return nil, errors.New("mail: no mail server host")
	}
	if cfg.From == "" {
		cfg.From = DefaultFrom
	}
	from, err := netmail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("mail: sender address %q: %w", cfg.From, err)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	s := &Sender{cfg: cfg, from: from.String()}
	s.client, err = gomail.NewClient(cfg.Host, s.options()...)
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	return s, nil
}

// options turns the Config into go-mail's terms.
func (s *Sender) options() []gomail.Option {
	cfg := s.cfg
	opts := []gomail.Option{
		gomail.WithPort(cfg.Port),
		gomail.WithTimeout(cfg.Timeout),
		gomail.WithDialContextFunc(s.dial),
		gomail.WithTLSConfig(s.tlsConfig()),
		// The Sender checks connections itself (see Send): a NOOP before
		// every message would add a round trip to each one, and an RSET
		// after a delivered message could fail and make it look undelivered.
		gomail.WithoutNoop(),
		gomail.WithoutRset(),
	}
	switch cfg.Security {
	case StartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case StartTLSRequired:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case ImplicitTLS:
		// dial speaks TLS itself; go-mail must not try STARTTLS on top.
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if cfg.HELO != "" {
		opts = append(opts, gomail.WithHELO(cfg.HELO))
	}
	if cfg.Username != "" {
		opts = append(opts, gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password),
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256PLUS, gomail.SMTPAuthSCRAMSHA256,
				gomail.SMTPAuthSCRAMSHA1PLUS, gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthCramMD5,
				gomail.SMTPAuthPlain, gomail.SMTPAuthLogin))
	}
	return opts
}

func (s *Sender) tlsConfig() *tls.Config {
	return &tls.Config{
		ServerName:         s.cfg.Host,
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: s.cfg.InsecureSkipVerify, //nolint:gosec // operator's explicit choice, for tests and local relays
	}
}

// Send delivers m. A nil error means the server accepted the message; use
// Permanent to tell a refusal from a failure worth retrying. When ctx ends
// the session is cut and Send returns at once, the message's fate unknown.
func (s *Sender) Send(ctx context.Context, m *belfry.Mail) error {
	msg, err := s.message(m)
	if err != nil {
		return &permanentError{err}
	}
	unicode := s.needsSMTPUTF8(m)
	for try := 0; ; try++ {
		c, reused, err := s.take(ctx)
		if err != nil {
			return fmt.Errorf("connecting to mail server %s: %w", s.cfg.Addr(), err)
		}
		if ok, _ := c.smtp.Extension("SMTPUTF8"); unicode && !ok {
			s.put(c) // nothing was sent: the session is as good as before
			return ErrNoSMTPUTF8
		}
		err = s.sendOn(ctx, c, msg)
		if err == nil || msg.IsDelivered() {
			s.put(c)
			return nil
		}
		s.discard(c)
		// A kept connection the server has since closed fails before the
		// transaction starts; trying once more on a fresh one cannot send
		// the message twice.
		if !reused || try > 0 || !stale(err) || ctx.Err() != nil {
			return err
		}
	}
}

func (s *Sender) sendOn(ctx context.Context, c *conn, msg *gomail.Msg) error {
	stop := context.AfterFunc(ctx, c.raw.close)
	defer stop()
	err := s.client.SendWithSMTPClient(c.smtp, msg)
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("%w: %w", context.Cause(ctx), err)
	}
	return err
}

// message builds the MIME message for m: its stored Message-ID goes out,
// so that a delivery can be traced from the outbox to the recipient.
func (s *Sender) message(m *belfry.Mail) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(s.from); err != nil {
		return nil, err
	}
	if err := msg.To(asciiDomain(m.To)); err != nil {
		return nil, err
	}
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(asciiDomain(m.ReplyTo)); err != nil {
			return nil, err
		}
	}
	msg.Subject(m.Subject)
	msg.SetDateWithValue(time.Now())
	if m.MessageID != "" {
		msg.SetMessageIDWithValue(m.MessageID)
	} else {
		msg.SetMessageID()
	}
	switch {
	case m.Text != "" && m.HTML != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	case m.Text != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	case m.HTML != "":
		msg.SetBodyString(gomail.TypeTextHTML, m.HTML)
	default:
		return nil, errors.New("message has no body")
	}
	return msg, nil
}

// needsSMTPUTF8 reports whether m names an address whose local part is not
// ASCII, which only a server that speaks SMTPUTF8 (RFC 6531) may be given,
// in the envelope or in the header. go-mail declares SMTPUTF8 in MAIL FROM
// whenever the server advertises it.
func (s *Sender) needsSMTPUTF8(m *belfry.Mail) bool {
	for _, a := range []string{s.from, asciiDomain(m.To), asciiDomain(m.ReplyTo)} {
		for i := range len(a) {
			if a[i] >= utf8.RuneSelf {
				return true
			}
		}
	}
	return false
}

// asciiDomain writes an address's IDN domain in punycode, the form every
// mail server takes, while a Unicode local part is left to SMTPUTF8.
func asciiDomain(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return addr
	}
	d, err := idna.Lookup.ToASCII(addr[at+1:])
	if err != nil {
		return addr
	}
	return addr[:at+1] + d
}

// take returns a kept connection, or dials a new one.
func (s *Sender) take(ctx context.Context) (c *conn, reused bool, err error) {
	now := time.Now()
	s.mu.Lock()
	for len(s.idle) > 0 {
		c = s.idle[len(s.idle)-1]
		s.idle = s.idle[:len(s.idle)-1]
		if now.Sub(c.used) < maxIdleTime && c.smtp.HasConnection() {
			s.mu.Unlock()
			return c, true, nil
		}
		c.raw.close()
	}
	s.mu.Unlock()
	raw := &rawConn{}
	stop := context.AfterFunc(ctx, raw.close)
	defer stop()
	sc, err := s.client.DialToSMTPClientWithContext(context.WithValue(ctx, rawConnKey{}, raw))
	if err != nil {
		raw.close() // go-mail leaves the socket open when EHLO, TLS or AUTH fails
		return nil, false, err
	}
	return &conn{smtp: sc, raw: raw}, false, nil
}

func (s *Sender) put(c *conn) {
	c.used = time.Now()
	s.mu.Lock()
	if len(s.idle) < maxIdleConns {
		s.idle = append(s.idle, c)
		c = nil
	}
	s.mu.Unlock()
	if c != nil {
		s.quit(c)
	}
}

func (s *Sender) discard(c *conn) { c.raw.close() }

// quit ends a session politely, without waiting long for a server that no
// longer answers.
func (s *Sender) quit(c *conn) {
	c.raw.setDeadline(time.Now().Add(2 * time.Second))
	_ = c.smtp.Quit()
	c.raw.close()
}

// Close ends the kept sessions. The Sender stays usable: the next Send
// connects again.
func (s *Sender) Close() error {
	s.mu.Lock()
	idle := s.idle
	s.idle = nil
	s.mu.Unlock()
	for _, c := range idle {
		s.quit(c)
	}
	return nil
}

// rawConnKey carries a *rawConn through go-mail's dial, so that the Sender
// learns which socket a new session runs on.
type rawConnKey struct{}

// dial opens the socket for go-mail: TLS from the start for smtps://, plain
// TCP otherwise (go-mail upgrades it with STARTTLS).
func (s *Sender) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{}
	var nc net.Conn
	var err error
	if s.cfg.Security == ImplicitTLS {
		nc, err = (&tls.Dialer{NetDialer: d, Config: s.tlsConfig()}).DialContext(ctx, network, addr)
	} else {
		nc, err = d.DialContext(ctx, network, addr)
	}
	if err != nil {
		return nil, err
	}
	if raw, ok := ctx.Value(rawConnKey{}).(*rawConn); ok {
		raw.set(nc)
	}
	return nc, nil
}

// rawConn is a socket that can be closed from another goroutine, even
// before it exists: closing it first makes set close the socket it is given.
type rawConn struct {
	mu     sync.Mutex
	c      net.Conn
	closed bool
}

func (r *rawConn) set(c net.Conn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		_ = c.Close()
		return
	}
	r.c = c
}

func (r *rawConn) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	if r.c != nil {
		_ = r.c.Close()
	}
}

func (r *rawConn) setDeadline(t time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.c != nil {
		_ = r.c.SetDeadline(t)
	}
}
