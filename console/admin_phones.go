package console

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/belfryhq/belfry"
)

// The phone numbers page lists the inventory of the key's AWS account, as
// ListPhoneNumbers does, and a number's page changes it: associate it with
// a user and take it back, change its product type or calling name, move
// it to the deletion queue and restore it. The calling name is left to
// the API, whose model checks its pattern.

const phonesPath = adminPrefix + "phone-numbers"

// phonePath is the page of number e164: its ID as Chime answers it, with
// the '+' as %2B.
func phonePath(e164 string) string { return phonesPath + "/" + belfry.WirePhoneNumberID(e164) }

// numberStatuses are the model's PhoneNumberStatus values, the status
// filter's choices; Belfry reaches only some of them.
var numberStatuses = []string{"AcquireInProgress", "AcquireFailed", "Unassigned", "Assigned", "ReleaseInProgress",
	"DeleteInProgress", "ReleaseFailed", "DeleteFailed"}

type phoneView struct {
	E164, Path, Type, Country, Place, ProductType, Status, Created, Updated, Deleted string
	CallingName, CallingNameStatus                                                   string
	// The Chime account and user the number is associated with, if any;
	// UserEmail and UserName are "" when the user cannot be read.
	AccountID, AccountName, AccountPath, UserID, UserEmail, UserName, Associated string
	Assigned, Deleting, Unassigned                                               bool
}

const timeFormat = "2006-01-02 15:04 MST"

// viewPhone describes number n; users and accounts look up the user and
// the account it is associated with, once per page.
func (s *Server) viewPhone(r *http.Request, a *admin, n *belfry.PhoneNumber, accounts map[string]*belfry.Account) phoneView {
	v := phoneView{E164: n.E164, Path: phonePath(n.E164), Type: string(n.Type), Country: n.Country, ProductType: string(n.ProductType),
		Status: string(n.Status), CallingName: n.CallingName, CallingNameStatus: string(n.CallingNameStatus),
		Created: n.Created.UTC().Format(timeFormat), Updated: n.Updated.UTC().Format(timeFormat),
		Assigned: n.Status == belfry.NumberAssigned, Deleting: n.Status == belfry.NumberDeleting,
		Unassigned: n.Status == belfry.NumberUnassigned}
	var place []string
	for _, p := range []string{n.City, n.State} {
		if p != "" {
			place = append(place, p)
		}
	}
	v.Place = strings.Join(place, ", ")
	if !n.Deleted.IsZero() {
		v.Deleted = n.Deleted.UTC().Format(timeFormat)
	}
	if n.UserID == "" {
		return v
	}
	v.AccountID, v.UserID, v.AccountPath = n.AccountID, n.UserID, accountPath(n.AccountID)
	v.Associated = n.Associated.UTC().Format(timeFormat)
	acct, ok := accounts[n.AccountID]
	if !ok {
		acct, _ = s.svc.GetAccount(a.ctx(r), n.AccountID)
		accounts[n.AccountID] = acct
	}
	if acct != nil {
		v.AccountName = acct.Name
	}
	if u, err := s.svc.GetUser(a.ctx(r), n.AccountID, n.UserID); err == nil {
		v.UserEmail, v.UserName = u.Email, u.DisplayName
	}
	return v
}

type phonesPage struct {
	adminFrame
	Statuses []filterOption
	Numbers  []phoneView
	Next     string
	// Filtered says a status filter is on.
	Filtered bool
}

// showPhones lists the AWS account's numbers, as ListPhoneNumbers pages
// them, with the status filter.
func (s *Server) showPhones(w http.ResponseWriter, r *http.Request) {
	a, ok := s.administrator(w, r)
	if !ok {
		return
	}
	status := r.URL.Query().Get("status")
	if !slices.Contains(numberStatuses, status) {
		status = ""
	}
	p := phonesPage{adminFrame: s.frame(r, a, "Phone numbers", "phones"), Filtered: status != "",
		Statuses: append([]filterOption{{Value: "", Label: "All statuses", Selected: status == ""}}, options(status, numberStatuses...)...)}
	list, err := s.svc.ListPhoneNumbers(a.ctx(r), belfry.NumberFilter{Status: belfry.NumberStatus(status)},
		belfry.Page{After: afterOf(r), Limit: listPageSize + 1})
	if err != nil {
		s.failed(w, r, err)
		return
	}
	path := phonesPath
	if status != "" {
		path += "?" + url.Values{"status": {status}}.Encode()
	}
	list, p.Next = pageOf(list, func(n *belfry.PhoneNumber) int64 { return n.Seq }, path)
	if status != "" && p.Next != "" {
		p.Next = strings.Replace(p.Next, "?after=", "&after=", 1)
	}
	accounts := map[string]*belfry.Account{}
	for _, n := range list {
		p.Numbers = append(p.Numbers, s.viewPhone(r, a, n, accounts))
	}
	s.render(w, http.StatusOK, "admin_phones", p)
}

