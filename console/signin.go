package console

import (
	"net/http"
	"strings"
	"time"

	"github.com/belfryhq/belfry"
)

// The sign-in form sends at most maxSignInsPerAddress links to one
// address, and takes at most maxSignInsPerClient requests from one client address, in
// signInWindow. Over the limit it answers as always, and sends nothing.
const (
	maxSignInsPerAddress = 3
	maxSignInsPerClient  = 20
	signInWindow         = 15 * time.Minute
)

type signInPage struct {
	Title, CSRF, Action, Token string
	Sent                       bool
}

// start is the app's front page: the signed-in member's home, or the
// form that asks for a sign-in link.
func (s *Server) start(w http.ResponseWriter, r *http.Request) {
	if _, err := s.member(r); err == nil {
		http.Redirect(w, r, "/welcome", http.StatusSeeOther)
		return
	}
	csrf, err := s.formToken(w, r, "/signin")
	if err != nil {
		s.failed(w, r, err)
		return
	}
	s.render(w, http.StatusOK, "signin", signInPage{Title: "Sign in to Belfry", CSRF: csrf})
}

// requestSignIn e-mails a sign-in link to the address the form names, if
// it is a member's, and answers the same either way.
func (s *Server) requestSignIn(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) || !s.formFromPage(w, r, "/signin") {
		return
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	if s.signInsPerAddress.allow(belfry.EmailKey(email)) && s.signInsPerClient.allow(clientIP(r)) {
		if err := s.svc.RequestSignIn(r.Context(), email); err != nil {
			s.failed(w, r, err)
			return
		}
	} else {
		s.log.Warn("sign-in requests over the limit; no link sent", "request_id", requestID(r), "client", clientIP(r))
	}
	s.render(w, http.StatusOK, "signin", signInPage{Title: "Check your e-mail", Sent: true})
}

// showSignIn asks the member to press a button: opening the link changes
// nothing, so that a mail scanner that follows it does not use it up.
func (s *Server) showSignIn(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	csrf, err := s.formToken(w, r, "/signin/"+token)
	if err != nil {
		s.failed(w, r, err)
		return
	}
	s.render(w, http.StatusOK, "signin", signInPage{Title: "Sign in to Belfry", CSRF: csrf, Token: token,
		Action: r.URL.EscapedPath()})
}

// signIn uses the link, once, and starts the member's session.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if !s.parseForm(w, r) || !s.formFromPage(w, r, "/signin/"+token) {
		return
	}
	u, err := s.svc.SignInWithLink(s.audited(r, "SignIn"), token)
	switch {
	case belfry.ErrorKind(err) == belfry.Unauthorized:
		s.problem(w, http.StatusGone, "Link no longer valid", "This sign-in link was used already, has expired, or is not one Belfry sent.",
			"Ask for a new link on the sign-in page; each works once, for 15 minutes.")
	case err != nil:
		s.failed(w, r, err)
	default:
		s.log.Info("signed in with a link", "request_id", requestID(r), "account", u.AccountID, "user", u.ID)
		s.sessions.start(w, u)
		http.Redirect(w, r, "/welcome", http.StatusSeeOther)
	}
}
