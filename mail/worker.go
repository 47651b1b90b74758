package mail

import (
	"context"
	"errors"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/queue"
)

// WorkerConfig tunes the worker that delivers invitation e-mail; see
// queue.Config. Its RetryFirst is BELFRY_MAIL_RETRY_FIRST.
type WorkerConfig = queue.Config

// Worker delivers invitation e-mail: the queue's worker for jobs of kind
// belfry.KindMail, sending each over SMTP with a Sender. A 5xx reply fails
// the message for good; anything else is retried. It implements
// belfry.Mailer.
type Worker struct {
	*queue.Worker
	sender *Sender
}

var _ belfry.Mailer = (*Worker)(nil)

// NewWorker returns a worker that sends q's invitation e-mail with sender.
func NewWorker(q queue.Queue, sender *Sender, cfg WorkerConfig) *Worker {
	cfg.Permanent = func(err error) bool { return Permanent(err) || queue.IsPermanent(err) }
	cfg.Answered = answered
	w := &Worker{sender: sender}
	w.Worker = queue.New(belfry.KindMail, q, queue.HandlerFunc(w.send), cfg)
	return w
}

// Run delivers e-mail until ctx ends, then closes the kept connections;
// see queue.Worker.Run.
func (w *Worker) Run(ctx context.Context) error {
	if w.sender == nil {
		return errors.New("mail: worker needs a sender")
	}
	return errors.Join(w.Worker.Run(ctx), w.sender.Close())
}

func (w *Worker) send(ctx context.Context, j *belfry.Job) error {
	m, err := belfry.MailOf(j)
	if err != nil {
		return queue.Permanent(err)
	}
	return w.sender.Send(ctx, m)
}
