package botevent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/queue"
)

// The events as Chime posted them (chime-behaviour.md §3.4, AWS's
// "Amazon Chime events sent to chatbots"), field for field and in Chime's
// order: a Remove carries no InboundHttpsEndpoint, only a Mention a
// Message.
type (
	wireSender struct {
		SenderId     string `json:"SenderId"`
		SenderIdType string `json:"SenderIdType"`
	}
	wireDiscussion struct {
		DiscussionId   string `json:"DiscussionId"`
		DiscussionType string `json:"DiscussionType"`
	}
	wireEndpoint struct {
		EndpointType string `json:"EndpointType"`
		Url          string `json:"Url"`
	}
	wireEvent struct {
		Sender               wireSender     `json:"Sender"`
		Discussion           wireDiscussion `json:"Discussion"`
		EventType            string         `json:"EventType"`
		InboundHttpsEndpoint *wireEndpoint  `json:"InboundHttpsEndpoint,omitempty"`
		EventTimestamp       string         `json:"EventTimestamp"`
		Message              *string        `json:"Message,omitempty"`
	}
)

// Body is the JSON that d's event is posted with.
func Body(d *belfry.BotDispatch) []byte {
	ev := d.Event
	w := wireEvent{
		Sender:         wireSender{SenderId: ev.Sender, SenderIdType: "EmailId"},
		Discussion:     wireDiscussion{DiscussionId: ev.RoomID, DiscussionType: "Room"},
		EventType:      string(ev.Type),
		EventTimestamp: ev.At.UTC().Format(timestampLayout),
	}
	switch ev.Type {
	case belfry.BotInvite:
		w.InboundHttpsEndpoint = &wireEndpoint{EndpointType: "Persistent", Url: d.ReplyURL}
	case belfry.BotMention:
		w.InboundHttpsEndpoint = &wireEndpoint{EndpointType: "ShortLived", Url: d.ReplyURL}
		w.Message = &ev.Message
	}
	body, _ := json.Marshal(w)
	return body
}

// Delivery defaults: Chime's 2 s for an answer, and how many events one
// endpoint has in flight at once, so that a slow endpoint holds few of
// the worker's runners and none of the others' endpoints wait on it.
const (
	DefaultAnswerTimeout = 2 * time.Second
	DefaultPerEndpoint   = 4
)

// Deliverer delivers bot event jobs (belfry.KindBotEvent) to bots' HTTPS
// endpoints and Lambda functions. It is the queue worker's Handler, and, through ClaimJobs and
// FinishJob, its Queue too, so that each attempt is written to the
// delivery log with the job's outcome, in its transaction.
type Deliverer struct {
	svc         *belfry.Service
	client      *Client
	timeout     time.Duration
	perEndpoint int
	now         func() time.Time

	mu sync.Mutex
	// gates holds one gate per endpoint ever reached: a few per bot.
	gates map[string]*gate
	// attempts holds each attempt's log entry from Run until FinishJob
	// writes it with the outcome.
	attempts sync.Map
}

// DelivererConfig tunes a Deliverer; zero fields take the defaults.
type DelivererConfig struct {
	AnswerTimeout time.Duration
	PerEndpoint   int
}

// NewDeliverer returns a Deliverer posting through client.
func NewDeliverer(svc *belfry.Service, client *Client, cfg DelivererConfig) *Deliverer {
	if cfg.AnswerTimeout <= 0 {
		cfg.AnswerTimeout = DefaultAnswerTimeout
	}
	if cfg.PerEndpoint <= 0 {
		cfg.PerEndpoint = DefaultPerEndpoint
	}
	return &Deliverer{svc: svc, client: client, timeout: cfg.AnswerTimeout, perEndpoint: cfg.PerEndpoint,
		now: time.Now, gates: make(map[string]*gate)}
}

// refusal is an outcome no retry changes: the event is not to be
// delivered (the bot disabled, its configuration gone or a Lambda
// function's), or the endpoint refused it with a 4xx.
type refusal struct{ err error }

func (r *refusal) Error() string { return r.err.Error() }
func (r *refusal) Unwrap() error { return r.err }

// Refused reports whether err, from Run, fails the job for good; the
// queue's Config.Permanent.
func Refused(err error) bool {
	var r *refusal
	return errors.As(err, &r)
}

// Answered reports whether the endpoint answered the attempt that ended
// with err; the queue's Config.Answered.
func Answered(err error) bool { return err == nil || Refused(err) }

// errBusy is an attempt not made because the endpoint has its share of
// events in flight already; it is retried like a failure.
var errBusy = errors.New("not sent: this endpoint has its most events in flight already")

// Run makes one attempt at job j: it posts the event, signed with the
// bot's token as it is now and stamped now, and waits up to the answer
// timeout (a Lambda function is invoked instead, as invoke says). A 2xx is delivered; a timeout, a failure to connect, a 5xx,
// 408 or 429 is retried; any other status, a 4xx, is the bot refusing the
// event, which the same body will not change: the job fails for good.
func (d *Deliverer) Run(ctx context.Context, j *belfry.Job) error {
	start := d.now()
	rec := &belfry.BotDelivery{EventID: j.ID, AccountID: j.AccountID, BotID: j.Ref, Attempt: j.Attempts + 1, At: start.UTC()}
	err := d.attempt(ctx, j, rec)
	rec.Duration = d.now().Sub(start)
	if err != nil {
		rec.Error = err.Error()
	}
	d.attempts.Store(j.ID, rec)
	return err
}

