package belfry

import (
	"errors"
	"fmt"
)

// Kind classifies an Error so that each transport can answer it the way its
// clients expect, without the business code choosing a status code.
type Kind uint8

// The kinds of Error.
const (
	Internal Kind = iota
	BadRequest
	NotFound
	Conflict
	Forbidden
	Unauthorized
	Throttled
	LimitExceeded
	Unprocessable
	// Unavailable is a failure that may pass: the database did not answer
	// in time, or its storage failed (a full disk). Clients retry it.
	Unavailable
)

var kindNames = [...]string{
	Internal:      "internal",
	BadRequest:    "bad request",
	NotFound:      "not found",
	Conflict:      "conflict",
	Forbidden:     "forbidden",
	Unauthorized:  "unauthorized",
	Throttled:     "throttled",
	LimitExceeded: "limit exceeded",
	Unprocessable: "unprocessable",
	Unavailable:   "unavailable",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Error is the one error type of Belfry's domain. Message is safe to show to
// the caller; Err, when set, is the cause and is only logged.
type Error struct {
	Kind    Kind
	Message string
	Err     error
}

func (e *Error) Error() string {
	switch {
	case e.Err != nil && e.Message != "":
		return e.Message + ": " + e.Err.Error()
	case e.Err != nil:
		return e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of kind k with a formatted message.
func Errorf(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// ErrorKind returns the kind of the first *Error in err's chain, and Internal
// for any other non-nil error.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// ErrorMessage returns the caller-safe message of err: the message of its
// *Error, or a generic one for errors that are not Belfry's own.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "an internal error occurred"
}
