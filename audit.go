package belfry

import (
	"context"
	"strings"
	"time"
)

// AuditEvent is one recorded state change: who made it (the AWS account,
// access key and caller ARN that signed the request), from which address,
// when, by which operation, in which Chime account, and what it touched.
// Chime administrators read this from CloudTrail; Belfry keeps it itself.
//
// The transport makes an event for each request that may change state and
// puts it in the request's context (WithAudit); the service fills in what
// the change was (AuditNote); the store records the event in the same
// transaction as the change, so that a change is never without its record
// and a record never without its change.
type AuditEvent struct {
	// Seq numbers recorded events in the order they were recorded. A store
	// sets it when it records the event, and records an event only once.
	Seq          int64
	Time         time.Time
	AwsAccountID string
	AccessKeyID  string
	CallerARN    string
	SourceIP     string
	RequestID    string
	Operation    string
	// AccountID is the Chime account the change was made in, when there
	// is one.
	AccountID string
	// Resources names what the change touched: account, user, invite,
	// room or key IDs, or domains.
	Resources []string
	Summary   string
}

type auditKey struct{}

// WithAudit returns a context that carries ev, for the store to record with
// the change the request makes.
func WithAudit(ctx context.Context, ev *AuditEvent) context.Context {
	return context.WithValue(ctx, auditKey{}, ev)
}

// AuditFrom returns the audit event ctx carries, or nil.
func AuditFrom(ctx context.Context) *AuditEvent {
	ev, _ := ctx.Value(auditKey{}).(*AuditEvent)
	return ev
}

// AuditNote says, in the audit event ctx carries (if any), what the change
// is: its Chime account (when accountID is not empty), a summary and the
// resources it touches. It replaces what an earlier note said, so that a
// call retried after a failed attempt records only what finally happened.
func AuditNote(ctx context.Context, accountID, summary string, resources ...string) {
	ev := AuditFrom(ctx)
	if ev == nil {
		return
	}
	if accountID != "" {
		ev.AccountID = accountID
	}
	ev.Summary = summary
	ev.Resources = resources
}

// auditAdd adds a resource to the audit event ctx carries, for batch calls
// that learn item by item, inside the store's transaction, what changed.
func auditAdd(ctx context.Context, resource string) {
	if ev := AuditFrom(ctx); ev != nil {
		ev.Resources = append(ev.Resources, resource)
	}
}

// MaxAuditPage is the most events one AuditEvents call returns.
const MaxAuditPage = 1000

// AuditFilter narrows AuditEvents. Zero values do not narrow.
type AuditFilter struct {
	// Since keeps events recorded at or after this time.
	Since time.Time
	// AccountID keeps events of one Chime account.
	AccountID string
	// After keeps events whose Seq is greater, to page through the log.
	After int64
	// Limit is the most events to return: no limit for a store when 0;
	// the service asks for at most MaxAuditPage.
	Limit int
}

// AuditStore reads the audit log. Every Store method that changes state
// records, in the same transaction as the change, the AuditEvent that its
// context carries, unless the event has been recorded already (its Seq is
// set); a method that fails records nothing.
type AuditStore interface {
	// AuditEvents returns the recorded events that match f, oldest first.
	AuditEvents(ctx context.Context, f AuditFilter) ([]*AuditEvent, error)
}

// AuditEvents returns a page of the audit log for the operator.
func (s *Service) AuditEvents(ctx context.Context, f AuditFilter) ([]*AuditEvent, error) {
	if f.Limit <= 0 || f.Limit > MaxAuditPage {
		f.Limit = MaxAuditPage
	}
	return s.Store.AuditEvents(ctx, f)
}

// noteInvites notes an InviteUsers call: its invites and their addresses.
func noteInvites(ctx context.Context, a *Account, items []*InviteItem) {
	if AuditFrom(ctx) == nil {
		return
	}
	ids, emails := make([]string, len(items)), make([]string, len(items))
	for i, item := range items {
		ids[i], emails[i] = item.Invite.ID, item.Email
	}
	AuditNote(ctx, a.ID, "invited "+strings.Join(emails, ", "), ids...)
}

// noteRoom notes a CreateRoom call. A call replayed with a client request
// token already used changes nothing, but is recorded as the call it is,
// naming the token that ties it to the room made first.
func noteRoom(ctx context.Context, r *Room) {
	summary := "created room " + r.Name
	if r.ClientToken != "" {
		summary += " (client request token " + r.ClientToken + ")"
	}
	AuditNote(ctx, r.AccountID, summary, r.ID)
}
