package console

import (
	"net/http"

	"github.com/belfryhq/belfry"
)

type welcomePage struct {
	Title, Name, Account, Email, PIN string
}

// welcome is the signed-in page: who the session's user is, in which
// account, and their meeting PIN.
func (s *Server) welcome(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.sessions.read(r)
	if !ok {
		s.signedOut(w)
		return
	}
	u, err := s.svc.Store.User(r.Context(), sess.accountID, sess.userID)
	if err != nil || !sessionValid(u, sess) {
		s.sessions.end(w)
		s.signedOut(w)
		return
	}
	a, err := s.svc.Store.Account(r.Context(), "", u.AccountID)
	if err != nil {
		s.sessions.end(w)
		s.signedOut(w)
		return
	}
	s.render(w, http.StatusOK, "welcome", welcomePage{
		Title: "Welcome", Name: u.DisplayName, Account: a.Name, Email: u.Email, PIN: u.PersonalPIN,
	})
}

// sessionValid reports whether the user still holds the session: a
// registered user who has not been logged out (LogoutUser) since it was
// issued.
func sessionValid(u *belfry.User, sess session) bool {
	return u.Registration == belfry.Registered && u.SessionValid(sess.issued)
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	s.sessions.end(w)
	s.signedOut(w)
}

func (s *Server) signedOut(w http.ResponseWriter) {
	s.problem(w, http.StatusUnauthorized, "Signed out",
		"You are not signed in to Belfry.", "Open the link from your invitation e-mail, or sign in from your Chime client.")
}
