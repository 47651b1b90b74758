package belfry

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// AlexaForBusiness is a user's Alexa for Business metadata. Belfry stores and
// returns it; there is no Alexa for Business behind it.
type AlexaForBusiness struct {
	Enabled bool
	RoomARN string
}

// SessionValid reports whether a session on Belfry's own pages, issued to u
// at issued, still holds. LogoutUser ends every session issued at or before
// SessionsRevoked, and a suspended user has no sessions (chime-behaviour.md
// §3.2: suspended EnterpriseLWA users are signed out and cannot sign in).
// The pages should issue sessions with sub-second times: one issued in the
// same instant as a logout counts as ended.
func (u *User) SessionValid(issued time.Time) bool {
	if u.Registration == Suspended {
		return false
	}
	return u.SessionsRevoked.IsZero() || issued.After(u.SessionsRevoked)
}

// UserChange is one user's part of an UpdateUsers call. The service sets ID
// and Apply; the store sets User or Err.
type UserChange struct {
	ID string
	// Apply changes the user as the operation asks, or says why it
	// cannot. It runs inside the store's transaction, on the user as
	// stored.
	Apply func(u *User) error
	User  *User
	Err   error
}

// Plan decides, inside the store's transaction, what the change does to
// u, the user as stored (nil when account accountID has no user c.ID): it
// reports whether the store writes u, changed, and whether the user's
// queued jobs end with the change (EndsUserJobs). A change that cannot be
// made leaves its reason in c.Err and nothing to write.
func (c *UserChange) Plan(accountID string, u *User) (write, endJobs bool) {
	if u == nil {
		c.Err = Errorf(NotFound, "user %s not found in account %s", c.ID, accountID)
		return false, false
	}
	was := u.Registration
	if err := c.Apply(u); err != nil {
		c.Err = err
		return false, false
	}
	return true, EndsUserJobs(was, u.Registration)
}

// UserError is why one item of a batch call failed; the batch went on.
type UserError struct {
	UserID string
	Err    error
}

// errUnchanged is what a rule answers for a user it leaves as is without
// fault, such as unsuspending a user who is not suspended: the store writes
// nothing and the batch reports nothing.
var errUnchanged = errors.New("unchanged")

// UpdateUserInput is what UpdateUser may change; zero fields stay.
type UpdateUserInput struct {
	License      License
	Type         UserType
	AlexaEnabled *bool
	AlexaRoomARN *string
}

// UpdateUserItem is one item of BatchUpdateUser.
type UpdateUserItem struct {
	UserID string
	UpdateUserInput
}

// UpdateUser changes a user's license, type or Alexa for Business metadata.
// The license must be one the account supports (chime-behaviour.md §3.2).
func (s *Service) UpdateUser(ctx context.Context, accountID, userID string, in UpdateUserInput) (*User, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if in.License != "" {
		if err := supported(a, in.License); err != nil {
			return nil, err
		}
	}
	AuditNote(ctx, a.ID, "updated the user", userID)
	return s.updateUser(ctx, a.ID, userID, func(u *User) error {
		u.License = orDefault(in.License, u.License)
		u.Type = orDefault(in.Type, u.Type)
		if in.AlexaEnabled != nil {
			u.AlexaForBusiness.Enabled = *in.AlexaEnabled
		}
		if in.AlexaRoomARN != nil {
			u.AlexaForBusiness.RoomARN = *in.AlexaRoomARN
		}
		AuditNote(ctx, "", fmt.Sprintf("updated user %s: license %s, type %s", u.Email, u.License, u.Type), u.ID)
		return nil
	})
}

// BatchUpdateUser changes the licenses of up to 20 users. Only LicenseType
// may change in a batch (chime-behaviour.md §3.2); an item that asks for
// more, or for a license the account does not support, fails alone.
func (s *Service) BatchUpdateUser(ctx context.Context, accountID string, items []UpdateUserItem) ([]UserError, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.UserID
	}
	AuditNote(ctx, a.ID, fmt.Sprintf("changed the licenses of users (%d asked)", len(items)))
	return s.batch(ctx, a, ids, func(i int, u *User) error {
		in := items[i].UpdateUserInput
		switch {
		case in.Type != "" || in.AlexaEnabled != nil || in.AlexaRoomARN != nil:
			return Errorf(BadRequest, "BatchUpdateUser changes LicenseType only; change UserType and AlexaForBusinessMetadata with UpdateUser")
		case in.License == "":
			return Errorf(BadRequest, "LicenseType is required in each item of BatchUpdateUser")
		}
		if err := supported(a, in.License); err != nil {
			return err
		}
		u.License = in.License
		return nil
	})
}

// BatchSuspendUser suspends up to 50 users. A suspended Team user regains
// the account when invited again; a suspended EnterpriseLWA user is signed
// out and cannot sign in until BatchUnsuspendUser. EnterpriseDirectory and
// EnterpriseOIDC users are suspended in their directory, not through the
// API (chime-behaviour.md §3.2), so each fails with BadRequest; the call
// still answers 200, as scripts that tear accounts down expect.
func (s *Service) BatchSuspendUser(ctx context.Context, accountID string, ids []string) ([]UserError, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	AuditNote(ctx, a.ID, fmt.Sprintf("suspended users (%d asked)", len(ids)))
	errs, err := s.batch(ctx, a, ids, func(_ int, u *User) error {
		switch {
		case a.Type != Team && a.Type != EnterpriseLWA:
			return Errorf(BadRequest, "users of %s account %s are suspended in its directory, not through the API", a.Type, a.ID)
		case u.Registration == Suspended:
			return errUnchanged
		}
		u.Registration = Suspended
		return nil
	})
	if err == nil {
		s.standingChanged(ctx, a.ID, Thread{}, "")
	}
	return errs, err
}

