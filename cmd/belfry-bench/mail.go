package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/api"
	"github.com/belfryhq/belfry/mail"
	"github.com/belfryhq/belfry/sqlite"
	"github.com/emersion/go-smtp"
)

// The mail scenarios run InviteUsers with 50 addresses against a Belfry
// whose outbox worker delivers to a local SMTP server that is healthy,
// slow (a second per message) or down, to show that InviteUsers stays fast
// whatever the mail server does, and how fast the outbox drains.

type mailMode string

const (
	mailHealthy mailMode = "smtp"
	mailSlow    mailMode = "slowsmtp"
	mailDown    mailMode = "downsmtp"
)

// sink is a real SMTP server that accepts every message and counts it.
type sink struct {
	srv      *smtp.Server
	addr     string
	delay    time.Duration
	received atomic.Int64
}

func startSink(delay time.Duration) (*sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &sink{addr: ln.Addr().String(), delay: delay}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return sinkSession{s}, nil }))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	go s.srv.Serve(ln)
	return s, nil
}

type sinkSession struct{ s *sink }

func (se sinkSession) Reset()                               {}
func (se sinkSession) Logout() error                        { return nil }
func (se sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (se sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (se sinkSession) Data(r io.Reader) error {
	io.Copy(io.Discard, r)
	time.Sleep(se.s.delay)
	se.s.received.Add(1)
	return nil
}

// mailBelfry is a Belfry with its own store and an outbox worker.
type mailBelfry struct {
	store   *sqlite.Store
	svc     *belfry.Service
	sink    *sink
	clients []*chime.Client
	account string
	stop    context.CancelFunc
	started time.Time
}

func (b *bench) startMailBelfry(ctx context.Context, dir string, mode mailMode) (*mailBelfry, error) {
	store, err := sqlite.OpenWith(filepath.Join(dir, string(mode)+".db"), sqlite.Options{Sync: b.db.sync})
	if err != nil {
		return nil, err
	}
	m := &mailBelfry{store: store}
	smtpURL := "smtp://127.0.0.1:1" // nothing listens there: the server is down
	if mode != mailDown {
		delay := time.Duration(0)
		if mode == mailSlow {
			delay = time.Second
		}
		if m.sink, err = startSink(delay); err != nil {
			return nil, err
		}
		smtpURL = "smtp://" + m.sink.addr
	}
	cfg, err := mail.ParseURL(smtpURL)
	if err != nil {
		return nil, err
	}
	sender, err := mail.NewSender(cfg)
	if err != nil {
		return nil, err
	}
	m.svc = &belfry.Service{Store: store, Invitations: belfry.Invitations{
		PublicURL: "http://belfry.example", Composer: mail.DefaultTemplates(),
	}}
	worker := mail.NewWorker(m.svc, sender, mail.WorkerConfig{Logger: slog.New(slog.DiscardHandler)})
	m.svc.Invitations.Mailer = worker
	runCtx, stop := context.WithCancel(context.Background())
	m.stop = stop
	go worker.Run(runCtx)
	url, err := b.listen(api.New(api.Config{Service: m.svc, Root: b.root}))
	if err != nil {
		return nil, err
	}
	hc := &http.Client{Transport: b.transport}
	for range len(b.belfry) {
		m.clients = append(m.clients, b.client(url, hc))
	}
	a, err := m.svc.CreateAccount(b.ctx(ctx), "bench-mail-"+string(mode))
	if err != nil {
		return nil, err
	}
	m.account, m.started = a.ID, time.Now()
	return m, nil
}

func (b *bench) mailScenario(dir string, mode mailMode) scenario {
	var m *mailBelfry
	return scenario{
		name: "InviteUsers50+" + string(mode),
		setup: func(ctx context.Context) (err error) {
			m, err = b.startMailBelfry(ctx, dir, mode)
			return err
		},
		do: func(ctx context.Context, c, n int) error {
			emails := make([]string, 50)
			for i := range emails {
				emails[i] = fmt.Sprintf("m%d-%d-%d@example.com", c, n, i)
			}
			_, err := m.clients[c].InviteUsers(ctx, &chime.InviteUsersInput{AccountId: aws.String(m.account), UserEmailList: emails})
			return err
		},
		report: func() string {
			if m == nil || m.sink == nil {
				return ""
			}
			defer m.stop()
			return drainReport(m)
		},
	}
}

// drainReport waits, up to a minute, until the outbox has delivered all it
// holds, and reports the delivery rate since the scenario started.
func drainReport(m *mailBelfry) string {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		left, err := m.svc.QueuedMails(context.Background(), "", belfry.Page{Limit: 1})
		if err != nil || len(left) == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	n, elapsed := m.sink.received.Load(), time.Since(m.started)
	return fmt.Sprintf("%s: the outbox delivered %d messages in %s: %.0f msgs/s",
		m.sink.addr, n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds())
}
