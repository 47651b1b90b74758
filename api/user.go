package api

import (
	"github.com/belfryhq/belfry"
)

func inviteUsers(s *Server, c *call) (any, error) {
	invites, err := s.svc.InviteUsers(c.ctx(), c.labels["accountId"], c.in.strs("UserEmailList"), belfry.UserType(c.in.str("UserType")))
	if err != nil {
		return nil, err
	}
	out := struct{ Invites []wireInvite }{make([]wireInvite, len(invites))}
	for i, inv := range invites {
		out.Invites[i] = toWireInvite(inv)
	}
	return out, nil
}

func createUser(s *Server, c *call) (any, error) {
	u, err := s.svc.CreateUser(c.ctx(), c.labels["accountId"], belfry.CreateUserInput{
		Username: c.in.str("Username"), Email: c.in.str("Email"), Type: belfry.UserType(c.in.str("UserType")),
	})
	if err != nil {
		return nil, err
	}
	return struct{ User *wireUser }{toWireUser(u, withSecrets)}, nil
}

func getUser(s *Server, c *call) (any, error) {
	u, err := s.svc.GetUser(c.ctx(), c.labels["accountId"], c.labels["userId"])
	if err != nil {
		return nil, err
	}
	return struct{ User *wireUser }{toWireUser(u, withSecrets)}, nil
}

type listUsersOutput struct {
	Users     []*wireUser `json:"Users"`
	NextToken string      `json:"NextToken,omitempty"`
}

func listUsers(s *Server, c *call) (any, error) {
	email, userType := belfry.EmailKey(c.query.Get("user-email")), c.query.Get("user-type")
	pg, err := s.pageOf(c, 100, email, userType)
	if err != nil {
		return nil, err
	}
	f := belfry.UserFilter{EmailKey: email, Type: belfry.UserType(userType)}
	users, err := s.svc.ListUsers(c.ctx(), c.labels["accountId"], f, pg.Page)
	if err != nil {
		return nil, err
	}
	users, more := trim(users, pg.size)
	out := listUsersOutput{Users: make([]*wireUser, len(users))}
	for i, u := range users {
		out.Users[i] = toWireUser(u, withoutSecrets)
	}
	if more {
		out.NextToken = pg.next(users[len(users)-1].Seq)
	}
	return out, nil
}
