// Package lambdatest runs a server for tests that answers AWS Lambda's
// Invoke API as Lambda does on the wire, so that Belfry's Lambda delivery
// is tested through the real aws-sdk-go-v2 client rather than against a
// fake of it: POST /2015-03-31/functions/{FunctionName}/invocations,
// signed with SigV4 for service lambda in the region the function's ARN
// names, X-Amz-Invocation-Type (RequestResponse, Event, DryRun),
// X-Amz-Client-Context in base64, X-Amz-Function-Error when the function
// fails, and Lambda's errors (X-Amzn-ErrorType and a JSON body). It runs
// the functions a test registers and records every invocation.
package lambdatest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/belfryhq/belfry/sigv4"
)

// Invocation is one request that passed the signature check.
type Invocation struct {
	// FunctionName is the path's, unescaped: a name or an ARN.
	FunctionName string
	// Type is X-Amz-Invocation-Type, RequestResponse when absent.
	Type string
	// ClientContext is X-Amz-Client-Context decoded from base64; nil when
	// the request had none.
	ClientContext []byte
	Payload       []byte
	// AccessKeyID and Region are the signature's key and scope.
	AccessKeyID, Region string
}

// Func is a function's code. It returns the payload to answer, or an
// error: an *Error is answered as Lambda's own error (throttling, access
// denied), any other as the function's failure, with X-Amz-Function-Error.
// A Func sees dry runs too, so that a test can refuse one as Lambda would;
// Lambda runs no code on a dry run, but a plain error there is answered
// as a function error all the same, so that a test can check that a
// caller takes any X-Amz-Function-Error for a failure.
type Func func(Invocation) ([]byte, error)

// Error is an answer of Lambda's API itself.
type Error struct {
	Status  int
	Type    string // X-Amzn-ErrorType, such as TooManyRequestsException
	Message string
}

func (e *Error) Error() string { return e.Type + ": " + e.Message }

// Server is a running Lambda Invoke API. Its methods are safe for
// concurrent use.
type Server struct {
	*httptest.Server
	// KeyID and Secret are the only access key the server accepts.
	KeyID, Secret string

	mu    sync.Mutex
	funcs map[string]Func
	calls []Invocation
}

// maxPayload is Lambda's limit on a synchronous invocation's payload.
const maxPayload = 6 << 20

// New starts a server with a fresh access key, closed when t ends.
func New(t testing.TB) *Server {
	s := &Server{KeyID: "AKIA" + strings.ToUpper(random(8)), Secret: random(30),
		funcs: map[string]Func{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func random(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)[:n]
}

// Function makes name (as a caller names it: the function's ARN) run fn.
func (s *Server) Function(name string, fn Func) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.funcs[name] = fn
}

// Invocations returns the invocations so far, oldest first.
func (s *Server) Invocations() []Invocation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Invocation(nil), s.calls...)
}

// keys is sigv4.Keys for the server's one key.
type keys struct{ id, secret string }

func (k keys) Secret(_ context.Context, id string) (string, error) {
	if id != k.id {
		return "", sigv4.ErrUnknownKey
	}
	return k.secret, nil
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	name, ok := functionName(r)
	if !ok {
		answerError(w, &Error{http.StatusNotFound, "UnknownOperationException", "Unknown operation " + r.Method + " " + r.URL.Path})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxPayload+1))
	if err != nil || len(body) > maxPayload {
		answerError(w, &Error{http.StatusRequestEntityTooLarge, "RequestTooLargeException", "Request must be smaller than 6291456 bytes for the InvokeFunction operation"})
		return
	}
	inv, e := s.check(r, name, body)
	if e != nil {
		answerError(w, e)
		return
	}
	s.mu.Lock()
	s.calls = append(s.calls, inv)
	fn := s.funcs[name]
	s.mu.Unlock()
	if fn == nil {
		answerError(w, &Error{http.StatusNotFound, "ResourceNotFoundException", "Function not found: " + name})
		return
	}
	answer(w, inv, fn)
}

