package belfry

import (
	"context"
	"strings"
	"time"
)

// AccountType is the type of a Chime account.
type AccountType string

// The account types. CreateAccount makes Team accounts; an operator's domain
// claim turns one into an Enterprise account (DECISIONS.md, account types).
const (
	Team                AccountType = "Team"
	EnterpriseDirectory AccountType = "EnterpriseDirectory"
	EnterpriseLWA       AccountType = "EnterpriseLWA"
	EnterpriseOIDC      AccountType = "EnterpriseOIDC"
)

// IsEnterprise reports whether t is one of the Enterprise types.
func (t AccountType) IsEnterprise() bool {
	return t == EnterpriseDirectory || t == EnterpriseLWA || t == EnterpriseOIDC
}

// ParseEnterpriseType returns the Enterprise account type named s.
func ParseEnterpriseType(s string) (AccountType, error) {
	switch t := AccountType(s); t {
	case EnterpriseDirectory, EnterpriseLWA, EnterpriseOIDC:
		return t, nil
	}
	return "", Errorf(BadRequest, "account type %q is not one of EnterpriseLWA, EnterpriseDirectory, EnterpriseOIDC", s)
}

// License is a Chime license.
type License string

// The licenses.
const (
	Basic    License = "Basic"
	Plus     License = "Plus"
	Pro      License = "Pro"
	ProTrial License = "ProTrial"
)

// AccountStatus is whether an account is in use.
type AccountStatus string

// The account statuses.
const (
	AccountActive    AccountStatus = "Active"
	AccountSuspended AccountStatus = "Suspended"
)

// Account is a Chime account, owned by one AWS account.
type Account struct {
	Seq               int64
	AwsAccountID      string
	ID                string
	Name              string
	Type              AccountType
	Created           time.Time
	DefaultLicense    License
	SupportedLicenses []License
	Status            AccountStatus
	SigninDelegates   []string
	Domains           []string
}

// HasDomain reports whether the account has claimed the domain of address.
func (a *Account) HasDomain(address string) bool {
	domain := EmailDomain(address)
	for _, d := range a.Domains {
		if d == domain {
			return true
		}
	}
	return false
}

// AccountFilter narrows ListAccounts.
type AccountFilter struct {
	AwsAccountID string
	NamePrefix   string
	// UserEmailKey keeps only the account that has a user with this
	// e-mail key (see EmailKey).
	UserEmailKey string
}

// AccountStore keeps accounts and their claimed domains.
type AccountStore interface {
	// CreateAccount stores a new account and sets its Seq.
	CreateAccount(ctx context.Context, a *Account) error
	// Account returns the live account id of the AWS account awsAccountID,
	// or a NotFound error; an empty awsAccountID matches any AWS account.
	Account(ctx context.Context, awsAccountID, id string) (*Account, error)
	// ListAccounts returns a page of the accounts that match f.
	ListAccounts(ctx context.Context, f AccountFilter, p Page) ([]*Account, error)
	// ClaimDomain records that account id owns domain and gives the account
	// type t. It returns Conflict when another account holds the domain.
	ClaimDomain(ctx context.Context, id, domain string, t AccountType) (*Account, error)
}

// CreateAccount makes a Team account, the only type the API can create
// (chime-behaviour.md §3.1).
func (s *Service) CreateAccount(ctx context.Context, name string) (*Account, error) {
	if err := CheckAccountName(name); err != nil {
		return nil, err
	}
	c, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	a := &Account{
		AwsAccountID:      c.AwsAccountID,
		ID:                s.newID(),
		Name:              strings.TrimSpace(name),
		Type:              Team,
		Created:           s.now(),
		DefaultLicense:    Pro,
		SupportedLicenses: []License{Basic, Pro},
		Status:            AccountActive,
	}
	AuditNote(ctx, a.ID, "created Team account "+a.Name, a.ID)
	if err := s.Store.CreateAccount(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// GetAccount returns one of the caller's accounts.
func (s *Service) GetAccount(ctx context.Context, id string) (*Account, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.Account(ctx, c.AwsAccountID, id)
}

// ListAccounts returns a page of the caller's accounts that match f.
func (s *Service) ListAccounts(ctx context.Context, f AccountFilter, p Page) ([]*Account, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	f.AwsAccountID = c.AwsAccountID
	if f.UserEmailKey != "" {
		f.UserEmailKey = EmailKey(f.UserEmailKey)
	}
	return s.Store.ListAccounts(ctx, f, p)
}

// ClaimDomain is the operator's act that makes an account an Enterprise
// account of type t (DECISIONS.md): there is no Chime operation for it.
func (s *Service) ClaimDomain(ctx context.Context, accountID, domain string, t AccountType) (*Account, error) {
	if !t.IsEnterprise() {
		return nil, Errorf(BadRequest, "a domain claim needs an Enterprise account type, not %q", t)
	}
	d, err := NormalizeDomain(domain)
	if err != nil {
		return nil, err
	}
	AuditNote(ctx, accountID, "claimed domain "+d+" as "+string(t), d)
	return s.Store.ClaimDomain(ctx, accountID, d, t)
}

// PlanClaim decides a domain claim for account a, given the account that
// holds the domain now ("" for none): whether there is anything to store,
// or why the claim is refused. A Team account becomes of type t; an
// Enterprise account keeps its type, and may claim more domains only as
// that type. Both stores call it inside the claim's transaction.
func PlanClaim(a *Account, owner, domain string, t AccountType) (store bool, err error) {
	switch {
	case owner != "" && owner != a.ID:
		return false, Errorf(Conflict, "domain %s is already claimed by account %s", domain, owner)
	case a.Type != Team && a.Type != t:
		return false, Errorf(Conflict, "account %s is already %s", a.ID, a.Type)
	}
	return owner == "", nil
}
