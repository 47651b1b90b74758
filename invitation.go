package belfry

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Invitations configures how invitations travel: their links, their
// e-mail, and how long InviteUsers waits for it to be delivered.
type Invitations struct {
	// PublicURL is where invitees reach Belfry; accept links start with it.
	PublicURL string
	// TTL is how long an accept link works; zero means DefaultInviteTTL.
	TTL time.Duration
	// ReplyTo is who invitees' replies go to; empty means the sender.
	ReplyTo string
	// Composer writes the e-mail; nil means no e-mail is queued.
	Composer Composer
	// Mailer delivers queued e-mail; nil means none is configured, and the
	// queued messages wait for an operator to hand their links out.
	Mailer Mailer
	// Wait bounds how long InviteUsers waits for delivery; zero means
	// DefaultInviteWait.
	Wait time.Duration
}

// The invitation defaults.
const (
	DefaultInviteTTL  = 7 * 24 * time.Hour
	DefaultInviteWait = 2 * time.Second
)

// The reasons an invitation cannot be accepted, each wrapped in an *Error.
// ErrInviteUsed is a link whose user has accepted (this or another
// invitation); ErrInviteClosed one that was never accepted and no longer can
// be, because its user was suspended or its invitation failed.
var (
	ErrInviteUnknown = errors.New("invitation link unknown")
	ErrInviteExpired = errors.New("invitation link expired")
	ErrInviteUsed    = errors.New("invitation link already used")
	ErrInviteClosed  = errors.New("invitation link can no longer be accepted")
)

func (s *Service) inviteTTL() time.Duration {
	return orDefault(s.Invitations.TTL, DefaultInviteTTL)
}

// InviteTokenHash is how an accept link's token is stored and looked up.
func InviteTokenHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// composeInvite gives item's invite an unguessable token and queues the
// e-mail that carries its link.
func (s *Service) composeInvite(a *Account, item *InviteItem) error {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	inv := item.Invite
	inv.TokenHash = InviteTokenHash(token)
	if s.Invitations.Composer == nil {
		return nil
	}
	link := strings.TrimSuffix(s.Invitations.PublicURL, "/") + "/invitations/" + url.PathEscape(token)
	subject, text, html, err := s.Invitations.Composer.ComposeInvite(InviteEmail{
		AccountName: a.Name, To: item.Email, ReplyTo: s.Invitations.ReplyTo, Link: link, Expires: inv.Expires,
	})
	if err != nil {
		return fmt.Errorf("composing the invitation to %s: %w", item.Email, err)
	}
	item.Mail = &Mail{
		ID: s.newID(), InviteID: inv.ID, AccountID: a.ID, To: item.Email, ReplyTo: s.Invitations.ReplyTo,
		Subject: subject, Text: text, HTML: html, Link: link, MessageID: s.newID() + "@" + s.messageIDDomain(),
		Status: MailQueued, NextAttempt: inv.Created, Created: inv.Created, Expires: inv.Expires,
	}
	return nil
}

// messageIDDomain is the right side of the Message-IDs of invitation
// e-mail: a fully qualified domain (RFC 5322 §3.6.4), the host invitees
// reach Belfry at, or the reserved belfry.invalid when that is no domain
// name (unset, localhost, an IP address).
func (s *Service) messageIDDomain() string {
	u, err := url.Parse(s.Invitations.PublicURL)
	if err != nil {
		return "belfry.invalid"
	}
	if _, err := netip.ParseAddr(u.Hostname()); err == nil {
		return "belfry.invalid"
	}
	d, err := NormalizeDomain(u.Hostname())
	if err != nil {
		return "belfry.invalid"
	}
	return d
}

