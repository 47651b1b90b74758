// Package smtptest runs a real SMTP server over TCP on 127.0.0.1 for tests,
// built on go-smtp, so that Belfry's mail is tested against what a mail
// server does rather than against a fake sender: it records what it
// receives, and can be stopped, restarted on the same port, slowed down or
// told to refuse recipients.
package smtptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Server is a running test mail server. Its methods are safe for
// concurrent use.
type Server struct {
	addr string
	opts Options

	mu       sync.Mutex
	srv      *smtp.Server
	l        net.Listener
	received []Message
	arrived  chan struct{} // closed and replaced at each received message
	refuse   map[string]*smtp.SMTPError
	delay    time.Duration
	conns    map[*smtp.Conn]bool
	rcpts    map[string]int // RCPT TO commands by address, refused ones too
}

// Options says what the server asks of its clients.
type Options struct {
	// TLS offers STARTTLS with a self-signed certificate.
	TLS bool
	// Implicit speaks TLS from the first byte (smtps).
	Implicit bool
	// User and Password, when User is set, are required by AUTH PLAIN
	// before MAIL FROM.
	User, Password string
	// SMTPUTF8 advertises SMTPUTF8 (RFC 6531). With or without it, the
	// server refuses a non-ASCII address in a transaction whose MAIL FROM
	// did not declare SMTPUTF8, as Postfix does: 553 5.6.7.
	SMTPUTF8 bool
}

// Message is one message as the server took it.
type Message struct {
	From string
	To   []string
	Data []byte
	TLS  bool
	User string
	// SMTPUTF8 is whether MAIL FROM declared SMTPUTF8.
	SMTPUTF8 bool
}

// Header parses the message's header, failing t if it does not parse.
func (m Message) Header(t testing.TB) netmail.Header {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatalf("received message does not parse: %v\n%s", err, m.Data)
	}
	return msg.Header
}

// Start starts a server on a free port of 127.0.0.1; it stops when t ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{addr: l.Addr().String(), opts: opts, arrived: make(chan struct{}),
		refuse: map[string]*smtp.SMTPError{}, conns: map[*smtp.Conn]bool{}, rcpts: map[string]int{}}
	s.serve(l)
	t.Cleanup(s.Stop)
	return s
}

// URL is the BELFRY_SMTP_URL that reaches the server. It stays the same
// across Stop and Restart.
func (s *Server) URL() string {
	scheme := "smtp"
	if s.opts.Implicit {
		scheme = "smtps"
	}
	user := ""
	if s.opts.User != "" {
		user = s.opts.User + ":" + s.opts.Password + "@"
	}
	return scheme + "://" + user + s.addr + "?insecure_skip_verify=true&timeout=5s"
}

func (s *Server) serve(l net.Listener) {
	srv := smtp.NewServer(s)
	srv.Domain = "mx.test"
	srv.AllowInsecureAuth = true
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.EnableSMTPUTF8 = s.opts.SMTPUTF8
	if s.opts.TLS || s.opts.Implicit {
		srv.TLSConfig = testTLSConfig()
	}
	if s.opts.Implicit {
		l = tls.NewListener(l, srv.TLSConfig)
	}
	s.mu.Lock()
	s.srv, s.l = srv, l
	s.mu.Unlock()
	go func() { _ = srv.Serve(l) }()
}

// Stop closes the listener and every connection: the mail server is down.
func (s *Server) Stop() {
	s.mu.Lock()
	srv, l := s.srv, s.l
	s.srv, s.l = nil, nil
	s.mu.Unlock()
	if srv != nil {
		// Closing the listener too: Close misses it if Serve has not yet
		// started.
		_ = l.Close()
		_ = srv.Close()
	}
}

// Restart brings the server back on the same port, keeping what it has
// received and been told.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	var l net.Listener
	var err error
	for range 50 { // the old socket may take a moment to let go of the port
		if l, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("restarting the mail server on %s: %v", s.addr, err)
	}
	s.serve(l)
}

// Refuse makes RCPT TO rcpt answer code and text: 4xx or 5xx.
func (s *Server) Refuse(rcpt string, code int, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse[strings.ToLower(rcpt)] = &smtp.SMTPError{
		Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 1, 1}, Message: text,
	}
}

// Accept undoes Refuse.
func (s *Server) Accept(rcpt string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.refuse, strings.ToLower(rcpt))
}

// SetDelay makes the server take d to answer each RCPT TO: slow, and
// before the message is handed over, so a client that gives up while
// waiting has not delivered it.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// Received returns the messages received so far.
func (s *Server) Received() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.received...)
}

// Connections returns how many connections clients opened.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// Rcpts returns how many times RCPT TO named addr, compared
// case-insensitively; refused recipients count too.
func (s *Server) Rcpts(addr string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rcpts[strings.ToLower(addr)]
}

// WaitFor waits until n messages have arrived and returns those received,
// failing the test after d.
func (s *Server) WaitFor(t testing.TB, n int, d time.Duration) []Message {
	t.Helper()
	deadline := time.After(d)
	for {
		s.mu.Lock()
		got, arrived := len(s.received), s.arrived
		s.mu.Unlock()
		if got >= n {
			return s.Received()
		}
		select {
		case <-arrived:
		case <-deadline:
			t.Fatalf("mail server received %d messages in %v, want %d", got, d, n)
		}
	}
}

// NewSession implements smtp.Backend.
func (s *Server) NewSession(c *smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	s.conns[c] = true
	s.mu.Unlock()
	return &session{s: s, c: c}, nil
}

type session struct {
	s    *Server
	c    *smtp.Conn
	user string
	msg  Message
}

func (se *session) AuthMechanisms() []string {
	if se.s.opts.User == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (se *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != se.s.opts.User || pass != se.s.opts.Password {
			return errors.New("invalid credentials")
		}
		se.user = user
		return nil
	}), nil
}

func (se *session) Mail(from string, opts *smtp.MailOptions) error {
	if se.s.opts.User != "" && se.user == "" {
		return smtp.ErrAuthRequired
	}
	utf8 := opts != nil && opts.UTF8
	if !utf8 && !ascii(from) {
		return errUndeclaredUTF8
	}
	se.msg = Message{From: from, SMTPUTF8: utf8}
	return nil
}

// errUndeclaredUTF8 is Postfix's answer to a non-ASCII address in a
// transaction that did not declare SMTPUTF8.
var errUndeclaredUTF8 = &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 6, 7},
	Message: "Must declare SMTPUTF8 to send unicode address"}

func ascii(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.s.mu.Lock()
	refusal, delay := se.s.refuse[strings.ToLower(to)], se.s.delay
	se.s.rcpts[strings.ToLower(to)]++
	se.s.mu.Unlock()
	time.Sleep(delay)
	if refusal != nil {
		return refusal
	}
	if !se.msg.SMTPUTF8 && !ascii(to) {
		return errUndeclaredUTF8
	}
	se.msg.To = append(se.msg.To, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := se.c.TLSConnectionState()
	se.msg.Data, se.msg.TLS, se.msg.User = b, isTLS, se.user
	se.s.mu.Lock()
	se.s.received = append(se.s.received, se.msg)
	close(se.s.arrived)
	se.s.arrived = make(chan struct{})
	se.s.mu.Unlock()
	return nil
}

func (se *session) Reset()        { se.msg = Message{} }
func (se *session) Logout() error { return nil }

// testTLSConfig is a self-signed certificate for 127.0.0.1.
func testTLSConfig() *tls.Config {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mx.test"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}
