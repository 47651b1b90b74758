package console

import "net/http"

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
	u, a, err := s.svc.SessionUser(r.Context(), sess.accountID, sess.userID, sess.issued)
	if err != nil {
		s.sessions.end(w)
		s.signedOut(w)
		return
	}
	s.render(w, http.StatusOK, "welcome", welcomePage{
		Title: "Welcome", Name: u.DisplayName, Account: a.Name, Email: u.Email, PIN: u.PersonalPIN,
	})
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	s.sessions.end(w)
	s.signedOut(w)
}

func (s *Server) signedOut(w http.ResponseWriter) {
	s.problem(w, http.StatusUnauthorized, "Signed out",
		"You are not signed in to Belfry.", "Open the link from your invitation e-mail, or sign in from your Chime client.")
}
