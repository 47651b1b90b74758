package console

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/belfryhq/belfry"
)

// The administrators' console lives under /console/. An administrator
// signs in with an access key ID and its secret, as with MinIO's console,
// and then sees and changes what that key sees and changes through the
// API: the Chime accounts of the key's AWS account, through the same
// service methods, recorded in the same audit log.
//
// Its session is a signed cookie of its own, scoped to /console/, naming
// the key and when the session began, as the members' session does
// (session.go): any replica can read it, and it lapses after
// adminSessionTTL or as soon as the key is revoked, since every request
// looks the key up again.

const (
	adminPrefix      = "/console/"
	adminCookie      = "belfry_admin"
	adminSessionTTL  = 8 * time.Hour
	adminSignInsPath = adminPrefix + "signin"
	// A client address gets maxAdminFailures failed sign-ins, and a key ID
	// maxKeyFailures, in signInWindow; then sign-ins from it, or for it,
	// are refused until the window passes, whether the key exists or not.
	maxAdminFailures = 10
	maxKeyFailures   = 5
)

// admin is the signed-in administrator of a request: an access key.
type admin struct {
	key *belfry.AccessKey
	// root is whether the key is Belfry's root key, the only one that
	// claims and releases domains.
	root bool
	// csrf is the token every form of this session carries.
	csrf string
}

// ctx returns r's context with the key as the service's caller: it sees
// only its AWS account's Chime accounts.
func (a *admin) ctx(r *http.Request) context.Context {
	return belfry.WithCaller(r.Context(), belfry.Caller{AwsAccountID: a.key.AwsAccountID, AccessKeyID: a.key.ID, ARN: a.key.ARN()})
}

// act returns the context of a change made from the console: the key as
// caller, and an audit event that names the key and says, in its
// operation, that the change came from the console.
func (s *Server) act(r *http.Request, a *admin, operation string) context.Context {
	return belfry.WithAudit(a.ctx(r), &belfry.AuditEvent{
		Time: s.svc.Now().UTC(), AwsAccountID: a.key.AwsAccountID, AccessKeyID: a.key.ID, CallerARN: a.key.ARN(),
		SourceIP: clientIP(r), RequestID: requestID(r), Operation: "console:" + operation,
	})
}

// adminPayload is what an administrator's cookie signs. Its prefix keeps
// a member's session, signed with the same key, from passing for one.
func adminPayload(keyID string, issued time.Time) string {
	return "admin|" + keyID + "|" + strconv.FormatInt(issued.UnixMicro(), 10)
}

func (s *Server) startAdmin(w http.ResponseWriter, k *belfry.AccessKey) {
	payload := adminPayload(k.ID, s.svc.Now())
	http.SetCookie(w, &http.Cookie{
		Name: adminCookie, Value: base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + s.sessions.sign(payload),
		Path: adminPrefix, MaxAge: int(adminSessionTTL.Seconds()), HttpOnly: true, Secure: s.sessions.secure,
		SameSite: http.SameSiteStrictMode,
	})
}

func (s *Server) endAdmin(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: adminCookie, Value: "", Path: adminPrefix, MaxAge: -1, HttpOnly: true,
		Secure: s.sessions.secure, SameSite: http.SameSiteStrictMode})
}

