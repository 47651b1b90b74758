package mail

import (
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/smtptest"
)

// BenchmarkOutboxDelivery measures the outbox's delivery rate to a local
// mail server: 2,000 invitations queued through InviteUsers into SQLite,
// then the time until the worker has sent every one and recorded it as
// Sent. Run it with
//
//	go test ./mail -run '^$' -bench OutboxDelivery -benchtime 3x
func BenchmarkOutboxDelivery(b *testing.B) {
	const messages = 2000
	var total time.Duration
	for i := 0; b.Loop(); i++ {
		srv := smtptest.Start(b, smtptest.Options{})
		o := newOutbox(b).team(b)
		for j := range messages / 50 {
			o.invite(b, addresses(string(rune('a'+j%26))+string(rune('a'+j/26))+"-", 50)...)
		}
		start := time.Now()
		stop := run(b, NewWorker(o.svc, newSender(b, srv.URL()), WorkerConfig{Logger: testWorkerConfig().Logger}))
		srv.WaitFor(b, messages, time.Minute)
		eventually(b, time.Minute, "all recorded as sent", func() bool {
			page, err := o.svc.QueuedMails(o.ctx, "", belfry.Page{Limit: 1})
			return err == nil && len(page) == 0
		})
		total += time.Since(start)
		stop()
	}
	b.ReportMetric(float64(messages*b.N)/total.Seconds(), "msgs/s")
}
