package mail

import (
	"context"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/smtptest"
	"github.com/google/uuid"
)

// testMail is an invitation message as the service queues it.
func testMail(t testing.TB, to string) *belfry.Mail {
	t.Helper()
	e := belfry.InviteEmail{AccountName: "Ops Team", To: to, ReplyTo: "admin@example.com",
		Link: "http://127.0.0.1:8080/invitations/tok-" + uuid.NewString(), Expires: time.Now().Add(7 * 24 * time.Hour)}
	subject, text, html, err := DefaultTemplates().ComposeInvite(e)
	if err != nil {
		t.Fatal(err)
	}
	return &belfry.Mail{ID: uuid.NewString(), InviteID: uuid.NewString(), To: to, ReplyTo: e.ReplyTo,
		Subject: subject, Text: text, HTML: html, Link: e.Link, MessageID: uuid.NewString() + "@belfry",
		Status: belfry.MailQueued, Created: time.Now(), Expires: e.Expires}
}

func newSender(t testing.TB, url string) *Sender {
	t.Helper()
	cfg, err := ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.From = "Belfry <belfry@localhost>"
	s, err := NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// parts reads a multipart/alternative message into its parts' bodies by
// media type, decoded as a mail reader would.
func parts(t *testing.T, r smtptest.Message) map[string]string {
	t.Helper()
	msg, err := netmail.ReadMessage(strings.NewReader(string(r.Data)))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v), want multipart/alternative", msg.Header.Get("Content-Type"), err)
	}
	got := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatal(err)
		}
		pt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		got[pt] = string(b)
	}
}

func TestSendContent(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	s := newSender(t, srv.URL())
	m := testMail(t, "ana@example.com")
	before := time.Now().Truncate(time.Second)
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, 1, 5*time.Second)[0]
	if got.From != "belfry@localhost" || len(got.To) != 1 || got.To[0] != "ana@example.com" {
		t.Errorf("envelope from %q to %q, want belfry@localhost to ana@example.com", got.From, got.To)
	}
	h := got.Header(t)
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(h.Get("Subject"))
	for _, c := range []struct{ name, got, want string }{
		{"From", h.Get("From"), `"Belfry" <belfry@localhost>`},
		{"To", h.Get("To"), "<ana@example.com>"},
		{"Reply-To", h.Get("Reply-To"), "<admin@example.com>"},
		{"Subject", subject, m.Subject},
		{"Message-ID", h.Get("Message-ID"), "<" + m.MessageID + ">"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.name, c.got, c.want)
		}
	}
	date, err := h.Date()
	if err != nil || date.Before(before) || date.After(time.Now()) {
		t.Errorf("Date %q (%v), want the send time", h.Get("Date"), err)
	}
	ps := parts(t, got)
	if len(ps) != 2 {
		t.Errorf("parts %q, want text/plain and text/html", keys(ps))
	}
	for _, mt := range []string{"text/plain", "text/html"} {
		if !strings.Contains(ps[mt], m.Link) {
			t.Errorf("%s part lacks the link %s:\n%s", mt, m.Link, ps[mt])
		}
		if !strings.Contains(ps[mt], "Ops Team") {
			t.Errorf("%s part lacks the account name:\n%s", mt, ps[mt])
		}
	}
}

func keys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestSendSecurity(t *testing.T) {
	tests := []struct {
		name string
		opts smtptest.Options
		tls  bool
	}{
		{"plain", smtptest.Options{}, false},
		{"STARTTLS", smtptest.Options{TLS: true}, true},
		{"smtps", smtptest.Options{Implicit: true}, true},
		{"AUTH PLAIN", smtptest.Options{User: "belfry", Password: "p@ss word"}, false},
		{"AUTH PLAIN after STARTTLS", smtptest.Options{TLS: true, User: "belfry", Password: "secret"}, true},
		{"AUTH PLAIN over smtps", smtptest.Options{Implicit: true, User: "belfry", Password: "secret"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t, tt.opts)
			url := srv.URL()
			if tt.opts.User != "" { // the URL carries the password escaped
				url = strings.Replace(url, tt.opts.Password, strings.ReplaceAll(tt.opts.Password, " ", "%20"), 1)
			}
			if err := newSender(t, url).Send(context.Background(), testMail(t, "bo@example.com")); err != nil {
				t.Fatal(err)
			}
			got := srv.WaitFor(t, 1, 5*time.Second)[0]
			if got.TLS != tt.tls || got.User != tt.opts.User {
				t.Errorf("received over TLS %v as %q, want TLS %v as %q", got.TLS, got.User, tt.tls, tt.opts.User)
			}
		})
	}
}

