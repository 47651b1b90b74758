package console

import (
	"net/http"
	"strings"

	"github.com/belfryhq/belfry"
)

// maxInvitesPerForm is the most addresses one invite form takes, as
// InviteUsers does.
const maxInvitesPerForm = 50

type userView struct {
	ID, Email, Name, Type, Licence, Registration, Invitation, Path string
	// Pending is an invitee who has not accepted yet; Link is their
	// accept link while its e-mail is undelivered.
	Pending, Suspended, Registered bool
	Link                           string
}

type accountPage struct {
	adminFrame
	Account  accountView
	Root     bool
	Team     bool
	Users    []userView
	Next     string
	Licences []string
	// Emails is the invite form's text, kept when it was refused.
	Emails string
}

// showAccount is an account's page: its name and domains, and its users
// with what can be done to each.
func (s *Server) showAccount(w http.ResponseWriter, r *http.Request, a *admin, acct *belfry.Account) {
	s.renderAccount(w, r, a, acct, http.StatusOK, "")
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, a *admin, acct *belfry.Account, status int, problem string) {
	s.renderAccountPage(w, r, a, acct, status, accountPage{adminFrame: adminFrame{Problem: problem}})
}

func (s *Server) renderAccountPage(w http.ResponseWriter, r *http.Request, a *admin, acct *belfry.Account, status int, p accountPage) {
	problem := p.Problem
	p.adminFrame = s.frame(r, a, acct.Name, "accounts")
	p.Problem, p.Account, p.Root, p.Team = problem, viewAccount(acct), a.root, acct.Type == belfry.Team
	for _, l := range acct.SupportedLicenses {
		p.Licences = append(p.Licences, string(l))
	}
	ctx := a.ctx(r)
	users, err := s.svc.ListUsers(ctx, acct.ID, belfry.UserFilter{}, belfry.Page{After: afterOf(r), Limit: listPageSize + 1})
	if err != nil {
		s.failed(w, r, err)
		return
	}
	users, p.Next = pageOf(users, func(u *belfry.User) int64 { return u.Seq }, p.Account.Path)
	mails, err := s.svc.QueuedMails(ctx, acct.ID, belfry.Page{Limit: 1000})
	if err != nil {
		s.failed(w, r, err)
		return
	}
	links := map[string]string{}
	for _, m := range mails {
		links[m.UserID] = m.Link
	}
	for _, u := range users {
		v := userView{ID: u.ID, Email: u.Email, Name: u.DisplayName, Type: string(u.Type), Licence: string(u.License),
			Registration: string(u.Registration), Invitation: string(u.Invitation), Path: p.Account.Path + "/users/" + u.ID,
			Suspended: u.Registration == belfry.Suspended, Registered: u.Registration == belfry.Registered}
		if u.Registration == belfry.Unregistered && u.Invitation == belfry.InvitePending {
			v.Pending, v.Link = true, links[u.ID]
		}
		p.Users = append(p.Users, v)
	}
	s.render(w, status, "admin_account", p)
}

// inviteUsers invites the form's addresses, as InviteUsers does.
func (s *Server) inviteUsers(w http.ResponseWriter, r *http.Request) {
	a, acct, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	text := r.PostFormValue("emails")
	emails := strings.FieldsFunc(text, func(c rune) bool { return c == ',' || c == ';' || c == ' ' || c == '\n' || c == '\r' || c == '\t' })
	var err error
	switch {
	case len(emails) == 0:
		err = belfry.Errorf(belfry.BadRequest, "Give at least one e-mail address to invite.")
	case len(emails) > maxInvitesPerForm:
		err = belfry.Errorf(belfry.BadRequest, "Invite at most %d addresses at once.", maxInvitesPerForm)
	default:
		_, err = s.svc.InviteUsers(s.act(r, a, "InviteUsers"), acct.ID, emails, "")
	}
	s.after(w, r, err, accountPath(acct.ID), "invited", func(status int, problem string) {
		s.renderAccountPage(w, r, a, acct, status, accountPage{adminFrame: adminFrame{Problem: problem}, Emails: text})
	})
}

// userAction changes one user of the account: the path's last element
// says how.
func (s *Server) userAction(w http.ResponseWriter, r *http.Request) {
	a, acct, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	u, err := s.svc.GetUser(a.ctx(r), acct.ID, r.PathValue("user"))
	if !s.found(w, r, err, "user") {
		return
	}
	var note string
	switch action := r.PathValue("action"); action {
	case "suspend":
		note, err = "suspended", batchErr(s.svc.BatchSuspendUser(s.act(r, a, "BatchSuspendUser"), acct.ID, []string{u.ID}))
	case "unsuspend":
		note = "unsuspended"
		if u.Registration != belfry.Suspended {
			err = belfry.Errorf(belfry.BadRequest, "%s is not suspended.", u.Email)
		} else {
			err = batchErr(s.svc.BatchUnsuspendUser(s.act(r, a, "BatchUnsuspendUser"), acct.ID, []string{u.ID}))
		}
	case "licence":
		note = "licence"
		_, err = s.svc.UpdateUser(s.act(r, a, "UpdateUser"), acct.ID, u.ID, belfry.UpdateUserInput{License: belfry.License(r.PostFormValue("licence"))})
	case "resend":
		// Inviting a pending invitee again sends a new e-mail with a
		// new link, as InviteUsers does.
		note = "resent"
		if u.Registration == belfry.Registered {
			err = belfry.Errorf(belfry.BadRequest, "%s has accepted already; there is no invitation to send again.", u.Email)
		} else {
			_, err = s.svc.InviteUsers(s.act(r, a, "InviteUsers"), acct.ID, []string{u.Email}, u.Type)
		}
	case "revoke":
		// Suspending an invitee closes their invitation: its link no
		// longer works, and its e-mail is no longer sent.
		note = "revoked"
		if u.Registration != belfry.Unregistered || u.Invitation != belfry.InvitePending {
			err = belfry.Errorf(belfry.BadRequest, "%s has no pending invitation to revoke.", u.Email)
		} else {
			err = batchErr(s.svc.BatchSuspendUser(s.act(r, a, "RevokeInvitation"), acct.ID, []string{u.ID}))
		}
	default:
		s.notFound(w, "action")
		return
	}
	s.afterAccount(w, r, a, acct, err, note)
}

// batchErr is the error of a batch call of one user: the call's, or the
// user's.
func batchErr(errs []belfry.UserError, err error) error {
	if err == nil && len(errs) > 0 {
		return errs[0].Err
	}
	return err
}