// functionName returns the FunctionName of an Invoke request's path.
func functionName(r *http.Request) (string, bool) {
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/2015-03-31/functions/")
	if !ok || r.Method != http.MethodPost {
		return "", false
	}
	escaped, ok := strings.CutSuffix(rest, "/invocations")
	if !ok || escaped == "" || strings.Contains(escaped, "/") {
		return "", false
	}
	name, err := url.PathUnescape(escaped)
	return name, err == nil
}

// check verifies r's signature for the region name's ARN gives, and
// reads the invocation's headers as Lambda does.
func (s *Server) check(r *http.Request, name string, body []byte) (Invocation, *Error) {
	inv := Invocation{FunctionName: name, Type: r.Header.Get("X-Amz-Invocation-Type"), Payload: body,
		Region: regionOf(name)}
	v := &sigv4.Verifier{Service: "lambda", Region: inv.Region, Keys: keys{s.KeyID, s.Secret}}
	id, err := v.Verify(r, body)
	switch {
	case errors.Is(err, sigv4.ErrUnknownKey) || errors.Is(err, sigv4.ErrMissing):
		return inv, &Error{http.StatusForbidden, "UnrecognizedClientException", "The security token included in the request is invalid. " + err.Error()}
	case err != nil:
		return inv, &Error{http.StatusForbidden, "InvalidSignatureException", err.Error()}
	}
	inv.AccessKeyID = id
	switch inv.Type {
	case "":
		inv.Type = "RequestResponse"
	case "RequestResponse", "Event", "DryRun":
	default:
		return inv, &Error{http.StatusBadRequest, "InvalidParameterValueException", "Unsupported invocation type " + inv.Type}
	}
	if cc := r.Header.Get("X-Amz-Client-Context"); cc != "" {
		decoded, err := base64.StdEncoding.DecodeString(cc)
		if err != nil || len(cc) > 3583 || !json.Valid(decoded) {
			return inv, &Error{http.StatusBadRequest, "InvalidParameterValueException", "Client context must be a valid Base64-encoded JSON object."}
		}
		inv.ClientContext = decoded
	}
	return inv, nil
}

// regionOf returns the region of a function ARN, and us-east-1 for a
// bare name, which names none.
func regionOf(name string) string {
	if parts := strings.Split(name, ":"); len(parts) > 3 && parts[0] == "arn" {
		return parts[3]
	}
	return "us-east-1"
}

// answer runs fn and answers as Lambda does for inv's invocation type.
func answer(w http.ResponseWriter, inv Invocation, fn Func) {
	payload, err := fn(inv)
	var e *Error
	switch {
	case errors.As(err, &e):
		answerError(w, e)
		return
	case err != nil:
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		payload, _ = json.Marshal(map[string]any{"errorMessage": err.Error(), "errorType": "Error", "stackTrace": []string{}})
	}
	w.Header().Set("X-Amz-Executed-Version", "$LATEST")
	switch {
	case err == nil && inv.Type == "DryRun":
		w.WriteHeader(http.StatusNoContent)
	case err == nil && inv.Type == "Event":
		w.WriteHeader(http.StatusAccepted)
	default:
		w.Header().Set("Content-Type", "application/json")
		w.Write(payload)
	}
}

// answerError writes e as Lambda writes its errors.
func answerError(w http.ResponseWriter, e *Error) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", e.Type)
	w.WriteHeader(e.Status)
	json.NewEncoder(w).Encode(map[string]string{"Type": "User", "message": e.Message})
}

// Refuse returns a Func that Lambda does not run, answering an error of
// its own instead, such as 429 TooManyRequestsException.
func Refuse(status int, typ, message string) Func {
	return func(Invocation) ([]byte, error) { return nil, &Error{Status: status, Type: typ, Message: message} }
}
