package belfry

import (
	"context"
	"strings"
	"time"
)

// EmailStatus is where an invitation's e-mail stands.
type EmailStatus string

// The e-mail statuses.
const (
	EmailNotSent EmailStatus = "NotSent"
	EmailSent    EmailStatus = "Sent"
	EmailFailed  EmailStatus = "Failed"
)

// Invite is one invitation of one address to a Team account.
type Invite struct {
	ID          string
	AccountID   string
	UserID      string
	Email       string
	Status      InviteStatus
	EmailStatus EmailStatus
	Created     time.Time
	// TokenHash is the SHA-256 of the accept link's token: the token itself
	// is stored nowhere but in the undelivered e-mail.
	TokenHash []byte
	Expires   time.Time
	Accepted  time.Time
}

// InviteAction is what inviting an address does to the account's users.
type InviteAction uint8

// The invite actions.
const (
	// InviteNewUser adds Item.User as a new user.
	InviteNewUser InviteAction = iota
	// InviteExistingUser updates the existing user to Item.User's state.
	InviteExistingUser
	// InviteRefused changes no user; the invite is recorded as failed.
	InviteRefused
	// InviteNotMade changes no user and records nothing: the address may
	// not be invited at all, since another account has claimed its domain.
	InviteNotMade
)

// InviteItem is one address of an InviteUsers call. The service fills
// Email, Key, a candidate User and Invite; the store reads the existing user
// and whether another account claims the address's domain, and calls
// PlanInvite, which settles User, Invite and Action.
type InviteItem struct {
	Email  string
	Key    string
	User   *User
	Invite *Invite
	// Mail is the invitation e-mail to queue with the invite, nil when
	// Belfry has no way to compose one; a refused item queues none.
	Mail *Mail
	// ClaimedElsewhere, set by the store in the transaction, says that
	// another account has claimed the domain of the address (Domain), which
	// may then not be invited (chime-behaviour.md §3.2).
	ClaimedElsewhere bool
	Action           InviteAction
}

// Domain returns the domain of the item's address in NormalizeDomain form,
// as the store keeps claimed domains.
func (item *InviteItem) Domain() string {
	return item.Key[strings.LastIndexByte(item.Key, '@')+1:]
}

// PlanInvite decides what inviting item's address does, given the account's
// user with that address (nil when there is none), as DECISIONS.md lists:
// an address whose domain another account has claimed is not invited at
// all (chime-behaviour.md §3.2: any domain not claimed by another
// organisation may be invited); a new address gets a new pending user; a
// pending or suspended user gets a fresh invitation (which, in a Team
// account, lifts a suspension, and gives back the license the suspension
// took: the account's DefaultLicense); a registered user's invite fails and
// nothing is sent. A failed invite answers Status Failed, EmailStatus
// NotSent.
func PlanInvite(existing *User, item *InviteItem) {
	switch {
	case item.ClaimedElsewhere:
		item.Action = InviteNotMade
		refuse(existing, item)
	case existing == nil:
		item.Action = InviteNewUser
	case existing.Registration == Registered:
		item.Action = InviteRefused
		refuse(existing, item)
	default:
		item.Action = InviteExistingUser
		u := *existing
		if u.Registration == Suspended {
			u.License = item.User.License
		}
		u.Registration = Unregistered
		u.Invitation = InvitePending
		u.InvitedOn = item.User.InvitedOn
		u.Type = item.User.Type
		item.User = &u
	}
	item.Invite.UserID = ""
	if item.User != nil {
		item.Invite.UserID = item.User.ID
	}
	if item.Mail != nil {
		item.Mail.UserID = item.Invite.UserID
	}
}

// refuse settles item as an invitation that fails: no e-mail, no link, and
// the user, if any, as it is.
func refuse(existing *User, item *InviteItem) {
	inv := item.Invite
	item.User, item.Mail = existing, nil
	inv.Status, inv.EmailStatus, inv.TokenHash = InviteFailed, EmailNotSent, nil
}

// InviteUsers invites addresses to a Team account, one Invite per address in
// request order. One address's trouble never fails the whole call, and an
// address given twice answers its first Invite. Each new invite's e-mail is
// queued in the same transaction, then InviteUsers waits a bounded time for
// delivery so that EmailStatus tells the truth at response time.
func (s *Service) InviteUsers(ctx context.Context, accountID string, emails []string, t UserType) ([]*Invite, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if a.Type != Team {
		return nil, Errorf(BadRequest, "InviteUsers needs a Team account; account %s is %s: add its users with CreateUser", a.ID, a.Type)
	}
	items, answer, err := s.planInvites(a, emails, t)
	if err != nil {
		return nil, err
	}
	noteInvites(ctx, a, items)
	if err := s.Store.InviteUsers(ctx, a.ID, items); err != nil {
		return nil, err
	}
	s.awaitDelivery(ctx, items)
	invites := make([]*Invite, len(answer))
	for i, item := range answer {
		invites[i] = item.Invite
	}
	return invites, nil
}

// planInvites makes one item per distinct address, with its candidate user,
// invite and e-mail, and the item that answers each address of the call.
func (s *Service) planInvites(a *Account, emails []string, t UserType) (items, answer []*InviteItem, err error) {
	now := s.now()
	items = make([]*InviteItem, 0, len(emails))
	answer = make([]*InviteItem, len(emails))
	byKey := make(map[string]*InviteItem, len(emails))
	for i, e := range emails {
		e = strings.TrimSpace(e)
		if !ValidEmail(e) {
			// By its place: the model marks addresses sensitive.
			return nil, nil, Errorf(BadRequest, "UserEmailList[%d] is not a valid e-mail address", i)
		}
		key := EmailKey(e)
		if first, ok := byKey[key]; ok {
			answer[i] = first
			continue
		}
		item := &InviteItem{
			Email: e,
			Key:   key,
			User: &User{
				ID: s.newID(), AccountID: a.ID, Email: e, License: a.DefaultLicense,
				Type: orDefault(t, PrivateUser), Registration: Unregistered,
				Invitation: InvitePending, InvitedOn: now,
			},
			Invite: &Invite{
				ID: s.newID(), AccountID: a.ID, Email: e, Status: InvitePending,
				EmailStatus: EmailNotSent, Created: now, Expires: now.Add(s.inviteTTL()),
			},
		}
		if err := s.composeInvite(a, item); err != nil {
			return nil, nil, err
		}
		byKey[key], answer[i] = item, item
		items = append(items, item)
	}
	return items, answer, nil
}