func (d *Deliverer) attempt(ctx context.Context, j *belfry.Job, rec *belfry.BotDelivery) error {
	if ev, err := belfry.BotEventOf(j); err == nil {
		rec.RoomID, rec.Type = ev.RoomID, ev.Type
	}
	disp, err := d.svc.BotDispatch(ctx, j)
	switch k := belfry.ErrorKind(err); {
	case err == nil:
	case k == belfry.BadRequest || k == belfry.NotFound:
		return &refusal{errors.New(belfry.ErrorMessage(err))}
	default:
		return err
	}
	if arn := disp.Config.LambdaFunctionArn; arn != "" {
		return d.invoke(ctx, arn, disp, rec)
	}
	endpoint := disp.Config.OutboundEventsHTTPSEndpoint
	if _, err := d.client.CheckURL(endpoint); err != nil {
		return &refusal{errors.New(belfry.ErrorMessage(err))}
	}
	if !d.take(ctx, endpoint) {
		return errBusy
	}
	defer d.give(endpoint)
	actx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	status, _, err := d.client.Post(actx, endpoint, disp.Bot.SecurityToken, Body(disp))
	rec.Status = status
	switch {
	case err != nil && actx.Err() != nil && ctx.Err() == nil:
		return fmt.Errorf("no answer within %s", d.timeout)
	case err != nil:
		return errors.New(belfry.ErrorMessage(err))
	case status >= 200 && status < 300:
		return nil
	case status >= 500 || status == 408 || status == 429:
		return fmt.Errorf("the endpoint answered %d", status)
	}
	return &refusal{fmt.Errorf("the endpoint refused the event with status %d", status)}
}

// invoke delivers the event to a bot's Lambda function, under the same
// answer timeout and share of runners as an HTTPS endpoint. Lambda's
// answers that a retry may cure (a function error, throttling, a 5xx, no
// answer) come back Unavailable and are retried on the schedule; the rest
// (no such function, access denied) are refusals.
func (d *Deliverer) invoke(ctx context.Context, arn string, disp *belfry.BotDispatch, rec *belfry.BotDelivery) error {
	// BotDispatch checked Lambda delivery enabled; read it once here so
	// that the check and the call see the same client.
	fns := d.svc.BotLambda
	if fns == nil {
		return &refusal{errors.New(belfry.NoLambdaDelivery)}
	}
	if !d.take(ctx, arn) {
		return errBusy
	}
	defer d.give(arn)
	actx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	err := fns.Invoke(actx, arn, disp.Bot.SecurityToken, Body(disp))
	switch {
	case err == nil:
		rec.Status = http.StatusOK
		return nil
	case actx.Err() != nil && ctx.Err() == nil:
		return fmt.Errorf("no answer within %s", d.timeout)
	case belfry.ErrorKind(err) == belfry.Unavailable:
		return errors.New(belfry.ErrorMessage(err))
	}
	return &refusal{errors.New(belfry.ErrorMessage(err))}
}

// maxWaitingShare bounds the attempts waiting for one endpoint, as a
// multiple of its places in flight.
const maxWaitingShare = 3

// gate bounds the events in flight to one endpoint: slots holds a token
// for each, and waiting counts the attempts waiting for a slot.
type gate struct {
	slots   chan struct{}
	waiting int
}

// take reserves one of endpoint's places in flight, waiting for one up to
// the answer timeout, which a healthy endpoint frees in milliseconds. At
// most maxWaitingShare times as many attempts wait as the endpoint has
// places, so that a slow endpoint holds a bounded share of the worker's
// runners; the others, and those that wait in vain, are retried as busy.
func (d *Deliverer) take(ctx context.Context, endpoint string) bool {
	d.mu.Lock()
	g := d.gates[endpoint]
	if g == nil {
		g = &gate{slots: make(chan struct{}, d.perEndpoint)}
		d.gates[endpoint] = g
	}
	select {
	case g.slots <- struct{}{}:
		d.mu.Unlock()
		return true
	default:
	}
	if g.waiting >= maxWaitingShare*d.perEndpoint {
		d.mu.Unlock()
		return false
	}
	g.waiting++
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		g.waiting--
		d.mu.Unlock()
	}()
	t := time.NewTimer(d.timeout)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

// give frees the place take reserved.
func (d *Deliverer) give(endpoint string) {
	d.mu.Lock()
	g := d.gates[endpoint]
	d.mu.Unlock()
	<-g.slots
}

// Worker returns the queue worker that runs d: cfg's tuning, with bot
// events' schedule (belfry.BotRetryFirst, BotRetryMax, BotEventMaxAge)
// and d's judgement of which outcomes are final (Refused) and which were
// answered (Answered).
func (d *Deliverer) Worker(cfg queue.Config) *queue.Worker {
	cfg.RetryFirst, cfg.RetryMax, cfg.MaxAge = belfry.BotRetryFirst, belfry.BotRetryMax, belfry.BotEventMaxAge
	cfg.Permanent, cfg.Answered = Refused, Answered
	return queue.New(belfry.KindBotEvent, d, d, cfg)
}

// ClaimJobs claims bot event jobs for the worker.
func (d *Deliverer) ClaimJobs(ctx context.Context, kind belfry.JobKind, holder string, now time.Time, lease time.Duration, n int) ([]*belfry.Job, error) {
	return d.svc.ClaimJobs(ctx, kind, holder, now, lease, n)
}

// FinishJob records the outcome of an attempt at j with the attempt's
// entry in the delivery log, in one transaction.
func (d *Deliverer) FinishJob(ctx context.Context, j *belfry.Job, o belfry.JobOutcome) error {
	if rec, ok := d.attempts.LoadAndDelete(j.ID); ok {
		o.Effect.BotDelivery = rec.(*belfry.BotDelivery)
	}
	return d.svc.FinishJob(ctx, j, o)
}
