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
	p, size, err := pageOf(c, 100, name, belfry.EmailKey(email))
	if err != nil {
		return nil, err
	}
	accounts, err := s.svc.ListAccounts(c.ctx(), belfry.AccountFilter{NamePrefix: name, UserEmailKey: email}, p)
	if err != nil {
		return nil, err
	}
	accounts, more := trim(accounts, size)
	out := listAccountsOutput{Accounts: make([]*wireAccount, len(accounts))}
	for i, a := range accounts {
		out.Accounts[i] = toWireAccount(a)
	}
	if more {
		out.NextToken = nextToken(c, more, accounts[len(accounts)-1].Seq, name, belfry.EmailKey(email))
	}
	return out, nil
}
