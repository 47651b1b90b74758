package belfry

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Store is everything the service keeps. Each store (SQLite, PostgreSQL)
// passes the same conformance suite, package storetest.
type Store interface {
	AccountStore
	UserStore
	RoomStore
	MembershipStore
	MessageStore
	ConversationStore
	SignInStore
	RetentionStore
	KeyStore
	JobStore
	JobStatsStore
	ResetStore
	LifecycleStore
	SettingsStore
	GlobalSettingsStore
	AuditStore
	SecretStore
	WebhookStore
	BotStore
	EventsConfigurationStore
	PhoneNumberStore
	BotDeliveryStore
	// Ping reports whether the store can serve requests.
	Ping(ctx context.Context) error
	Close() error
}

// Service carries out the Chime operations: it holds the rules, and the
// store holds the state.
type Service struct {
	Store Store
	// Clock tells the time; nil means time.Now.
	Clock Clock
	// NewID makes resource IDs; nil means lower-case UUIDs, the form real
	// Chime IDs have (chime-behaviour.md §2). They are version 7: random,
	// but rising with time, so that new rows land together at the end of
	// the ID indexes instead of all over them.
	NewID func() string
	// Invitations configures invitation links and e-mail.
	Invitations Invitations
	// Events, when set, hears of every message posted or redacted, by
	// whatever path, once it is stored, for the web app's live pages.
	Events Events
	// BotEndpoints, when set, reaches bots' HTTPS endpoints; without it
	// PutEventsConfiguration refuses them.
	BotEndpoints BotEndpoints
	// BotLambda, when set, invokes bots' Lambda functions; without it
	// PutEventsConfiguration refuses a LambdaFunctionArn, naming the
	// setting that enables it.
	BotLambda BotLambda
	// PhoneDelay is how long a phone number order stays Processing, and
	// a calling-name update in progress, as a carrier would take.
	PhoneDelay time.Duration
	// PhoneOrders, when set, is the worker that fills phone number
	// orders, woken when an order is due at once.
	PhoneOrders Kicker
	// BotEvents, when set, is told when bot events are queued, so that
	// they are delivered at once.
	BotEvents Kicker

	secrets secretCache
	// webhooks caches the webhooks that posts read (webhookcache.go).
	webhooks webhookCache
}

// Ping reports whether the store can serve requests, for readiness checks.
func (s *Service) Ping(ctx context.Context) error { return s.Store.Ping(ctx) }

// Now is the service's time, from its Clock, in UTC: the adapters stamp
// what they record with it (audit events, sessions), so that one clock,
// which tests move, tells every time the service compares.
func (s *Service) Now() time.Time { return s.now() }

func (s *Service) now() time.Time {
	if s.Clock != nil {
		return s.Clock().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) newID() string {
	if s.NewID != nil {
		return s.NewID()
	}
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.NewString()
	}
	return id.String()
}
