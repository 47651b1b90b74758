package console

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/belfryhq/belfry"
)

// listPageSize is how many accounts, users, rooms or bots a page lists
// at once: ListAccounts' and ListUsers' default page.
const listPageSize = 100

// pageOf trims list, asked for with one more than listPageSize, to a
// page, and returns the link to the next page, at path, if there is one.
func pageOf[T any](list []T, seq func(T) int64, path string) ([]T, string) {
	if len(list) <= listPageSize {
		return list, ""
	}
	list = list[:listPageSize]
	return list, path + "?after=" + strconv.FormatInt(seq(list[len(list)-1]), 10)
}

type accountView struct {
	ID, Name, Type, Created, Path string
	Domains                       []string
}

func viewAccount(a *belfry.Account) accountView {
	return accountView{ID: a.ID, Name: a.Name, Type: string(a.Type), Created: a.Created.UTC().Format("2006-01-02 15:04 MST"),
		Path: accountPath(a.ID), Domains: a.Domains}
}

func accountPath(id string) string { return adminPrefix + "accounts/" + id }

type accountsPage struct {
	adminFrame
	Accounts []accountView
	// Next is the link to the next page, when there is one.
	Next string
	Name string
}

// after returns the ?after= of r, the sequence number a listing goes on
// from; a value that is not one starts from the beginning.
func afterOf(r *http.Request) int64 { return cursorOf(r, "after") }

// cursorOf returns r's query parameter name as a sequence number, 0 when
// it is not one.
func cursorOf(r *http.Request, name string) int64 {
	n, err := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

func (s *Server) renderAccounts(w http.ResponseWriter, r *http.Request, a *admin, status int, problem, name string) {
	p := accountsPage{adminFrame: s.frame(r, a, "Accounts", "accounts"), Name: name}
	p.Problem = problem
	list, err := s.svc.ListAccounts(a.ctx(r), belfry.AccountFilter{}, belfry.Page{After: afterOf(r), Limit: listPageSize + 1})
	if err != nil {
		s.failed(w, r, err)
		return
	}
	list, p.Next = pageOf(list, func(a *belfry.Account) int64 { return a.Seq }, adminPrefix)
	for _, acct := range list {
		p.Accounts = append(p.Accounts, viewAccount(acct))
	}
	s.render(w, status, "admin_accounts", p)
}

// createAccount makes a Team account, as CreateAccount does.
func (s *Server) createAccount(w http.ResponseWriter, r *http.Request) {
	a, ok := s.consoleForm(w, r)
	if !ok {
		return
	}
	name := r.PostFormValue("name")
	acct, err := s.svc.CreateAccount(s.act(r, a, "CreateAccount"), name)
	path := adminPrefix
	if err == nil {
		path = accountPath(acct.ID)
	}
	s.after(w, r, err, path, "created", func(status int, problem string) {
		s.renderAccounts(w, r, a, status, problem, name)
	})
}

// adminAccount returns the account r's path names when it is one of the
// key's, and answers 404 otherwise.
func (s *Server) adminAccount(w http.ResponseWriter, r *http.Request, a *admin) (*belfry.Account, bool) {
	acct, err := s.svc.GetAccount(a.ctx(r), r.PathValue("account"))
	return acct, s.found(w, r, err, "account")
}

// found reports whether looking up what worked, and answers r when it
// did not: 404, the same whether what does not exist or the key cannot see
// it, or a failure page when the store failed.
func (s *Server) found(w http.ResponseWriter, r *http.Request, err error, what string) bool {
	switch {
	case err == nil:
		return true
	case refusal(err):
		s.notFound(w, what)
	default:
		s.failed(w, r, err)
	}
	return false
}

// accountPage is the handler of a page about one of the key's accounts:
// show runs once the key and the account are found.
func (s *Server) accountPage(show func(http.ResponseWriter, *http.Request, *admin, *belfry.Account)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, ok := s.administrator(w, r)
		if !ok {
			return
		}
		if acct, ok := s.adminAccount(w, r, a); ok {
			show(w, r, a, acct)
		}
	}
}

// accountForm checks a change to one of the key's accounts.
func (s *Server) accountForm(w http.ResponseWriter, r *http.Request) (*admin, *belfry.Account, bool) {
	a, ok := s.consoleForm(w, r)
	if !ok {
		return nil, nil, false
	}
	acct, ok := s.adminAccount(w, r, a)
	return a, acct, ok
}

// renameAccount gives the account the form's name, as UpdateAccount does.
func (s *Server) renameAccount(w http.ResponseWriter, r *http.Request) {
	a, acct, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	name := r.PostFormValue("name")
	// An empty name would leave the account as it is; the form asks for one.
	err := belfry.CheckAccountName(name)
	if err == nil {
		_, err = s.svc.UpdateAccount(s.act(r, a, "UpdateAccount"), acct.ID, belfry.UpdateAccountInput{Name: name})
	}
	s.afterAccount(w, r, a, acct, err, "renamed")
}

// rootOnly answers r unless a is the root key: claiming and releasing a
// domain is the operator's act (`belfry domain`).
func (s *Server) rootOnly(w http.ResponseWriter, r *http.Request, a *admin, acct *belfry.Account) bool {
	if !a.root {
		s.renderAccount(w, r, a, acct, http.StatusForbidden, "Only Belfry's root access key claims and releases domains.")
	}
	return a.root
}

// claimDomain makes the account an Enterprise account that owns the
// form's domain, as `belfry domain claim` does.
func (s *Server) claimDomain(w http.ResponseWriter, r *http.Request) {
	a, acct, ok := s.accountForm(w, r)
	if !ok || !s.rootOnly(w, r, a, acct) {
		return
	}
	t, err := belfry.ParseEnterpriseType(r.PostFormValue("type"))
	if err == nil {
		_, err = s.svc.ClaimDomain(s.act(r, a, "ClaimDomain"), acct.ID, r.PostFormValue("domain"), t)
	}
	s.afterAccount(w, r, a, acct, err, "claimed")
}

// releaseDomain gives up one of the account's domains, suspending its
// users there, as `belfry domain release` does.
func (s *Server) releaseDomain(w http.ResponseWriter, r *http.Request) {
	a, acct, ok := s.accountForm(w, r)
	if !ok || !s.rootOnly(w, r, a, acct) {
		return
	}
	d, err := belfry.NormalizeDomain(r.PostFormValue("domain"))
	if err == nil && !slices.Contains(acct.Domains, d) {
		err = belfry.Errorf(belfry.NotFound, "account %s does not claim the domain %s", acct.Name, d)
	}
	if err == nil {
		_, _, err = s.svc.ReleaseDomain(s.act(r, a, "ReleaseDomain"), d)
	}
	s.afterAccount(w, r, a, acct, err, "released")
}

// afterAccount finishes a change to an account, back on its page.
func (s *Server) afterAccount(w http.ResponseWriter, r *http.Request, a *admin, acct *belfry.Account, err error, note string) {
	s.after(w, r, err, accountPath(acct.ID), note, func(status int, problem string) {
		s.renderAccount(w, r, a, acct, status, problem)
	})
}
