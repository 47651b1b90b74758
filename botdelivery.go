package belfry

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// KindBotEvent is an event bound for a bot's endpoint (BotEvent), written in
// the transaction of the change that causes it and delivered by a worker
// with Chime's schedule (DECISIONS.md, bots).
const KindBotEvent JobKind = "botevent"

// BotEventType is what happened that a bot hears of.
type BotEventType string

// The events a bot hears of (chime-behaviour.md §3.4).
const (
	BotInvite  BotEventType = "Invite"
	BotMention BotEventType = "Mention"
	BotRemove  BotEventType = "Remove"
)

// Delivery limits (DECISIONS.md, bots): a Mention's reply URL lives
// MentionURLLifetime, and the event is dropped with it; an Invite or a
// Remove is retried for up to BotEventMaxAge.
const (
	MentionURLLifetime = 2 * time.Minute
	BotEventMaxAge     = 24 * time.Hour
)

// The retry schedule of bot events: Chime's first two retries, after
// BotRetryFirst and twice that, then, beyond Chime, twice as long each
// time up to BotRetryMax between attempts, until BotEventMaxAge.
const (
	BotRetryFirst = 200 * time.Millisecond
	BotRetryMax   = 10 * time.Minute
)

// BotEvent is one event for a bot, as its job keeps it. The reply URL it
// carries is not kept: it is derived again at each attempt from these
// fields and the server key, so that the store holds nothing that posts
// as the bot.
type BotEvent struct {
	ID        string       `json:"id"`
	Type      BotEventType `json:"type"`
	AccountID string       `json:"account"`
	BotID     string       `json:"bot"`
	RoomID    string       `json:"room"`
	// Sender is who caused the event: the e-mail of the member who
	// posted or changed the room, or the caller's ARN for a change made
	// through the API, which has no e-mail.
	Sender string `json:"sender"`
	// Message is a Mention's message, as posted.
	Message string    `json:"message,omitempty"`
	At      time.Time `json:"at"`
	// URLExpires is when a Mention's ShortLived URL stops working; zero
	// for the Persistent URL of an Invite, and for a Remove, which has no
	// URL.
	URLExpires time.Time `json:"urlExpires,omitzero"`
}

// BotEventOf reads the event a KindBotEvent job carries.
func BotEventOf(j *Job) (*BotEvent, error) {
	ev := new(BotEvent)
	if err := json.Unmarshal(j.Payload, ev); err != nil || ev.BotID == "" || ev.RoomID == "" {
		return nil, Errorf(BadRequest, "job %s carries no bot event", j.ID)
	}
	return ev, nil
}

// botEventJob returns the job that delivers a type event to bot botID
// about room roomID of account accountID, caused by sender, at now.
func (s *Service) botEventJob(t BotEventType, accountID, botID, roomID, sender, message string, now time.Time) *Job {
	ev := &BotEvent{ID: s.newID(), Type: t, AccountID: accountID, BotID: botID, RoomID: roomID,
		Sender: sender, Message: message, At: now}
	j := &Job{ID: ev.ID, Kind: KindBotEvent, AccountID: accountID, Ref: botID, Status: JobQueued,
		Due: now, Created: now}
	if t == BotMention {
		ev.URLExpires = now.Add(MentionURLLifetime)
		j.Expires = ev.URLExpires
	}
	j.Payload, _ = json.Marshal(ev)
	return j
}

// outboxKey carries, in a context, the jobs a store call writes in its own
// transaction (WithOutbox).
type outboxKey struct{}

// WithOutbox returns ctx carrying jobs, which the store calls once the
// change of the call has been made, inside its transaction, and writes the
// jobs it returns in that transaction. jobs reads what the change decided
// (such as which members a batch added), so that a job is written exactly
// when its cause is; a change that fails writes none.
func WithOutbox(ctx context.Context, jobs func() []*Job) context.Context {
	return context.WithValue(ctx, outboxKey{}, jobs)
}

// HasOutbox reports whether ctx carries jobs for its change (WithOutbox).
func HasOutbox(ctx context.Context) bool {
	_, ok := ctx.Value(outboxKey{}).(func() []*Job)
	return ok
}

// OutboxJobs returns the jobs that the change ctx carries calls for; the
// stores call it inside the change's transaction, after the change, and
// write what it returns in the same transaction.
func OutboxJobs(ctx context.Context) []*Job {
	if f, ok := ctx.Value(outboxKey{}).(func() []*Job); ok {
		return f()
	}
	return nil
}

// kickBots tells the bot event worker, if any, that events are queued.
func (s *Service) kickBots(jobs []*Job) {
	if s.BotEvents != nil && len(jobs) > 0 {
		s.BotEvents.Kick()
	}
}

// eventSender names, for a bot, who makes the change ctx carries: the
// member's e-mail when the web app makes it, else the caller's ARN.
func (s *Service) eventSender(ctx context.Context, accountID string) string {
	c, _ := CallerFrom(ctx)
	if id, ok := strings.CutPrefix(c.ARN, consoleUserARN); ok {
		if u, err := s.Store.User(ctx, accountID, id); err == nil {
			return u.Email
		}
	}
	return c.ARN
}

// consoleUserARN starts the ARN the web app gives the member it acts for.
const consoleUserARN = "belfry:console:user/"

