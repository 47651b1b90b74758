package belfry

import (
	"context"
	"time"
)

// SessionUser returns the user that a session on Belfry's own pages names,
// with their account, while the session, issued at issued, holds: the user
// is registered and has not been signed out since (User.SessionValid). The
// pages signed the session themselves, so it stands in for a caller: there
// is no access key, and no AWS account to scope the lookup by. A session
// that no longer holds is Unauthorized.
func (s *Service) SessionUser(ctx context.Context, accountID, userID string, issued time.Time) (*User, *Account, error) {
	u, err := s.Store.User(ctx, accountID, userID)
	if err != nil {
		return nil, nil, err
	}
	if u.Registration != Registered || !u.SessionValid(issued) {
		return nil, nil, Errorf(Unauthorized, "the session of user %s has ended", userID)
	}
	a, err := s.Store.Account(ctx, "", u.AccountID)
	if err != nil {
		return nil, nil, err
	}
	return u, a, nil
}
