package console

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
)

type adminSignInPage struct {
	Title, CSRF, KeyID, Problem string
}

// consoleHome is the console's front page: the accounts of a signed-in
// key, or the sign-in form.
func (s *Server) consoleHome(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.adminKeyID(r); !ok {
		s.renderAdminSignIn(w, r, http.StatusOK, "", "")
		return
	}
	a, ok := s.administrator(w, r)
	if !ok {
		return
	}
	s.renderAccounts(w, r, a, http.StatusOK, "", "")
}

func (s *Server) renderAdminSignIn(w http.ResponseWriter, r *http.Request, status int, problem, keyID string) {
	csrf, err := s.formToken(w, r, adminSignInsPath)
	if err != nil {
		s.failed(w, r, err)
		return
	}
	s.render(w, status, "admin_signin", adminSignInPage{Title: "Sign in to the console", CSRF: csrf, KeyID: keyID, Problem: problem})
}

// adminSignIn checks an access key ID and secret and starts a session for
// the key. Whatever was wrong (no such key, a revoked key, a wrong
// secret) it says the same, so that the form does not tell which key IDs
// exist; and after too many failures from one address, or for one key ID,
// it refuses to check any more for a while.
func (s *Server) adminSignIn(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) || !s.formFromPage(w, r, adminSignInsPath) {
		return
	}
	id := strings.TrimSpace(r.PostFormValue("access_key_id"))
	secret := r.PostFormValue("secret_access_key")
	client := clientIP(r)
	if s.adminFailures.reached(client) || s.keyFailures.reached(id) {
		s.log.Warn("console sign-ins over the limit", "request_id", requestID(r), "client", client)
		s.renderAdminSignIn(w, r, http.StatusTooManyRequests,
			"Too many failed sign-ins. Wait 15 minutes, then try again.", id)
		return
	}
	k, err := s.liveKey(r.Context(), id)
	if err != nil && !errors.Is(err, errNoKey) {
		s.failed(w, r, err)
		return
	}
	if err != nil || subtle.ConstantTimeCompare([]byte(k.Secret), []byte(secret)) != 1 {
		s.adminFailures.allow(client)
		s.keyFailures.allow(id)
		s.log.Info("console sign-in refused", "request_id", requestID(r), "client", client)
		s.renderAdminSignIn(w, r, http.StatusUnauthorized, "That access key ID and secret do not match a live access key.", id)
		return
	}
	s.log.Info("console sign-in", "request_id", requestID(r), "access_key_id", k.ID)
	s.startAdmin(w, k)
	http.Redirect(w, r, adminPrefix, http.StatusSeeOther)
}

// adminSignOut ends the session. It asks for the session's form token,
// so that another site cannot sign an administrator out.
func (s *Server) adminSignOut(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.consoleForm(w, r); !ok {
		return
	}
	s.endAdmin(w)
	http.Redirect(w, r, adminPrefix, http.StatusSeeOther)
}
