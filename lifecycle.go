package belfry

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// DeletedAccountRetention is how long a deleted account's data is kept for
// an operator to restore before it is purged, as Chime kept deleted
// accounts in its "Disabled accounts" list (chime-behaviour.md §3.1).
const DeletedAccountRetention = 90 * 24 * time.Hour

// LifecycleStore changes accounts and users after they are made: updates,
// suspensions, deletion, restoration, purging and domain releases. Each
// method runs in one transaction.
type LifecycleStore interface {
	// UpdateAccount reads the live account id of AWS account awsAccountID
	// (any AWS account when empty), lets apply change it, and stores its
	// Name, DefaultLicense, SupportedLicenses, Status and SigninDelegates.
	// It returns NotFound when there is no such account, and apply's error,
	// changing nothing, when apply fails.
	UpdateAccount(ctx context.Context, awsAccountID, id string, apply func(*Account) error) (*Account, error)
	// DeleteAccount marks the live account id of AWS account awsAccountID
	// deleted at t, after calling check with the account and how many of
	// its users are not suspended, and cancels the account's queued mail,
	// scrubbing its accept links. It returns NotFound when there is no
	// such account, and check's error, changing nothing, when check fails.
	DeleteAccount(ctx context.Context, awsAccountID, id string, t time.Time, check func(a *Account, unsuspended int) error) error
	// RestoreAccount makes account id live again, as PlanRestore decides
	// from its deletion time and deletedSince, and returns it. It returns
	// NotFound when there is no such account, and PlanRestore's errors.
	RestoreAccount(ctx context.Context, id string, deletedSince time.Time) (*Account, error)
	// PurgeableAccounts returns the IDs of the accounts deleted before
	// deletedBefore, oldest deletion first.
	PurgeableAccounts(ctx context.Context, deletedBefore time.Time) ([]string, error)
	// PurgeAccount removes account id with everything in it: users,
	// invites, rooms, memberships and settings, once PlanPurge agrees from
	// its deletion time and deletedBefore. It returns NotFound when there
	// is no such account, and PlanPurge's error.
	PurgeAccount(ctx context.Context, id string, deletedBefore time.Time) error
	// DomainAccount returns the live account that holds domain (in
	// NormalizeDomain form), or NotFound.
	DomainAccount(ctx context.Context, domain string) (*Account, error)
	// ReleaseDomain takes domain from the live account accountID, as
	// PlanRelease decides from the account and its users whose e-mail is in
	// that domain, stores the registration of each user PlanRelease
	// suspends, and cancels the queued mail of the domain's users,
	// scrubbing its accept links. It returns the account as it is after,
	// and how many users it suspended; NotFound when there is no such live
	// account, and PlanRelease's error.
	ReleaseDomain(ctx context.Context, accountID, domain string) (*Account, int, error)
	// UpdateUsers applies a batch of changes to users of account accountID,
	// in order, so that a later change of the same user sees the earlier.
	// For each change it reads the user, lets Apply change it and stores
	// every field but ID, AccountID, Email and Seq; it sets the change's
	// User to the user as stored, or its Err to NotFound when the account
	// has no such user, or to Apply's error, leaving that user unchanged.
	// One change's failure never stops the others. A user that a change
	// suspends has its queued mail cancelled, and its accept links
	// scrubbed, in the same transaction. A failure of the store
	// itself, including a PersonalPIN in use (Conflict wrapping
	// ErrPINTaken), fails the whole call and changes nothing.
	UpdateUsers(ctx context.Context, accountID string, changes []*UserChange) error
}

// UpdateAccountInput is what UpdateAccount may change; empty fields stay.
type UpdateAccountInput struct {
	Name           string
	DefaultLicense License
}

// UpdateAccount renames an account or changes the license its new users get
// (chime-behaviour.md §3.1: only Name and DefaultLicense can change). The
// new default applies to users added later, not to those it has.
func (s *Service) UpdateAccount(ctx context.Context, id string, in UpdateAccountInput) (*Account, error) {
	if in.Name != "" {
		if err := CheckAccountName(in.Name); err != nil {
			return nil, err
		}
	}
	c, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(in.Name)
	AuditNote(ctx, id, "updated the account", id)
	return s.Store.UpdateAccount(ctx, c.AwsAccountID, id, func(a *Account) error {
		if in.DefaultLicense != "" {
			if err := supported(a, in.DefaultLicense); err != nil {
				return err
			}
			a.DefaultLicense = in.DefaultLicense
		}
		if name != "" {
			a.Name = name
		}
		AuditNote(ctx, "", fmt.Sprintf("updated account %q: default license %s", a.Name, a.DefaultLicense), a.ID)
		return nil
	})
}

// supported returns BadRequest unless the account supports license l.
func supported(a *Account, l License) error {
	if !slices.Contains(a.SupportedLicenses, l) {
		return Errorf(BadRequest, "license %s is not supported by account %s; its supported licenses are %s",
			l, a.ID, joinLicenses(a.SupportedLicenses))
	}
	return nil
}

func joinLicenses(ls []License) string {
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = string(l)
	}
	return strings.Join(s, ", ")
}