// BatchUnsuspendUser restores suspended users of an EnterpriseLWA account to
// Registered, or, for an invitee who never accepted, to Unregistered with
// its invitation Pending; users who are not suspended are silently ignored
// (chime-behaviour.md §3.2). A suspended user whose domain the account no
// longer claims cannot come back until an operator claims it again.
func (s *Service) BatchUnsuspendUser(ctx context.Context, accountID string, ids []string) ([]UserError, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	AuditNote(ctx, a.ID, fmt.Sprintf("unsuspended users (%d asked)", len(ids)))
	return s.batch(ctx, a, ids, func(_ int, u *User) error {
		switch {
		case u.Registration != Suspended:
			return errUnchanged
		case a.Type == Team:
			return Errorf(BadRequest, "a Team account lifts a suspension by inviting the user again with InviteUsers")
		case a.Type != EnterpriseLWA:
			return Errorf(BadRequest, "users of %s account %s are restored in its directory, not through the API", a.Type, a.ID)
		case !a.HasDomain(u.Email):
			return Errorf(BadRequest, "the domain of user %s's address, %s, is no longer claimed by account %s; an operator must claim it again first", u.ID, EmailDomain(u.Email), a.ID)
		case u.RegisteredOn.IsZero():
			// An invitee suspended before accepting (a domain release
			// suspends invitees too) was never registered: it goes back
			// to waiting for its invitation.
			u.Registration, u.Invitation = Unregistered, InvitePending
			return nil
		}
		u.Registration = Registered
		return nil
	})
}

// batch applies rule to the users ids names, in one store call, and reports
// the items that failed, in request order. A user that rule leaves as is
// (errUnchanged) is neither an error nor a change in the audit log.
func (s *Service) batch(ctx context.Context, a *Account, ids []string, rule func(i int, u *User) error) ([]UserError, error) {
	changes := make([]*UserChange, len(ids))
	for i, id := range ids {
		changes[i] = &UserChange{ID: id, Apply: func(u *User) error {
			if err := rule(i, u); err != nil {
				return err
			}
			auditAdd(ctx, u.ID)
			return nil
		}}
	}
	if err := s.Store.UpdateUsers(ctx, a.ID, changes); err != nil {
		return nil, err
	}
	failed := []UserError{}
	for _, c := range changes {
		if c.Err != nil && !errors.Is(c.Err, errUnchanged) {
			failed = append(failed, UserError{UserID: c.ID, Err: c.Err})
		}
	}
	return failed, nil
}

// LogoutUser signs a user out of every session on Belfry's pages, without
// suspending them (chime-behaviour.md §3.2): sessions issued until now are
// over (User.SessionValid).
func (s *Service) LogoutUser(ctx context.Context, accountID, userID string) error {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return err
	}
	now := s.now()
	AuditNote(ctx, a.ID, "signed the user out of every session", userID)
	_, err = s.updateUser(ctx, a.ID, userID, func(u *User) error {
		u.SessionsRevoked = now
		return nil
	})
	if err == nil {
		s.standingChanged(ctx, a.ID, Thread{}, userID)
	}
	return err
}

// ResetPersonalPIN gives a user a new random 10-digit personal meeting PIN,
// different from the old one and from every other user's, and returns the
// user with it (chime-behaviour.md §3.2). The old PIN stops working. A user
// who never registered (a pending invitee) has no PIN until it accepts its
// invitation: BadRequest.
func (s *Service) ResetPersonalPIN(ctx context.Context, accountID, userID string) (*User, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		pin := NewPersonalPIN()
		AuditNote(ctx, a.ID, "reset the personal PIN", userID)
		u, err := s.updateUser(ctx, a.ID, userID, func(u *User) error {
			if u.Registration == Unregistered || u.RegisteredOn.IsZero() {
				return Errorf(BadRequest, "user %s has not accepted its invitation, so it has no personal PIN to reset; it is given one when it accepts", u.ID)
			}
			if u.PersonalPIN == pin {
				return &Error{Kind: Conflict, Message: "the new personal PIN is the old one", Err: ErrPINTaken}
			}
			u.PersonalPIN = pin
			return nil
		})
		if !errors.Is(err, ErrPINTaken) || attempt == 5 {
			return u, err
		}
	}
}

// updateUser applies one change to one user and returns the user as stored.
func (s *Service) updateUser(ctx context.Context, accountID, userID string, apply func(*User) error) (*User, error) {
	c := &UserChange{ID: userID, Apply: apply}
	if err := s.Store.UpdateUsers(ctx, accountID, []*UserChange{c}); err != nil {
		return nil, err
	}
	if c.Err != nil {
		return nil, c.Err
	}
	return c.User, nil
}
