package api

import (
	"github.com/belfryhq/belfry"
)

// wireUserUpdate is an UpdateUser body and a BatchUpdateUser item. The
// pointers tell a member left out from one set to its zero value.
type wireUserUpdate struct {
	UserID                   string `json:"UserId"`
	LicenseType              belfry.License
	UserType                 belfry.UserType
	AlexaForBusinessMetadata *struct {
		IsAlexaForBusinessEnabled *bool
		AlexaForBusinessRoomArn   *string
	}
}

func (w wireUserUpdate) input() belfry.UpdateUserInput {
	in := belfry.UpdateUserInput{License: w.LicenseType, Type: w.UserType}
	if m := w.AlexaForBusinessMetadata; m != nil {
		in.AlexaEnabled, in.AlexaRoomARN = m.IsAlexaForBusinessEnabled, m.AlexaForBusinessRoomArn
	}
	return in
}

func updateUser(s *Server, c *call) (any, error) {
	var in wireUserUpdate
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	u, err := s.svc.UpdateUser(c.ctx(), c.labels["accountId"], c.labels["userId"], in.input())
	if err != nil {
		return nil, err
	}
	return struct{ User *wireUser }{toWireUser(u, withSecrets)}, nil
}

type wireUserError struct {
	UserID       string `json:"UserId"`
	ErrorCode    string `json:"ErrorCode"`
	ErrorMessage string `json:"ErrorMessage"`
}

// userErrors answers a batch call: its per-item errors, with the ErrorCode
// enum value of each error's kind, and "UserErrors": [] when every item
// succeeded, as the real service sent (chime-behaviour.md §1.4).
func userErrors(failed []belfry.UserError, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	out := struct{ UserErrors []wireUserError }{make([]wireUserError, len(failed))}
	for i, f := range failed {
		out.UserErrors[i] = wireUserError{
			UserID: f.UserID, ErrorCode: exceptionOf[belfry.ErrorKind(f.Err)].Code, ErrorMessage: belfry.ErrorMessage(f.Err),
		}
	}
	return out, nil
}

func batchUpdateUser(s *Server, c *call) (any, error) {
	var in struct{ UpdateUserRequestItems []wireUserUpdate }
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	items := make([]belfry.UpdateUserItem, len(in.UpdateUserRequestItems))
	for i, it := range in.UpdateUserRequestItems {
		items[i] = belfry.UpdateUserItem{UserID: it.UserID, UpdateUserInput: it.input()}
	}
	return userErrors(s.svc.BatchUpdateUser(c.ctx(), c.labels["accountId"], items))
}

type userIDList struct{ UserIDList []string }

func batchSuspendUser(s *Server, c *call) (any, error) {
	var in userIDList
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	return userErrors(s.svc.BatchSuspendUser(c.ctx(), c.labels["accountId"], in.UserIDList))
}

func batchUnsuspendUser(s *Server, c *call) (any, error) {
	var in userIDList
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	return userErrors(s.svc.BatchUnsuspendUser(c.ctx(), c.labels["accountId"], in.UserIDList))
}

func logoutUser(s *Server, c *call) (any, error) {
	return nil, s.svc.LogoutUser(c.ctx(), c.labels["accountId"], c.labels["userId"])
}

func resetPersonalPIN(s *Server, c *call) (any, error) {
	u, err := s.svc.ResetPersonalPIN(c.ctx(), c.labels["accountId"], c.labels["userId"])
	if err != nil {
		return nil, err
	}
	return struct{ User *wireUser }{toWireUser(u, withSecrets)}, nil
}