// Trouble before the server takes the message is temporary: the same
// message may well go through once the operator or the network fixes it.
func TestSendTemporaryTrouble(t *testing.T) {
	plain := smtptest.Start(t, smtptest.Options{})
	withTLS := smtptest.Start(t, smtptest.Options{Implicit: true})
	withAuth := smtptest.Start(t, smtptest.Options{User: "belfry", Password: "secret"})
	down := smtptest.Start(t, smtptest.Options{})
	down.Stop()
	tests := []struct{ name, url string }{
		{"connection refused", down.URL()},
		{"STARTTLS required but not offered", plain.URL() + "&starttls=required"},
		{"unverified certificate", strings.Replace(withTLS.URL(), "insecure_skip_verify=true", "insecure_skip_verify=false", 1)},
		{"wrong password", strings.Replace(withAuth.URL(), ":secret@", ":wrong@", 1)},
		{"no such host", "smtp://mail.invalid?timeout=2s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := newSender(t, tt.url).Send(context.Background(), testMail(t, "cy@example.com"))
			if err == nil || Permanent(err) {
				t.Errorf("Send = %v, want a temporary error", err)
			}
		})
	}
}

func TestSendRefusals(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	srv.Refuse("gone@example.com", 550, "no such user here")
	srv.Refuse("busy@example.com", 451, "try again later")
	s := newSender(t, srv.URL())
	err := s.Send(context.Background(), testMail(t, "gone@example.com"))
	if !Permanent(err) || !strings.Contains(err.Error(), "550") || !strings.Contains(err.Error(), "no such user here") {
		t.Errorf("Send to a refused address = %v, want a permanent error with the server's reply", err)
	}
	err = s.Send(context.Background(), testMail(t, "busy@example.com"))
	if err == nil || Permanent(err) || !strings.Contains(err.Error(), "451") {
		t.Errorf("Send to a 451 address = %v, want a temporary error with the server's reply", err)
	}
	// The session survives a refusal: the next message goes on it.
	if err := s.Send(context.Background(), testMail(t, "ok@example.com")); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Received()); n != 1 {
		t.Errorf("received %d messages, want 1", n)
	}
}

// One session carries many messages, and a session the server dropped
// while idle is replaced without failing the message.
func TestSendKeepsConnection(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: true})
	s := newSender(t, srv.URL())
	for range 10 {
		if err := s.Send(context.Background(), testMail(t, "dee@example.com")); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Connections(); n != 1 {
		t.Errorf("10 messages took %d connections, want 1", n)
	}
	srv.Stop()
	srv.Restart(t)
	if err := s.Send(context.Background(), testMail(t, "dee@example.com")); err != nil {
		t.Fatalf("Send after the server dropped the kept session: %v", err)
	}
	srv.WaitFor(t, 11, 5*time.Second)
}

// A cancelled context cuts a session waiting on a slow server at once.
func TestSendCancel(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	srv.SetDelay(5 * time.Second)
	s := newSender(t, srv.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := s.Send(ctx, testMail(t, "eve@example.com"))
	if err == nil || Permanent(err) {
		t.Errorf("Send = %v, want a temporary error", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Send took %v after its context ended", d)
	}
}

func TestSendIDN(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	if err := newSender(t, srv.URL()).Send(context.Background(), testMail(t, "ana@bücher.example")); err != nil {
		t.Fatal(err)
	}
	if got := srv.WaitFor(t, 1, 5*time.Second)[0].To; len(got) != 1 || got[0] != "ana@xn--bcher-kva.example" {
		t.Errorf("envelope to %q, want the punycode domain", got)
	}
}

// A Unicode local part needs SMTPUTF8 (RFC 6531): Belfry declares it to a
// server that advertises it, and fails the message for good, saying why,
// before a server that does not would refuse it (553 5.6.7 from Postfix).
func TestSendUnicodeLocalPart(t *testing.T) {
	const to, envelope = "jörg@bücher.example", "jörg@xn--bcher-kva.example"
	t.Run("advertised", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{SMTPUTF8: true})
		if err := newSender(t, srv.URL()).Send(context.Background(), testMail(t, to)); err != nil {
			t.Fatal(err)
		}
		got := srv.WaitFor(t, 1, 5*time.Second)[0]
		if !got.SMTPUTF8 || len(got.To) != 1 || got.To[0] != envelope {
			t.Errorf("received SMTPUTF8 %v, envelope to %q; want SMTPUTF8 declared, to %s", got.SMTPUTF8, got.To, envelope)
		}
	})
	t.Run("not advertised", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{})
		s := newSender(t, srv.URL())
		err := s.Send(context.Background(), testMail(t, to))
		if !Permanent(err) || !strings.Contains(err.Error(), "non-ASCII") || !strings.Contains(err.Error(), "SMTPUTF8") {
			t.Errorf("Send = %v; want a permanent error saying the server does not accept non-ASCII addresses (SMTPUTF8)", err)
		}
		if n := srv.Rcpts(envelope); n != 0 {
			t.Errorf("RCPT TO %s sent %d times; want never", envelope, n)
		}
		if err := s.Send(context.Background(), testMail(t, "ok@example.com")); err != nil {
			t.Errorf("Send(an ASCII address after) = %v", err)
		}
		if n := srv.Connections(); n != 1 {
			t.Errorf("%d connections; want the refused message's kept for the next", n)
		}
	})
}