type phonePage struct {
	adminFrame
	Number       phoneView
	ProductTypes []filterOption
	// Accounts are the key's accounts, for the associate form, the one
	// it sent selected; User is the user it named, kept when it was
	// refused.
	Accounts []filterOption
	User     string
}

// phoneOf returns the number r's path names, when it is one of the key's
// AWS account's, and answers 404 otherwise. The ID is read as the API
// reads it: +14155550100, %2B14155550100 or 14155550100.
func (s *Server) phoneOf(w http.ResponseWriter, r *http.Request, a *admin) (*belfry.PhoneNumber, bool) {
	n, err := s.svc.GetPhoneNumber(a.ctx(r), r.PathValue("number"))
	return n, s.found(w, r, err, "phone number")
}

// showPhone is a number's page: what it is, whom it is associated with,
// and the forms that change it.
func (s *Server) showPhone(w http.ResponseWriter, r *http.Request) {
	a, ok := s.administrator(w, r)
	if !ok {
		return
	}
	if n, ok := s.phoneOf(w, r, a); ok {
		s.renderPhone(w, r, a, n, http.StatusOK, phonePage{})
	}
}

func (s *Server) renderPhone(w http.ResponseWriter, r *http.Request, a *admin, n *belfry.PhoneNumber, status int, p phonePage) {
	problem := p.Problem
	p.adminFrame = s.frame(r, a, n.E164, "phones")
	p.Problem = problem
	p.Number = s.viewPhone(r, a, n, map[string]*belfry.Account{})
	for _, pt := range belfry.ProductTypes {
		p.ProductTypes = append(p.ProductTypes, filterOption{Value: string(pt), Label: string(pt), Selected: pt == n.ProductType})
	}
	if p.Number.Unassigned {
		all, err := s.ownAccounts(r, a)
		if err != nil {
			s.failed(w, r, err)
			return
		}
		want := r.PostFormValue("account")
		for _, acct := range all {
			p.Accounts = append(p.Accounts, filterOption{Value: acct.ID, Label: acct.Name, Selected: acct.ID == want})
		}
	}
	s.render(w, status, "admin_phone", p)
}

// phoneAction changes a number: the path's last element says how.
func (s *Server) phoneAction(w http.ResponseWriter, r *http.Request) {
	a, ok := s.consoleForm(w, r)
	if !ok {
		return
	}
	n, ok := s.phoneOf(w, r, a)
	if !ok {
		return
	}
	var err error
	var page phonePage
	note := r.PathValue("action")
	switch note {
	case "associate":
		note = "associated"
		page.User = strings.TrimSpace(r.PostFormValue("user"))
		err = s.associatePhone(r, a, n, r.PostFormValue("account"), page.User)
	case "disassociate":
		note = "disassociated"
		if n.Status != belfry.NumberAssigned {
			err = belfry.Errorf(belfry.BadRequest, "%s is not associated with a user.", n.E164)
			break
		}
		err = s.svc.DisassociatePhoneNumberFromUser(s.act(r, a, "DisassociatePhoneNumberFromUser"), n.AccountID, n.UserID)
	case "product":
		pt := belfry.ProductType(r.PostFormValue("product"))
		_, err = s.svc.UpdatePhoneNumber(s.act(r, a, "UpdatePhoneNumber"), belfry.NumberUpdate{ID: n.E164, ProductType: &pt})
	case "delete":
		note = "queued"
		err = s.svc.DeletePhoneNumber(s.act(r, a, "DeletePhoneNumber"), n.E164)
	case "restore":
		note = "restored"
		_, err = s.svc.RestorePhoneNumber(s.act(r, a, "RestorePhoneNumber"), n.E164)
	default:
		s.notFound(w, "action")
		return
	}
	s.after(w, r, err, phonePath(n.E164), note, func(status int, problem string) {
		page.Problem = problem
		s.renderPhone(w, r, a, n, status, page)
	})
}

// associatePhone associates number n with the user of account accountID
// that user names: an e-mail address or a user ID.
func (s *Server) associatePhone(r *http.Request, a *admin, n *belfry.PhoneNumber, accountID, user string) error {
	userID := user
	if strings.Contains(user, "@") {
		users, err := s.svc.ListUsers(a.ctx(r), accountID, belfry.UserFilter{EmailKey: user}, belfry.Page{Limit: 1})
		switch {
		case err != nil && belfry.ErrorKind(err) != belfry.BadRequest:
			return err
		case err != nil || len(users) == 0:
			return belfry.Errorf(belfry.NotFound, "The account has no user with the address %q.", user)
		}
		userID = users[0].ID
	}
	if userID == "" {
		return belfry.Errorf(belfry.BadRequest, "Give the user's e-mail address or user ID.")
	}
	return s.svc.AssociatePhoneNumberWithUser(s.act(r, a, "AssociatePhoneNumberWithUser"), accountID, userID, n.E164)
}
