package api

import (
	"github.com/belfryhq/belfry"
)

func createAccount(s *Server, c *call) (any, error) {
	a, err := s.svc.CreateAccount(c.ctx(), c.in.str("Name"))
	if err != nil {
		return nil, err
	}
	return struct{ Account *wireAccount }{toWireAccount(a)}, nil
}

func getAccount(s *Server, c *call) (any, error) {
	a, err := s.svc.GetAccount(c.ctx(), c.labels["accountId"])
	if err != nil {
		return nil, err
	}
	return struct{ Account *wireAccount }{toWireAccount(a)}, nil
}

type listAccountsOutput struct {
	Accounts  []*wireAccount `json:"Accounts"`
	NextToken string         `json:"NextToken,omitempty"`
}

func listAccounts(s *Server, c *call) (any, error) {
	name, email := c.query.Get("name"), c.query.Get("user-email")
	pg, err := s.pageOf(c, 100, name, belfry.EmailKey(email))
	if err != nil {
		return nil, err
	}
	accounts, err := s.svc.ListAccounts(c.ctx(), belfry.AccountFilter{NamePrefix: name, UserEmailKey: email}, pg.Page)
	if err != nil {
		return nil, err
	}
	accounts, more := trim(accounts, pg.size)
	out := listAccountsOutput{Accounts: make([]*wireAccount, len(accounts))}
	for i, a := range accounts {
		out.Accounts[i] = toWireAccount(a)
	}
	if more {
		out.NextToken = pg.next(accounts[len(accounts)-1].Seq)
	}
	return out, nil
}
