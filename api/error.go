package api

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"

	"github.com/belfryhq/belfry"
)

// exceptionOf maps each error kind to the Chime exception that carries it and
// the ErrorCode enum value that goes in the body's Code (chime-behaviour.md
// §1.6). The HTTP status comes from the model (exceptionStatus).
var exceptionOf = map[belfry.Kind]struct{ Type, Code string }{
	belfry.Internal:      {"ServiceFailureException", "ServiceFailure"},
	belfry.BadRequest:    {"BadRequestException", "BadRequest"},
	belfry.NotFound:      {"NotFoundException", "NotFound"},
	belfry.Conflict:      {"ConflictException", "Conflict"},
	belfry.Forbidden:     {"ForbiddenException", "Forbidden"},
	belfry.Unauthorized:  {"UnauthorizedClientException", "Unauthorized"},
	belfry.Throttled:     {"ThrottledClientException", "Throttled"},
	belfry.LimitExceeded: {"ResourceLimitExceededException", "ResourceLimitExceeded"},
	belfry.Unprocessable: {"UnprocessableEntityException", "Unprocessable"},
	belfry.Unavailable:   {"ServiceUnavailableException", "ServiceUnavailable"},
}

type errorBody struct {
	Code    string `json:"Code"`
	Message string `json:"Message"`
}

// writeError answers err the way both boto3 and aws-sdk-go-v2 map to the
// right exception: X-Amzn-ErrorType names the exception, the body carries
// Code and Message. A kind the operation does not model becomes
// BadRequestException, unless beyondModel lists it, so that Go callers still get a typed error; an
// unexpected error becomes a 500 with a safe message, its cause logged.
func writeError(w http.ResponseWriter, op *operation, err error) int {
	err = unavailable(err)
	if t := (*throttled)(nil); errors.As(err, &t) {
		return writeThrottled(w, t, belfry.ErrorMessage(err))
	}
	kind := belfry.ErrorKind(err)
	ex := exceptionOf[kind]
	if op != nil && kind != belfry.Internal && !slices.Contains(op.Errors, ex.Type) &&
		!slices.Contains(beyondModel[op.Name], ex.Type) {
		ex = exceptionOf[belfry.BadRequest]
	}
	status := exceptionStatus[ex.Type]
	w.Header().Set("X-Amzn-ErrorType", ex.Type)
	writeJSON(w, status, errorBody{Code: ex.Code, Message: belfry.ErrorMessage(err)})
	return status
}

func badRequest(format string, args ...any) error {
	return belfry.Errorf(belfry.BadRequest, format, args...)
}

// isInternal reports whether err is an unexpected failure worth logging in
// full.
func isInternal(err error) bool {
	var e *belfry.Error
	return !errors.As(err, &e) || e.Kind == belfry.Internal
}

// unavailable turns a store that did not answer in time, or whose
// connection failed, into a 503 ServiceUnavailableException: a failure that
// may pass, which the SDKs retry and a load balancer can route around,
// unlike the 500 of a fault in Belfry.
func unavailable(err error) error {
	var ne net.Error
	if belfry.ErrorKind(err) == belfry.Internal &&
		(errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne)) {
		return &belfry.Error{Kind: belfry.Unavailable, Message: "the database did not answer in time; try again", Err: err}
	}
	return err
}
