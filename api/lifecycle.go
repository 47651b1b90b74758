package api

import (
	"strings"

	"github.com/belfryhq/belfry"
)

func updateAccount(s *Server, c *call) (any, error) {
	a, err := s.svc.UpdateAccount(c.ctx(), c.labels["accountId"], belfry.UpdateAccountInput{
		Name: c.in.str("Name"), DefaultLicense: belfry.License(c.in.str("DefaultLicense")),
	})
	if err != nil {
		return nil, err
	}
	return struct{ Account *wireAccount }{toWireAccount(a)}, nil
}

func deleteAccount(s *Server, c *call) (any, error) {
	return nil, s.svc.DeleteAccount(c.ctx(), c.labels["accountId"])
}

// operatorOperation names an operator request in the audit log.
func operatorOperation(route string) string {
	switch {
	case route == "POST domains":
		return "ClaimDomain"
	case strings.HasPrefix(route, "DELETE domains/"):
		return "ReleaseDomain"
	case route == "POST keys":
		return "CreateAccessKey"
	case strings.HasPrefix(route, "DELETE keys/"):
		return "RevokeAccessKey"
	case strings.HasPrefix(route, "POST accounts/") && strings.HasSuffix(route, "/restore"):
		return "RestoreAccount"
	case route == "POST webhooks":
		return "CreateWebhook"
	case strings.HasPrefix(route, "POST webhooks/") && strings.HasSuffix(route, "/regenerate"):
		return "RegenerateWebhook"
	case strings.HasPrefix(route, "DELETE webhooks/"):
		return "DeleteWebhook"
	case route == "POST phone-numbers":
		return "ImportPhoneNumbers"
	}
	return route
}

// releaseDomain answers DELETE /_belfry/domains/DOMAIN.
func (s *Server) releaseDomain(c *call, domain string) (any, error) {
	a, suspended, err := s.svc.ReleaseDomain(c.r.Context(), domain)
	if err != nil {
		return nil, err
	}
	return struct {
		Account        *wireAccount
		Domains        []string
		SuspendedUsers int
	}{toWireAccount(a), orEmpty(a.Domains), suspended}, nil
}

// restoreAccount answers POST /_belfry/accounts/ACCOUNT_ID/restore.
func (s *Server) restoreAccount(c *call, id string) (any, error) {
	a, err := s.svc.RestoreAccount(c.r.Context(), id)
	if err != nil {
		return nil, err
	}
	return struct{ Account *wireAccount }{toWireAccount(a)}, nil
}

// orEmpty makes a nil list an empty one, which JSON shows as [] rather than
// null.
func orEmpty[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}
