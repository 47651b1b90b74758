package belfry

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/url"
	"strings"
	"time"
)

// SignInTTL is how long a sign-in link works (DECISIONS.md, "Members'
// sign-in").
const SignInTTL = 15 * time.Minute

// SignIn is a single-use sign-in link issued to a registered user. Only
// its token's hash is kept.
type SignIn struct {
	ID        string
	AccountID string
	UserID    string
	TokenHash []byte
	Created   time.Time
	Expires   time.Time
}

// SignInStore keeps sign-in links.
type SignInStore interface {
	// ListUsersByEmail returns the users, of every live account, whose
	// address has key emailKey (EmailKey).
	ListUsersByEmail(ctx context.Context, emailKey string) ([]*User, error)
	// CreateSignIn stores si and queues mail, the e-mail that carries its
	// link, in one transaction.
	CreateSignIn(ctx context.Context, si *SignIn, mail *Job) error
	// UseSignIn marks the sign-in whose token has hash tokenHash used, at
	// now, and returns it: NotFound when there is none that is unused and
	// unexpired at now. Two uses at once find it once.
	UseSignIn(ctx context.Context, tokenHash []byte, now time.Time) (*SignIn, error)
}

// RequestSignIn e-mails a sign-in link to each registered user with
// address email, one per account they are in. It answers the same whether
// or not there is such a user, so that the page that asks reveals nothing
// of who has an account.
func (s *Service) RequestSignIn(ctx context.Context, email string) error {
	if !ValidText(email) || !strings.Contains(email, "@") || len(email) > 320 {
		return nil
	}
	users, err := s.Store.ListUsersByEmail(ctx, EmailKey(email))
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Registration != Registered {
			continue
		}
		si, mail, err := s.composeSignIn(u)
		if err != nil {
			return err
		}
		if err := s.Store.CreateSignIn(ctx, si, mail); err != nil {
			return err
		}
	}
	return nil
}

// composeSignIn makes u's sign-in link and the e-mail that carries it.
func (s *Service) composeSignIn(u *User) (*SignIn, *Job, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, nil, err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	now := s.now()
	si := &SignIn{ID: s.newID(), AccountID: u.AccountID, UserID: u.ID, TokenHash: InviteTokenHash(token),
		Created: now, Expires: now.Add(SignInTTL)}
	link := strings.TrimSuffix(s.Invitations.PublicURL, "/") + "/signin/" + url.PathEscape(token)
	m := &Mail{
		ID: s.newID(), AccountID: u.AccountID, UserID: u.ID, To: u.Email, ReplyTo: s.Invitations.ReplyTo,
		Subject: "Your Belfry sign-in link",
		Text: "Open this link to sign in to Belfry. It works once, for 15 minutes:\n\n" + link +
			"\n\nIf you did not ask to sign in, ignore this e-mail.\n",
		Link: link, MessageID: s.newID() + "@" + s.messageIDDomain(),
		Status: MailQueued, NextAttempt: now, Created: now, Expires: si.Expires,
	}
	j := m.Job()
	j.Kind, j.Ref = KindSignIn, si.ID
	return si, j, nil
}

// SignInWithLink uses the sign-in link with token, once, and returns its
// user, who must still be registered: Unauthorized otherwise, the same for
// a link unknown, used, expired or of a user since suspended.
func (s *Service) SignInWithLink(ctx context.Context, token string) (*User, error) {
	refused := Errorf(Unauthorized, "this sign-in link is not valid: it was used, it expired, or it was never issued")
	si, err := s.Store.UseSignIn(ctx, InviteTokenHash(token), s.now())
	if ErrorKind(err) == NotFound {
		return nil, refused
	}
	if err != nil {
		return nil, err
	}
	u, err := s.Store.User(ctx, si.AccountID, si.UserID)
	if ErrorKind(err) == NotFound || err == nil && u.Registration != Registered {
		return nil, refused
	}
	return u, err
}
