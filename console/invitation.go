package console

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"

	"github.com/belfryhq/belfry"
)

type acceptPage struct {
	Title, Account, Email, Name, Action, Expires, Problem, CSRF string
}

func (s *Server) showInvitation(w http.ResponseWriter, r *http.Request) {
	in, err := s.svc.InvitationByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		s.invitationProblem(w, r, err)
		return
	}
	s.showForm(w, r, http.StatusOK, in, suggestName(in.User), "")
}

func (s *Server) acceptInvitation(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	// A link that can no longer be accepted says so, whoever posts it;
	// only then is the form checked (csrf.go).
	if _, err := s.svc.InvitationByToken(r.Context(), token); err != nil {
		s.invitationProblem(w, r, err)
		return
	}
	if !s.formFromPage(w, r, token) {
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	u, err := s.svc.AcceptInvitation(s.audited(r, "AcceptInvitation"), token, name)
	if belfry.ErrorKind(err) == belfry.BadRequest {
		in, lookErr := s.svc.InvitationByToken(r.Context(), token)
		if lookErr != nil {
			s.invitationProblem(w, r, lookErr)
			return
		}
		s.showForm(w, r, http.StatusBadRequest, in, name, belfry.ErrorMessage(err))
		return
	}
	if err != nil {
		s.invitationProblem(w, r, err)
		return
	}
	s.log.Info("invitation accepted", "request_id", requestID(r), "account", u.AccountID, "user", u.ID)
	s.sessions.start(w, u)
	http.Redirect(w, r, "/welcome", http.StatusSeeOther)
}

// showForm renders the accept form with its CSRF token.
func (s *Server) showForm(w http.ResponseWriter, r *http.Request, status int, in *belfry.Invitation, name, problem string) {
	csrf, err := s.formToken(w, r, r.PathValue("token"))
	if err != nil {
		s.invitationProblem(w, r, err)
		return
	}
	s.render(w, status, "accept", acceptPage{
		Title:   "Join " + in.Account.Name,
		Account: in.Account.Name,
		Email:   in.User.Email,
		Name:    name,
		Action:  r.URL.EscapedPath(),
		Expires: in.Invite.Expires.UTC().Format("2 January 2006 at 15:04 UTC"),
		Problem: problem,
		CSRF:    csrf,
	})
}

// suggestName proposes a display name from the address's local part.
func suggestName(u *belfry.User) string {
	local, _, _ := strings.Cut(u.Email, "@")
	return local
}

// invitationProblem answers a link that cannot be accepted with a page
// that says why and what to do, never an error dump.
func (s *Server) invitationProblem(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, belfry.ErrInviteUnknown):
		s.problem(w, http.StatusNotFound, "Invitation not found",
			"This invitation link is not valid.", "Check that you opened the whole link from your e-mail, or ask your administrator to invite you again.")
	case errors.Is(err, belfry.ErrInviteExpired):
		s.problem(w, http.StatusGone, "Invitation expired",
			"This invitation link has expired.", "Ask your administrator to invite you again; the new e-mail has a fresh link.")
	case errors.Is(err, belfry.ErrInviteClosed):
		s.problem(w, http.StatusGone, "Invitation no longer valid",
			"This invitation can no longer be accepted.", "Ask your administrator to invite you again; the new e-mail has a fresh link.")
	case errors.Is(err, belfry.ErrInviteUsed):
		s.problem(w, http.StatusConflict, "Invitation already accepted",
			belfry.ErrorMessage(err)+".", "If you accepted it yourself, you are already a member. Otherwise, tell your administrator.")
	default:
		s.log.Error("invitation page", "request_id", requestID(r), "error", err)
		s.problem(w, http.StatusInternalServerError, "Something went wrong",
			"Belfry could not open this invitation just now.", "Try again in a minute.")
	}
}

// audited returns r's context carrying an audit event for a change made
// from a page: the invitee acts for themselves, with no access key.
func (s *Server) audited(r *http.Request, operation string) context.Context {
	return belfry.WithAudit(r.Context(), &belfry.AuditEvent{
		Time: s.svc.Now(), SourceIP: clientIP(r), Operation: operation, CallerARN: "belfry:console",
	})
}

// clientIP is the address r came from.
func clientIP(r *http.Request) string {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return ip
}