// membershipEvents returns, for the memberships a change makes or ends,
// an event of type t for each that is a bot's. Its callers pass only
// enabled bots' memberships: a bot being added is checked enabled by
// PlanMembership, and removeEvents leaves disabled bots out.
func (s *Service) membershipEvents(t BotEventType, accountID, sender string, now time.Time, ms []*Membership) []*Job {
	var jobs []*Job
	for _, m := range ms {
		if m != nil && m.Member.Type == MemberBot {
			jobs = append(jobs, s.botEventJob(t, accountID, m.Member.ID, m.RoomID, sender, "", now))
		}
	}
	return jobs
}

// BotDelivery is one attempt at delivering a bot event, as the delivery
// log keeps it for operators.
type BotDelivery struct {
	Seq       int64
	EventID   string
	AccountID string
	BotID     string
	RoomID    string
	Type      BotEventType
	// Attempt counts from 1.
	Attempt int
	At      time.Time
	// Status is the endpoint's HTTP status, 0 when none came back; Error
	// says what went wrong, "" for a delivered event.
	Status   int
	Error    string
	Duration time.Duration
}

// BotDeliveryStore keeps the delivery log. Attempts are written with
// their job's outcome (JobEffect.BotDelivery), in its transaction, and
// pruned with old jobs.
type BotDeliveryStore interface {
	// BotDeliveries returns a page of the attempts at bot botID's
	// events, of account accountID, oldest first.
	BotDeliveries(ctx context.Context, accountID, botID string, p Page) ([]*BotDelivery, error)
	// RecentBotDeliveries returns up to n of the attempts at bot
	// botID's events, of account accountID, whose Seq is below before
	// (any when before is 0), the newest first.
	RecentBotDeliveries(ctx context.Context, accountID, botID string, before int64, n int) ([]*BotDelivery, error)
}

// BotDeliveries returns a page of the delivery log of a bot of an
// Enterprise account, oldest attempt first, for operators and the
// administrators' console: NotFound when the account has no such bot. As
// for webhooks, the account is found by its ID alone: its callers have
// checked their right to it.
func (s *Service) BotDeliveries(ctx context.Context, accountID, botID string, p Page) ([]*BotDelivery, error) {
	a, err := s.deliveryLogOf(ctx, accountID, botID)
	if err != nil {
		return nil, err
	}
	return s.Store.BotDeliveries(ctx, a.ID, botID, p)
}

// RecentBotDeliveries returns, as BotDeliveries does, up to n attempts
// at a bot's events logged before the attempt whose Seq is before (any
// when before is 0), the newest first: the administrators' console shows
// the log that way.
func (s *Service) RecentBotDeliveries(ctx context.Context, accountID, botID string, before int64, n int) ([]*BotDelivery, error) {
	a, err := s.deliveryLogOf(ctx, accountID, botID)
	if err != nil {
		return nil, err
	}
	return s.Store.RecentBotDeliveries(ctx, a.ID, botID, before, n)
}

// deliveryLogOf returns the Enterprise account whose bot botID's
// delivery log is asked for, NotFound when it has no such bot.
func (s *Service) deliveryLogOf(ctx context.Context, accountID, botID string) (*Account, error) {
	a, err := s.webhookAccount(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if _, err := s.Store.Bot(ctx, a.ID, botID); err != nil {
		return nil, err
	}
	return a, nil
}

// BotDispatch is what delivering a bot event needs: the bot as it is now
// (its current token signs), where its events go, and the reply URL the
// event carries ("" for a Remove).
type BotDispatch struct {
	Event    *BotEvent
	Bot      *Bot
	Config   *EventsConfiguration
	ReplyURL string
}

// The reasons a bot event is not delivered, kept as its job's last error.
const (
	NoEventsDisabledBot = "not delivered: the bot is disabled"
	NoEventsConfig      = "not delivered: the bot has no events configuration"
	NoLambdaDelivery    = "not delivered: Lambda delivery is not enabled (" + lambdaSetting + "=true)"
)

// BotDispatch reads what delivering job j's event needs now. A bot that
// was disabled, or lost its configuration, since the event was queued gets
// no event: a BadRequest that says so, which fails the job for good; so
// does a configuration naming a Lambda function when Lambda delivery has
// been turned off since.
func (s *Service) BotDispatch(ctx context.Context, j *Job) (*BotDispatch, error) {
	ev, err := BotEventOf(j)
	if err != nil {
		return nil, err
	}
	b, err := s.Store.Bot(ctx, ev.AccountID, ev.BotID)
	if err != nil {
		return nil, err
	}
	if b.Disabled {
		return nil, Errorf(BadRequest, NoEventsDisabledBot)
	}
	c, err := s.Store.EventsConfiguration(ctx, ev.AccountID, ev.BotID)
	switch {
	case ErrorKind(err) == NotFound:
		return nil, Errorf(BadRequest, NoEventsConfig)
	case err != nil:
		return nil, err
	case c.OutboundEventsHTTPSEndpoint == "" && s.BotLambda == nil:
		return nil, Errorf(BadRequest, NoLambdaDelivery)
	}
	d := &BotDispatch{Event: ev, Bot: b, Config: c}
	if ev.Type != BotRemove {
		if d.ReplyURL, err = s.BotReplyURL(ctx, ev); err != nil {
			return nil, err
		}
	}
	return d, nil
}