// adminKeyID returns the key ID of r's administrator session, if r
// carries a genuine, unexpired one.
func (s *Server) adminKeyID(r *http.Request) (string, bool) {
	c, err := r.Cookie(adminCookie)
	if err != nil {
		return "", false
	}
	enc, sig, ok := strings.Cut(c.Value, ".")
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if !ok || err != nil || !hmac.Equal([]byte(sig), []byte(s.sessions.sign(string(raw)))) {
		return "", false
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 3 || parts[0] != "admin" {
		return "", false
	}
	us, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || s.svc.Now().Sub(time.UnixMicro(us)) > adminSessionTTL {
		return "", false
	}
	return parts[1], true
}

// errNoKey says an access key does not exist or is revoked.
var errNoKey = errors.New("no such live access key")

// liveKey returns access key id if it exists and is not revoked, looking
// it up as the API's keyring does: the root key from the configuration,
// the others from the store.
func (s *Server) liveKey(ctx context.Context, id string) (*belfry.AccessKey, error) {
	if s.root != nil && id == s.root.ID {
		return s.root, nil
	}
	if id == "" || !belfry.ValidText(id) {
		return nil, errNoKey
	}
	k, err := s.svc.AccessKey(ctx, id)
	switch {
	case belfry.ErrorKind(err) == belfry.NotFound:
		return nil, errNoKey
	case err != nil:
		return nil, err
	case !k.Revoked.IsZero():
		return nil, errNoKey
	}
	return k, nil
}

// administrator returns r's administrator, or answers r: the sign-in
// page for a request without a session that still holds.
func (s *Server) administrator(w http.ResponseWriter, r *http.Request) (*admin, bool) {
	id, ok := s.adminKeyID(r)
	if !ok {
		s.endAdmin(w)
		s.renderAdminSignIn(w, r, http.StatusUnauthorized, "Your session has ended, or you have not signed in.", "")
		return nil, false
	}
	k, err := s.liveKey(r.Context(), id)
	switch {
	case errors.Is(err, errNoKey):
		s.endAdmin(w)
		s.renderAdminSignIn(w, r, http.StatusUnauthorized, "The access key of this session no longer works. Sign in with another.", "")
		return nil, false
	case err != nil:
		s.failed(w, r, err)
		return nil, false
	}
	a := &admin{key: k, root: s.root != nil && k.ID == s.root.ID}
	if a.csrf, err = s.formToken(w, r, "admin:"+k.ID); err != nil {
		s.failed(w, r, err)
		return nil, false
	}
	return a, true
}

// adminForm checks a change sent from the console: a readable form, an
// administrator's session, and the token of the session's pages.
func (s *Server) consoleForm(w http.ResponseWriter, r *http.Request) (*admin, bool) {
	if !s.parseForm(w, r) {
		return nil, false
	}
	a, ok := s.administrator(w, r)
	if !ok || !s.formFromPage(w, r, "admin:"+a.key.ID) {
		return nil, false
	}
	return a, true
}

// adminFrame is what every console page shows around its content: who is
// signed in, the navigation, and a note on what just happened.
type adminFrame struct {
	Title, KeyID, AwsAccountID, CSRF string
	// Section names the navigation entry to mark: accounts, phones,
	// jobs or audit.
	Section string
	Note    string
	Problem string
}

func (s *Server) frame(r *http.Request, a *admin, title, section string) adminFrame {
	return adminFrame{Title: title, KeyID: a.key.ID, AwsAccountID: a.key.AwsAccountID, CSRF: a.csrf, Section: section,
		Note: notes[r.URL.Query().Get("note")]}
}

// notes are what a page says after a change sent it back there: a fixed
// text for each ?note= code, so that a link cannot make a page say
// anything else.
var notes = map[string]string{
	"created":       "Created.",
	"renamed":       "Renamed.",
	"claimed":       "Domain claimed.",
	"released":      "Domain released; its users are suspended.",
	"invited":       "Invitation sent.",
	"resent":        "Invitation sent again, with a new link.",
	"revoked":       "Invitation revoked: its link no longer works.",
	"suspended":     "User suspended.",
	"unsuspended":   "User unsuspended.",
	"licence":       "Licence changed.",
	"deleted":       "Deleted.",
	"added":         "Member added.",
	"removed":       "Member removed.",
	"role":          "Role changed.",
	"enabled":       "Bot enabled.",
	"disabled":      "Bot disabled.",
	"token":         "New security token made; the old one no longer works.",
	"events":        "Events configuration saved.",
	"noevents":      "Events configuration removed.",
	"associated":    "Number associated with the user.",
	"disassociated": "Number disassociated from its user.",
	"product":       "Product type changed.",
	"queued":        "Number moved to the deletion queue; restore it within 7 days to keep it.",
	"restored":      "Number restored.",
}

// back sends the browser to path with a note on what changed, after a
// change that worked (post/redirect/get).
func back(w http.ResponseWriter, r *http.Request, path, note string) {
	http.Redirect(w, r, path+"?"+url.Values{"note": {note}}.Encode(), http.StatusSeeOther)
}

// refusal reports whether err is the caller's to fix (bad input, a
// conflict, a limit, a missing thing), and so a message on the page
// rather than a failure.
func refusal(err error) bool {
	switch belfry.ErrorKind(err) {
	case belfry.BadRequest, belfry.NotFound, belfry.Conflict, belfry.Forbidden, belfry.LimitExceeded,
		belfry.Unprocessable, belfry.Throttled:
		return true
	}
	return false
}

// after finishes a change: back to path with note when it worked, the
// page again (show) with the reason when the caller can fix it, and a
// failure page otherwise.
func (s *Server) after(w http.ResponseWriter, r *http.Request, err error, path, note string, show func(status int, problem string)) {
	switch {
	case err == nil:
		back(w, r, path, note)
	case refusal(err):
		show(http.StatusBadRequest, belfry.ErrorMessage(err))
	default:
		s.failed(w, r, err)
	}
}

// notFound answers a console page about something the key cannot see,
// the same whether it does not exist or belongs to another AWS account.
func (s *Server) notFound(w http.ResponseWriter, what string) {
	s.problem(w, http.StatusNotFound, "Not found", "There is no such "+what+" among your access key's accounts.",
		"Go back to the console's accounts and pick one from the list.")
}

// adminPages are the console's templates, each parsed with the layout and
// admin_frame.html.
var adminPages = []string{"admin_signin", "admin_accounts", "admin_account", "admin_rooms", "admin_room", "admin_bots", "admin_bot", "admin_jobs", "admin_audit", "admin_phones", "admin_phone"}

// routeConsole adds the console's routes: pages are GETs, and every
// change is a POST from a console page.
func (s *Server) routeConsole() {
	const acct = adminPrefix + "accounts/{account}"
	for pattern, h := range map[string]http.HandlerFunc{
		"GET " + adminPrefix + "{$}":                                 s.consoleHome,
		"POST " + adminSignInsPath:                                   s.adminSignIn,
		"POST " + adminPrefix + "signout":                            s.adminSignOut,
		"POST " + adminPrefix + "accounts":                           s.createAccount,
		"GET " + adminPrefix + "jobs":                                s.showJobs,
		"GET " + adminPrefix + "audit":                               s.showAudit,
		"GET " + phonesPath:                                          s.showPhones,
		"GET " + phonesPath + "/{number}":                            s.showPhone,
		"POST " + phonesPath + "/{number}/{action}":                  s.phoneAction,
		"GET " + acct:                                                s.accountPage(s.showAccount),
		"POST " + acct + "/rename":                                   s.renameAccount,
		"POST " + acct + "/domains":                                  s.claimDomain,
		"POST " + acct + "/domains/release":                          s.releaseDomain,
		"POST " + acct + "/invite":                                   s.inviteUsers,
		"POST " + acct + "/users/{user}/{action}":                    s.userAction,
		"GET " + acct + "/bots":                                      s.accountPage(s.showBots),
		"POST " + acct + "/bots":                                     s.createBot,
		"GET " + acct + "/bots/{bot}":                                s.accountPage(s.showBot),
		"POST " + acct + "/bots/{bot}/{action}":                      s.botAction,
		"GET " + acct + "/rooms":                                     s.accountPage(s.showRooms),
		"POST " + acct + "/rooms":                                    s.createRoom,
		"GET " + acct + "/rooms/{room}":                              s.accountPage(s.showRoom),
		"POST " + acct + "/rooms/{room}/rename":                      s.renameRoom,
		"POST " + acct + "/rooms/{room}/delete":                      s.deleteRoom,
		"POST " + acct + "/rooms/{room}/members":                     s.addRoomMember,
		"POST " + acct + "/rooms/{room}/members/{member}/{action}":   s.changeRoomMember,
		"POST " + acct + "/rooms/{room}/webhooks":                    s.createRoomWebhook,
		"POST " + acct + "/rooms/{room}/webhooks/{webhook}/{action}": s.changeRoomWebhook,
	} {
		s.mux.HandleFunc(pattern, h)
	}
}
