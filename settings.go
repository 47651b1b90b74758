package belfry

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// AccountSettings are an account's meeting policies (chime-behaviour.md §2).
// Belfry stores and returns them; there are no meetings behind them.
type AccountSettings struct {
	DisableRemoteControl bool
	EnableDialOut        bool
}

// AccountSettingsUpdate is what UpdateAccountSettings changes; nil fields
// stay as they are, so that a script may change one policy alone.
type AccountSettingsUpdate struct {
	DisableRemoteControl *bool
	EnableDialOut        *bool
}

// TelephonySettings say what a user may do with a phone number.
type TelephonySettings struct {
	InboundCalling  bool
	OutboundCalling bool
	SMS             bool
}

// UserSettings are a user's settings. Until set, every telephony permission
// is off, as for a user given a number in the Chime console
// (chime-behaviour.md §3.2).
type UserSettings struct {
	Telephony TelephonySettings
}

// The retention limits (chime-behaviour.md §3.5).
const (
	MinRetentionDays = 1
	MaxRetentionDays = 5475
	// RetentionGrace is how long after a policy is set messages stay
	// restorable; deletion starts when it ends.
	RetentionGrace = 30 * 24 * time.Hour
)

// RetentionSettings are an Enterprise account's message retention policies.
// Zero days means no policy.
type RetentionSettings struct {
	RoomDays         int
	ConversationDays int
	// InitiateDeletion is when deletion under the policies starts: the time
	// they were put plus RetentionGrace; zero while no policy is on.
	InitiateDeletion time.Time
}

// SettingsStore keeps account, user and retention settings.
type SettingsStore interface {
	// AccountSettings returns account accountID's settings, all false when
	// none were set.
	AccountSettings(ctx context.Context, accountID string) (*AccountSettings, error)
	// UpdateAccountSettings changes the settings u sets.
	UpdateAccountSettings(ctx context.Context, accountID string, u AccountSettingsUpdate) error
	// RetentionSettings returns account accountID's retention settings,
	// zero when none were put.
	RetentionSettings(ctx context.Context, accountID string) (*RetentionSettings, error)
	// PutRetentionSettings replaces account accountID's retention settings.
	PutRetentionSettings(ctx context.Context, accountID string, r *RetentionSettings) error
	// UserSettings returns the settings of user userID of account
	// accountID, or NotFound when the account has no such user.
	UserSettings(ctx context.Context, accountID, userID string) (*UserSettings, error)
	// PutUserSettings replaces the settings of user userID of account
	// accountID; NotFound when the account has no such user.
	PutUserSettings(ctx context.Context, accountID, userID string, us *UserSettings) error
}

// GetAccountSettings returns an account's settings.
func (s *Service) GetAccountSettings(ctx context.Context, accountID string) (*AccountSettings, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	return s.Store.AccountSettings(ctx, a.ID)
}

// UpdateAccountSettings changes the settings u sets.
func (s *Service) UpdateAccountSettings(ctx context.Context, accountID string, u AccountSettingsUpdate) error {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return err
	}
	AuditNote(ctx, a.ID, "updated the account settings", a.ID)
	return s.Store.UpdateAccountSettings(ctx, a.ID, u)
}

// GetRetentionSettings returns an Enterprise account's retention settings.
func (s *Service) GetRetentionSettings(ctx context.Context, accountID string) (*RetentionSettings, error) {
	a, err := s.enterprise(ctx, accountID)
	if err != nil {
		return nil, err
	}
	return s.Store.RetentionSettings(ctx, a.ID)
}

// PutRetentionSettings sets an Enterprise account's retention policies for
// rooms and conversations; 0 days turns a policy off, as omitting
// RetentionDays does on the wire (chime-behaviour.md §3.5).
func (s *Service) PutRetentionSettings(ctx context.Context, accountID string, roomDays, conversationDays int) (*RetentionSettings, error) {
	a, err := s.enterprise(ctx, accountID)
	if err != nil {
		return nil, err
	}
	for _, d := range []int{roomDays, conversationDays} {
		if d != 0 && (d < MinRetentionDays || d > MaxRetentionDays) {
			return nil, Errorf(BadRequest, "RetentionDays is %d; it must be from %d to %d, or omitted to turn the policy off",
				d, MinRetentionDays, MaxRetentionDays)
		}
	}
	r := &RetentionSettings{RoomDays: roomDays, ConversationDays: conversationDays}
	if roomDays > 0 || conversationDays > 0 {
		r.InitiateDeletion = s.now().Add(RetentionGrace)
	}
	AuditNote(ctx, a.ID, fmt.Sprintf("set message retention: rooms %d days, conversations %d days (0: off)",
		roomDays, conversationDays), a.ID)
	return r, s.Store.PutRetentionSettings(ctx, a.ID, r)
}

// GetUserSettings returns a user's settings.
func (s *Service) GetUserSettings(ctx context.Context, accountID, userID string) (*UserSettings, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	return s.Store.UserSettings(ctx, a.ID, userID)
}

// UpdateUserSettings replaces a user's settings; the wire requires all
// three telephony permissions.
func (s *Service) UpdateUserSettings(ctx context.Context, accountID, userID string, us *UserSettings) error {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return err
	}
	AuditNote(ctx, a.ID, "updated the user settings", userID)
	return s.Store.PutUserSettings(ctx, a.ID, userID, us)
}

// AssociateSigninDelegateGroupsWithAccount adds Active Directory groups whose
// members may sign in as delegates on shared devices, which only an
// EnterpriseDirectory account has (chime-behaviour.md §3.1). Groups the
// account has already stay once.
func (s *Service) AssociateSigninDelegateGroupsWithAccount(ctx context.Context, accountID string, groups []string) (*Account, error) {
	for _, g := range groups {
		if strings.TrimSpace(g) == "" {
			return nil, Errorf(BadRequest, "each SigninDelegateGroup needs a GroupName")
		}
	}
	AuditNote(ctx, accountID, "associated sign-in delegate groups", groups...)
	return s.updateDelegates(ctx, accountID, func(have []string) []string {
		for _, g := range groups {
			if !slices.Contains(have, g) {
				have = append(have, g)
			}
		}
		return have
	})
}

// DisassociateSigninDelegateGroupsFromAccount removes groups by name; names
// the account does not have are ignored.
func (s *Service) DisassociateSigninDelegateGroupsFromAccount(ctx context.Context, accountID string, names []string) (*Account, error) {
	AuditNote(ctx, accountID, "disassociated sign-in delegate groups", names...)
	return s.updateDelegates(ctx, accountID, func(have []string) []string {
		return slices.DeleteFunc(have, func(g string) bool { return slices.Contains(names, g) })
	})
}

func (s *Service) updateDelegates(ctx context.Context, accountID string, change func([]string) []string) (*Account, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.UpdateAccount(ctx, c.AwsAccountID, accountID, func(a *Account) error {
		if a.Type != EnterpriseDirectory {
			return Errorf(BadRequest, "sign-in delegate groups are Active Directory groups, which only an "+
				"EnterpriseDirectory account has; account %s is %s", a.ID, a.Type)
		}
		a.SigninDelegates = change(slices.Clone(a.SigninDelegates))
		return nil
	})
}
