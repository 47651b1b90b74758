// Package belfry is the domain of Belfry, a self-hosted server for the Amazon
// Chime administration API: accounts, users, invitations, rooms and room
// memberships, the rules that govern them, and the store they need. It knows
// nothing of HTTP, SQL or the AWS wire format; the adapters in its
// subpackages do.
package belfry

import (
	"context"
	"time"
)

// Caller is who signed a request: an access key of an AWS account.
type Caller struct {
	AwsAccountID string
	AccessKeyID  string
	// ARN names the caller in CreatedBy and InvitedBy fields.
	ARN string
}

type callerKey struct{}

// WithCaller returns a context that carries c.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the caller that ctx carries, and whether there is one.
func CallerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok
}

func callerOf(ctx context.Context) (Caller, error) {
	c, ok := CallerFrom(ctx)
	if !ok || c.AwsAccountID == "" {
		return Caller{}, Errorf(Unauthorized, "the request carries no caller")
	}
	return c, nil
}

// Page asks a store for one page of a listing in creation order: the items
// created after the one with sequence number After, at most Limit of them.
type Page struct {
	After int64
	Limit int
}

// Clock tells the time. Tests inject their own.
type Clock func() time.Time
