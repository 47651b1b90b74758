package main

import (
	"context"
	"log/slog"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/mail"
	"github.com/belfryhq/belfry/queue"
)

// signInWorker delivers the web app's sign-in links, jobs of kind
// belfry.KindSignIn: over SMTP with sender when a mail server is
// configured; otherwise into the server's log, as a warning naming the
// address and the link, for the operator of a Belfry without mail to hand
// on (README, "The members' web app"). The link works once, for 15
// minutes, and the job's copy of it is scrubbed once it is logged.
func signInWorker(svc *belfry.Service, sender *mail.Sender, log *slog.Logger) func(context.Context) error {
	deliver := func(ctx context.Context, j *belfry.Job) error {
		m, err := belfry.MailOf(j)
		if err != nil {
			return queue.Permanent(err)
		}
		if sender == nil {
			log.Warn("no mail server configured (BELFRY_SMTP_URL): hand this sign-in link to its member",
				"to", m.To, "link", m.Link, "expires", m.Expires)
			return nil
		}
		return sender.Send(ctx, m)
	}
	w := queue.New(belfry.KindSignIn, svc, queue.HandlerFunc(deliver), queue.Config{
		Logger:    log,
		Permanent: func(err error) bool { return mail.Permanent(err) || queue.IsPermanent(err) },
	})
	return w.Run
}
