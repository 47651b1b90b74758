package console

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/belfryhq/belfry"
)

// A session is a signed cookie naming a user and when it was issued. It
// holds no server state, so any replica can read it, and LogoutUser ends
// it by recording a time after which older sessions no longer count.

const (
	cookieName = "belfry_session"
	sessionTTL = 12 * time.Hour
)

type sessions struct {
	key    []byte
	secure bool
	now    func() time.Time
}

type session struct {
	accountID, userID string
	issued            time.Time
}

func (s sessions) sign(payload string) string {
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

func (s sessions) start(w http.ResponseWriter, u *belfry.User) {
	payload := u.AccountID + "|" + u.ID + "|" + strconv.FormatInt(s.now().UnixMicro(), 10)
	value := base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + s.sign(payload)
	http.SetCookie(w, &http.Cookie{
		Name: cookieName, Value: value, Path: "/", MaxAge: int(sessionTTL.Seconds()),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
}

func (s sessions) end(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode})
}

// read returns the request's session, if it carries a genuine, unexpired
// one.
func (s sessions) read(r *http.Request) (session, bool) {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return session{}, false
	}
	enc, sig, ok := strings.Cut(c.Value, ".")
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if !ok || err != nil || !hmac.Equal([]byte(sig), []byte(s.sign(string(raw)))) {
		return session{}, false
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 3 {
		return session{}, false
	}
	us, err := strconv.ParseInt(parts[2], 10, 64)
	issued := time.UnixMicro(us)
	if err != nil || s.now().Sub(issued) > sessionTTL {
		return session{}, false
	}
	return session{accountID: parts[0], userID: parts[1], issued: issued}, true
}