// DeleteAccount deletes an account whose preconditions hold (deletable). The
// account disappears from the API at once; its data stays for
// DeletedAccountRetention, for an operator to restore, and is then purged.
func (s *Service) DeleteAccount(ctx context.Context, id string) error {
	c, err := callerOf(ctx)
	if err != nil {
		return err
	}
	AuditNote(ctx, id, "deleted the account", id)
	err = s.Store.DeleteAccount(ctx, c.AwsAccountID, id, s.now(), func(a *Account, unsuspended int) error {
		AuditNote(ctx, "", fmt.Sprintf("deleted %s account %q", a.Type, a.Name), a.ID)
		return deletable(a, unsuspended)
	})
	if err == nil {
		s.standingChanged(ctx, id, Thread{}, "")
	}
	return err
}

// deletable answers the preconditions of DeleteAccount (chime-behaviour.md
// §3.1): a Team account's users must all be suspended first, and an
// Enterprise account's domains released, which suspends their users. The
// message says what to do, since 422 is where scripts learn it.
func deletable(a *Account, unsuspended int) error {
	switch {
	case a.Type.IsEnterprise() && len(a.Domains) > 0:
		return Errorf(Unprocessable, "account %s still holds the claimed domains %s: an operator must release them first "+
			"(belfry domain release DOMAIN), which suspends their users", a.ID, strings.Join(a.Domains, ", "))
	case a.Type == Team && unsuspended > 0:
		return Errorf(Unprocessable, "account %s still has %d users who are not suspended: suspend them with "+
			"BatchSuspendUser first, then delete the account", a.ID, unsuspended)
	}
	return nil
}

// RestoreAccount is the operator's act that brings back an account deleted
// less than DeletedAccountRetention ago; Chime left it to AWS Support.
func (s *Service) RestoreAccount(ctx context.Context, id string) (*Account, error) {
	AuditNote(ctx, id, "restored the account", id)
	return s.Store.RestoreAccount(ctx, id, s.now().Add(-DeletedAccountRetention))
}

// PurgeDeletedAccounts removes, with everything in them, the accounts
// deleted more than DeletedAccountRetention ago, each in its own
// transaction with its own audit event, and returns how many it removed.
// An account restored while it runs is left alone.
func (s *Service) PurgeDeletedAccounts(ctx context.Context) (int, error) {
	cutoff := s.now().Add(-DeletedAccountRetention)
	ids, err := s.Store.PurgeableAccounts(ctx, cutoff)
	if err != nil {
		return 0, err
	}
	purged := 0
	for _, id := range ids {
		ev := &AuditEvent{
			Time: s.now(), CallerARN: "belfry", Operation: "PurgeAccount", AccountID: id, Resources: []string{id},
			Summary: "purged the account, deleted more than 90 days before",
		}
		err := s.Store.PurgeAccount(WithAudit(ctx, ev), id, cutoff)
		switch {
		case ErrorKind(err) == NotFound:
			continue
		case err != nil:
			return purged, err
		}
		purged++
	}
	return purged, nil
}

// ReleaseDomain is the operator's act that gives up a claimed domain. The
// account's users of that domain are suspended (chime-behaviour.md §3.1); it
// returns the account as it is after and how many users were suspended.
func (s *Service) ReleaseDomain(ctx context.Context, domain string) (*Account, int, error) {
	d, err := NormalizeDomain(domain)
	if err != nil {
		return nil, 0, err
	}
	a, err := s.Store.DomainAccount(ctx, d)
	if err != nil {
		return nil, 0, err
	}
	AuditNote(ctx, a.ID, "released domain "+d+" and suspended its users", d)
	a, n, err := s.Store.ReleaseDomain(ctx, a.ID, d)
	if err == nil && n > 0 {
		s.standingChanged(ctx, a.ID, Thread{}, "")
	}
	return a, n, err
}

// PlanRestore decides whether account id, deleted at deleted (the zero time
// while it is live), may be restored, when those deleted before since are
// past restoring: Conflict for a live account, NotFound for one deleted too
// long ago, whose data may be purged at any moment. Both stores call it
// inside the restore's transaction.
func PlanRestore(id string, deleted, since time.Time) error {
	switch {
	case deleted.IsZero():
		return Errorf(Conflict, "account %s is not deleted", id)
	case deleted.Before(since):
		return Errorf(NotFound, "account %s was deleted on %s, too long ago to restore", id, deleted.Format(time.DateOnly))
	}
	return nil
}

// PlanPurge decides whether account id, deleted at deleted (the zero time
// while it is live), may be purged with everything in it: only when it was
// deleted before the cutoff before. An account restored, or deleted again,
// since the purge listed it is NotFound, so the purge passes it by. Both
// stores call it inside the purge's transaction.
func PlanPurge(id string, deleted, before time.Time) error {
	if deleted.IsZero() || !deleted.Before(before) {
		return Errorf(NotFound, "account %s is not due to be purged", id)
	}
	return nil
}

// PlanRelease decides what releasing domain from account a does to users,
// the account's users whose e-mail is in that domain: NotFound when a does
// not hold the domain; otherwise every one of them who is not suspended
// already is suspended, since they can no longer sign in through the
// domain (chime-behaviour.md §3.1). It marks them Suspended and returns
// them, for the store to save. Both stores call it inside the release's
// transaction.
func PlanRelease(a *Account, domain string, users []*User) ([]*User, error) {
	if !slices.Contains(a.Domains, domain) {
		return nil, Errorf(NotFound, "domain %s is not claimed by account %s", domain, a.ID)
	}
	var suspended []*User
	for _, u := range users {
		if u.Registration != Suspended && u.AccountID == a.ID && EmailDomain(u.Email) == domain {
			u.Registration = Suspended
			suspended = append(suspended, u)
		}
	}
	return suspended, nil
}
