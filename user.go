package belfry

import (
	"context"
	"crypto/rand"
	"errors"
	"math/big"
	"strings"
	"time"
)

// UserType is the kind of profile a user is.
type UserType string

// The user types.
const (
	PrivateUser  UserType = "PrivateUser"
	SharedDevice UserType = "SharedDevice"
)

// RegistrationStatus is where a user stands in registration.
type RegistrationStatus string

// The registration statuses.
const (
	Unregistered RegistrationStatus = "Unregistered"
	Registered   RegistrationStatus = "Registered"
	Suspended    RegistrationStatus = "Suspended"
)

// InviteStatus is where an invitation stands.
type InviteStatus string

// The invitation statuses.
const (
	InvitePending  InviteStatus = "Pending"
	InviteAccepted InviteStatus = "Accepted"
	InviteFailed   InviteStatus = "Failed"
)

// User is a person's profile in one Chime account.
type User struct {
	Seq          int64
	ID           string
	AccountID    string
	Email        string
	DisplayName  string
	License      License
	Type         UserType
	Registration RegistrationStatus
	Invitation   InviteStatus // empty for users that were never invited
	RegisteredOn time.Time
	InvitedOn    time.Time
	PersonalPIN  string
	PhoneNumber  string
	// SessionsRevoked ends the user's sessions on Belfry's pages that were
	// issued at or before it (LogoutUser; see SessionValid).
	SessionsRevoked  time.Time
	AlexaForBusiness AlexaForBusiness
}

// ErrPINTaken is the cause a store gives, inside a Conflict error, when a
// new PersonalPIN is already in use, so that the service can draw another.
var ErrPINTaken = errors.New("personal PIN already in use")

// UserFilter narrows ListUsers.
type UserFilter struct {
	EmailKey string
	Type     UserType
}

// UserStore keeps users and invitations.
type UserStore interface {
	// CreateUser stores a new user and sets its Seq. It returns Conflict
	// when the account already has a user with that e-mail key, wrapping
	// ErrPINTaken when the PIN is the clash.
	CreateUser(ctx context.Context, u *User) error
	// User returns user id of account accountID, or NotFound.
	User(ctx context.Context, accountID, id string) (*User, error)
	// ListUsers returns a page of the account's users that match f.
	ListUsers(ctx context.Context, accountID string, f UserFilter, p Page) ([]*User, error)
	// InviteUsers carries out a batch of invitations in one transaction:
	// for each item it reads the account's user with the item's e-mail key,
	// lets PlanInvite decide, and stores what it decided.
	InviteUsers(ctx context.Context, accountID string, items []*InviteItem) error
	// InviteByToken returns the invite whose token hashes to hash, with its
	// user, or NotFound.
	InviteByToken(ctx context.Context, hash []byte) (*Invite, *User, error)
	// AcceptInvite, in one transaction, marks invite id Accepted and stores
	// u's registration (Registration, Invitation, DisplayName, RegisteredOn,
	// PersonalPIN), provided the invite is still Pending and its user
	// Unregistered; else Conflict wrapping ErrInviteUsed. A PIN in use is a
	// Conflict wrapping ErrPINTaken. The user's undelivered invitation
	// e-mail is cancelled and scrubbed: its links can no longer be used.
	AcceptInvite(ctx context.Context, id string, u *User) error
}

func (s *Service) account(ctx context.Context, id string) (*Account, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.Account(ctx, c.AwsAccountID, id)
}

// CreateUserInput is what CreateUser needs.
type CreateUserInput struct {
	Username string
	Email    string
	Type     UserType
}

// CreateUser adds a registered user to an Enterprise account whose claimed
// domains include the address. On a Team account the real service answered
// BadRequest (chime-behaviour.md §3.2, boto/boto3#2384).
func (s *Service) CreateUser(ctx context.Context, accountID string, in CreateUserInput) (*User, error) {
	if err := CheckName("Username", in.Username); err != nil {
		return nil, err
	}
	a, err := s.account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if !a.Type.IsEnterprise() {
		return nil, Errorf(BadRequest, "CreateUser needs an Enterprise account; account %s is a Team account: use InviteUsers", a.ID)
	}
	email := strings.TrimSpace(in.Email)
	if email == "" {
		return nil, Errorf(BadRequest, "Email is required")
	}
	if !ValidEmail(email) {
		return nil, Errorf(BadRequest, "Email is not a valid e-mail address")
	}
	// The model marks addresses sensitive: errors name the domain only.
	if !a.HasDomain(email) {
		return nil, Errorf(BadRequest, "the domain of Email, %s, is not claimed by account %s (claimed: %s)",
			EmailDomain(email), a.ID, strings.Join(a.Domains, ", "))
	}
	name := strings.TrimSpace(in.Username)
	if name == "" {
		name = email[:strings.LastIndexByte(email, '@')]
	}
	now := s.now()
	u := &User{
		ID:           s.newID(),
		AccountID:    a.ID,
		Email:        email,
		DisplayName:  name,
		License:      a.DefaultLicense,
		Type:         orDefault(in.Type, PrivateUser),
		Registration: Registered,
		RegisteredOn: now,
	}
	AuditNote(ctx, a.ID, "created user "+email, u.ID)
	for attempt := 0; ; attempt++ {
		u.PersonalPIN = NewPersonalPIN()
		err := s.Store.CreateUser(ctx, u)
		if !errors.Is(err, ErrPINTaken) || attempt == 5 {
			return u, err
		}
	}
}

// GetUser returns a user of one of the caller's accounts.
func (s *Service) GetUser(ctx context.Context, accountID, userID string) (*User, error) {
	if _, err := s.account(ctx, accountID); err != nil {
		return nil, err
	}
	return s.Store.User(ctx, accountID, userID)
}

// ListUsers returns a page of an account's users.
func (s *Service) ListUsers(ctx context.Context, accountID string, f UserFilter, p Page) ([]*User, error) {
	if _, err := s.account(ctx, accountID); err != nil {
		return nil, err
	}
	if f.EmailKey != "" {
		f.EmailKey = EmailKey(f.EmailKey)
	}
	return s.Store.ListUsers(ctx, accountID, f, p)
}

// NewPersonalPIN draws a random 10-digit personal meeting PIN.
func NewPersonalPIN() string {
	n, err := rand.Int(rand.Reader, big.NewInt(9_000_000_000))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return n.Add(n, big.NewInt(1_000_000_000)).String()
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
