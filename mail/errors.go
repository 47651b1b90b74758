package mail

import (
	"errors"
	"net/textproto"

	gomail "github.com/wneessen/go-mail"
)

// Permanent reports whether err means the message will never be accepted,
// so that retrying it would only annoy the mail server: a 5xx reply to
// MAIL FROM, RCPT TO or DATA, a message that cannot be written at all, or
// one with a non-ASCII address for a server without SMTPUTF8. Everything
// else (4xx replies, refused or dropped connections, timeouts, TLS and
// AUTH failures, DNS errors) is temporary: the server or the network may
// well be fine again later, and an operator can fix the configuration
// without losing the invitations queued meanwhile.
func Permanent(err error) bool {
	if err == nil {
		return false
	}
	var p *permanentError
	if errors.As(err, &p) || errors.Is(err, ErrNoSMTPUTF8) {
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

// answered reports whether the mail server was reached and replied: err
// is nil, permanent, or carries an SMTP reply code, such as a 4xx
// greylisting or a full mailbox, or a refused AUTH. Only failures to reach
// or speak with the server (dial, DNS, TLS, timeouts, dropped
// connections) carry none; they are what make waiting for delivery futile.
func answered(err error) bool {
	if err == nil || Permanent(err) {
		return true
	}
	var se *gomail.SendError
	if errors.As(err, &se) {
		return se.ErrorCode() >= 200
	}
	var te *textproto.Error
	return errors.As(err, &te) && te.Code >= 200
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

// ErrNoSMTPUTF8 is why a message to or from an address with a non-ASCII
// local part fails for good when the mail server does not advertise
// SMTPUTF8 (RFC 6531): such a server would refuse it anyway (Postfix: 553
// 5.6.7 Must declare SMTPUTF8), and Belfry says so in words an operator can
// act on.
var ErrNoSMTPUTF8 = errors.New("the mail server does not accept non-ASCII addresses (SMTPUTF8)")

// permanentError is a message that cannot be built, such as one with an
// address that does not parse: no server will ever take it.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return "cannot write message: " + e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }
