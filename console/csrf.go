package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
)

// The accept form is guarded against cross-site request forgery twice, as
// miniflux guards its forms. Every POST from a browser must come from a
// Belfry page (Sec-Fetch-Site, or Origin against Host: crossSite). And the
// accept form carries a token in a hidden field that only the page Belfry
// served to this browser holds: an HMAC of a random cookie and the
// invitation, under a key of the server secret. A site that knows an
// invitation link (its own, to sign a victim in as its user) can neither
// read the victim's cookie nor compute the token for it.

// csrfField is the hidden form field that carries the token.
const csrfField = "csrf"

// csrfKeyPurpose names the console's form key among the server secret's.
const csrfKeyPurpose = "console-form"

// errForged says a form did not come from the page Belfry served.
var errForged = errors.New("the form does not carry the token of the page Belfry served")

// csrfCookie is the name of the browser's random CSRF cookie. Over HTTPS
// it has the __Host- prefix, with which browsers refuse the cookie unless
// it is Secure, for the whole host and set by the host itself, so that
// another site on a sibling domain cannot plant one of its own.
func (s *Server) csrfCookie() string {
	if s.sessions.secure {
		return "__Host-belfry_csrf"
	}
	return "belfry_csrf"
}

// formToken returns the token of the form that acts on invitation token
// bind, setting the browser's CSRF cookie first if it has none.
func (s *Server) formToken(w http.ResponseWriter, r *http.Request, bind string) (string, error) {
	browser, ok := s.browserSecret(r)
	if !ok {
		b := make([]byte, 32)
		rand.Read(b)
		browser = base64.RawURLEncoding.EncodeToString(b)
		http.SetCookie(w, &http.Cookie{
			Name: s.csrfCookie(), Value: browser, Path: "/",
			HttpOnly: true, Secure: s.sessions.secure, SameSite: http.SameSiteLaxMode,
		})
	}
	return s.sign(r, browser, bind)
}

// checkForm reports errForged unless the form of r carries the token of
// the page served to this browser for invitation token bind.
func (s *Server) checkForm(r *http.Request, bind string) error {
	browser, ok := s.browserSecret(r)
	if !ok {
		return errForged
	}
	want, err := s.sign(r, browser, bind)
	if err != nil {
		return err
	}
	if !hmac.Equal([]byte(r.PostFormValue(csrfField)), []byte(want)) {
		return errForged
	}
	return nil
}

// browserSecret returns the value of r's CSRF cookie, if it has one of the
// shape Belfry sets.
func (s *Server) browserSecret(r *http.Request) (string, bool) {
	c, err := r.Cookie(s.csrfCookie())
	if err != nil {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	return c.Value, err == nil && len(b) == 32
}

// sign is the token of browser's forms for invitation token bind.
func (s *Server) sign(r *http.Request, browser, bind string) (string, error) {
	key, err := s.svc.ServerKey(r.Context(), csrfKeyPurpose, sha256.Size)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(browser))
	mac.Write([]byte{0})
	mac.Write([]byte(bind))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)), nil
}

// crossSite reports whether r changes state from another site's page. Safe
// methods never do; requests without Sec-Fetch-Site and Origin, from
// programs rather than browsers, are let through to the form check.
func crossSite(r *http.Request) bool {
	return new(http.CrossOriginProtection).Check(r) != nil
}

// formFromPage reports whether r's form carries the token of the page
// served for invitation token bind, and answers r when it does not.
func (s *Server) formFromPage(w http.ResponseWriter, r *http.Request, bind string) bool {
	err := s.checkForm(r, bind)
	switch {
	case errors.Is(err, errForged):
		s.refuse(w, r)
	case err != nil:
		s.log.Error("checking a form", "request_id", requestID(r), "error", err)
		s.problem(w, http.StatusInternalServerError, "Something went wrong",
			"Belfry could not check this form just now; nothing was changed.", "Try again in a minute.")
	}
	return err == nil
}

// refuse answers a forged or cross-site form with a page that says nothing
// changed and what to do.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request) {
	s.log.Warn("refused a form not sent from Belfry's page", "request_id", requestID(r), "origin", r.Header.Get("Origin"),
		"sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
	s.problem(w, http.StatusForbidden, "Request refused",
		"This form was not sent from Belfry's own page, so nothing was changed.",
		"Open Belfry's page again (for an invitation, the link from your e-mail) and submit the form there. If this keeps happening, allow cookies for this site.")
}
