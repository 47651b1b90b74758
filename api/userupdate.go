package api

import (
	"github.com/belfryhq/belfry"
)

// userUpdate reads an UpdateUser body or a BatchUpdateUser item. The
// Alexa for Business members are pointers, which tell a member left out
// from one set to its zero value.
func userUpdate(d document) belfry.UpdateUserInput {
	alexa := d.obj("AlexaForBusinessMetadata")
	return belfry.UpdateUserInput{
		License: belfry.License(d.str("LicenseType")), Type: belfry.UserType(d.str("UserType")),
		AlexaEnabled: optional[bool](alexa, "IsAlexaForBusinessEnabled"), AlexaRoomARN: optional[string](alexa, "AlexaForBusinessRoomArn"),
	}
}

func updateUser(s *Server, c *call) (any, error) {
	u, err := s.svc.UpdateUser(c.ctx(), c.labels["accountId"], c.labels["userId"], userUpdate(c.in))
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
	list := c.in.objs("UpdateUserRequestItems")
	items := make([]belfry.UpdateUserItem, len(list))
	for i, it := range list {
		items[i] = belfry.UpdateUserItem{UserID: it.str("UserId"), UpdateUserInput: userUpdate(it)}
	}
	return userErrors(s.svc.BatchUpdateUser(c.ctx(), c.labels["accountId"], items))
}

func batchSuspendUser(s *Server, c *call) (any, error) {
	return userErrors(s.svc.BatchSuspendUser(c.ctx(), c.labels["accountId"], c.in.strs("UserIdList")))
}

func batchUnsuspendUser(s *Server, c *call) (any, error) {
	return userErrors(s.svc.BatchUnsuspendUser(c.ctx(), c.labels["accountId"], c.in.strs("UserIdList")))
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
