package main

import (
	"context"
	"fmt"
	"log/slog"
	netmail "net/mail"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/mail"
)

// setUpMail gives the service its invitation e-mail: templates always, so
// every invitation carries a link an operator can hand out, and, when a
// mail server is configured, a worker that delivers the outbox.
func (s *server) setUpMail(svc *belfry.Service, log *slog.Logger) error {
	templates, err := mail.LoadTemplates(s.cfg.MailTemplates)
	if err != nil {
		return err
	}
	svc.Invitations.Composer = templates
	// A Reply-To that does not parse would make every message unwritable,
	// failing each invitation for good; refuse it now, as a bad
	// BELFRY_MAIL_FROM is.
	if r := s.cfg.MailReplyTo; r != "" {
		if _, err := netmail.ParseAddress(r); err != nil {
			return fmt.Errorf("BELFRY_MAIL_REPLY_TO %q: %w", r, err)
		}
	}
	if s.cfg.SMTPURL == "" {
		log.Info("no mail server configured (BELFRY_SMTP_URL): invitations are kept for `belfry invitations list`, " +
			"sign-in links are logged")
		s.background = append(s.background, signInWorker(svc, nil, log))
		return nil
	}
	mc, err := mail.ParseURL(s.cfg.SMTPURL)
	if err != nil {
		return err
	}
	mc.From = s.cfg.MailFrom
	sender, err := mail.NewSender(mc)
	if err != nil {
		return err
	}
	worker := mail.NewWorker(svc, sender, mail.WorkerConfig{RetryFirst: s.cfg.MailRetryFirst, Logger: log})
	svc.Invitations.Mailer = worker
	// The sign-in worker shares the sender, which the invitation
	// worker closes when it stops.
	s.background = append(s.background, signInWorker(svc, sender, log), func(ctx context.Context) error {
		defer sender.Close()
		return worker.Run(ctx)
	})
	log.Info("delivering invitation e-mail", "mail_server", mc.Addr(), "worker", worker.ID())
	return nil
}