// awaitDelivery waits, at most the configured bound, until every queued
// e-mail of items has had its chance, then sets each invite's EmailStatus
// (and Status, for a permanent refusal) to the truth (DECISIONS.md). It does
// not wait at all when no mail server is configured or the mail server is
// struggling, so a slow mail server never slows InviteUsers down.
func (s *Service) awaitDelivery(ctx context.Context, items []*InviteItem) {
	m := s.Invitations.Mailer
	ids := make([]string, 0, len(items))
	byID := make(map[string]*Invite, len(items))
	for _, item := range items {
		if item.Mail != nil {
			ids = append(ids, item.Mail.ID)
			byID[item.Mail.ID] = item.Invite
		}
	}
	if m == nil || len(ids) == 0 {
		return
	}
	healthy := m.Healthy()
	m.Kick()
	if !healthy {
		return
	}
	deadline := time.NewTimer(orDefault(s.Invitations.Wait, DefaultInviteWait))
	defer deadline.Stop()
	for {
		changed := m.Changed()
		mails, err := s.Mails(ctx, ids)
		if err != nil {
			return
		}
		settled := 0
		for _, mail := range mails {
			applyMailStatus(byID[mail.ID], mail)
			if mail.Settled() {
				settled++
			}
		}
		// A worker that falls behind while the call waits will not
		// deliver in time: stop waiting rather than slow the call down.
		if settled == len(ids) || !m.Healthy() {
			return
		}
		select {
		case <-changed:
		case <-time.After(50 * time.Millisecond): // another replica may deliver
		case <-deadline.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

func applyMailStatus(inv *Invite, m *Mail) {
	switch m.Status {
	case MailSent:
		inv.EmailStatus = EmailSent
	case MailFailed:
		inv.EmailStatus, inv.Status = EmailFailed, InviteFailed
	}
}

// Invitation is what an accept page shows about a link.
type Invitation struct {
	Invite  *Invite
	User    *User
	Account *Account
}

// InvitationByToken finds the invitation an accept link names, and answers
// why it cannot be accepted when it cannot: unknown (or forged), expired,
// already accepted, or closed (its user suspended, its invitation failed).
func (s *Service) InvitationByToken(ctx context.Context, token string) (*Invitation, error) {
	inv, u, err := s.Store.InviteByToken(ctx, InviteTokenHash(token))
	if ErrorKind(err) == NotFound {
		return nil, &Error{Kind: NotFound, Message: "this invitation link is not valid", Err: ErrInviteUnknown}
	}
	if err != nil {
		return nil, err
	}
	a, err := s.Store.Account(ctx, "", inv.AccountID)
	if ErrorKind(err) == NotFound {
		return nil, &Error{Kind: NotFound, Message: "the account of this invitation no longer exists", Err: ErrInviteUnknown}
	}
	if err != nil {
		return nil, err
	}
	in := &Invitation{Invite: inv, User: u, Account: a}
	switch {
	case inv.Status == InviteAccepted || u.Registration == Registered:
		return in, &Error{Kind: Conflict, Message: "this invitation was already accepted", Err: ErrInviteUsed}
	case inv.Status != InvitePending || u.Registration != Unregistered:
		return in, &Error{Kind: Conflict, Message: "this invitation can no longer be accepted", Err: ErrInviteClosed}
	case !s.now().Before(inv.Expires):
		return in, &Error{Kind: Unprocessable, Message: "this invitation link has expired", Err: ErrInviteExpired}
	}
	return in, nil
}

// AcceptInvitation registers the invitee of an accept link under the name
// others will see: Registered and Accepted, with RegisteredOn and a new
// PersonalPIN. The link works once.
func (s *Service) AcceptInvitation(ctx context.Context, token, displayName string) (*User, error) {
	in, err := s.InvitationByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := CheckName("the name others will see", displayName); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(displayName)
	if name == "" || len([]rune(name)) > 100 {
		return nil, Errorf(BadRequest, "the name others will see must be 1 to 100 characters")
	}
	AuditNote(ctx, in.User.AccountID, "invitation accepted by "+in.User.Email, in.User.ID, in.Invite.ID)
	u := *in.User
	u.DisplayName, u.Registration, u.Invitation, u.RegisteredOn = name, Registered, InviteAccepted, s.now()
	for attempt := 0; ; attempt++ {
		u.PersonalPIN = NewPersonalPIN()
		err = s.Store.AcceptInvite(ctx, in.Invite.ID, &u)
		if !errors.Is(err, ErrPINTaken) || attempt == 5 {
			break
		}
	}
	if errors.Is(err, ErrInviteUsed) {
		// Another request changed the invitation or its user meanwhile
		// (accepted it, suspended the user): say which.
		if _, why := s.InvitationByToken(ctx, token); why != nil {
			return nil, why
		}
	}
	if err != nil {
		return nil, err
	}
	return &u, nil
}
