package mail

import (
	"errors"

	gomail "github.com/wneessen/go-mail"
)

// Permanent reports whether err means the message will never be accepted,
// so that retrying it would only annoy the mail server: a 5xx reply to
// MAIL FROM, RCPT TO or DATA, or a message that cannot be written at all.
// Everything else (4xx replies, refused or dropped connections, timeouts,
// TLS and AUTH failures, DNS errors) is temporary: the server or the
// network may well be fine again later, and an operator can fix the
// configuration without losing the invitations queued meanwhile.
func Permanent(err error) bool {
	if err == nil {
		return false
	}
	var p *permanentError
	if errors.As(err, &p) {
		return true
	}
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return false
	}
	switch se.Reason {
	case gomail.ErrSMTPMailFrom, gomail.ErrSMTPRcptTo, gomail.ErrSMTPData, gomail.ErrSMTPDataClose:
		code := se.ErrorCode()
		return code >= 500 && code < 600
	case gomail.ErrGetSender, gomail.ErrGetRcpts, gomail.ErrNoUnencoded:
		return true
	}
	return false
}

// stale reports whether err is a kept connection found dead before the
// transaction began (the server dropped it while idle, perhaps leaving a
// 421 behind): nothing was sent, so the message can go at once on a fresh
// connection.
func stale(err error) bool {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return false
	}
	switch se.Reason {
	case gomail.ErrConnCheck:
		return true
	case gomail.ErrSMTPMailFrom:
		code := se.ErrorCode()
		return code == 0 || code == 421
	}
	return false
}

// permanentError is a message that cannot be built, such as one with an
// address that does not parse: no server will ever take it.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return "cannot write message: " + e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }
