// Package api serves the Amazon Chime administration API (service chime,
// version 2018-05-01) over REST-JSON with SigV4, on top of belfry.Service.
// Routes, success codes, error lists and validation rules come from the
// service model (model_gen.go).
package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/sigv4"
	"github.com/google/uuid"
)

// MaxBodyBytes bounds a request body. The largest valid Chime request (50
// e-mail addresses) is a few kilobytes.
const MaxBodyBytes = 256 << 10

// Server is the HTTP handler of the Chime API and of Belfry's operator API.
type Server struct {
	svc      *belfry.Service
	keys     *keyring
	verifier *sigv4.Verifier
	router   *router
	log      *slog.Logger
	handlers map[string]handler
	bufs     sync.Pool
	// throttler, when set, limits each access key's request rate.
	throttler Throttle
	// observe, when set, hears of every request answered (metrics).
	observe func(operation string, status int, took time.Duration)
	// test is the test API's state, when it is on (testapi.go).
	test *testAPI
}

// Config is what a Server needs.
type Config struct {
	Service *belfry.Service
	// Root is the operator's key: it signs operator requests, and also
	// works as an ordinary key of its AWS account.
	Root   *belfry.AccessKey
	Logger *slog.Logger
	// Now tells the time for signature checks; nil means time.Now.
	Now func() time.Time
	// Throttle, when set, limits each access key's rate of Chime API
	// requests (throttle.go); nil means no limit.
	Throttle Throttle
	// Observe, when set, hears of every request answered: its operation
	// (observedOperation), status and duration, for the metrics.
	Observe func(operation string, status int, took time.Duration)
	// TestAPI turns on the developers' test API under /_belfry/test/
	// (testapi.go): reset, fault injection, recent requests.
	TestAPI bool
}

// New returns a Server.
func New(cfg Config) *Server {
	s := &Server{
		svc:    cfg.Service,
		keys:   newKeyring(cfg.Service, cfg.Root),
		router: newRouter(operations),
		log:    cfg.Logger,

		throttler: cfg.Throttle,
		observe:   cfg.Observe,
	}
	if cfg.TestAPI {
		s.test = newTestAPI()
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.verifier = &sigv4.Verifier{Service: "chime", Region: "us-east-1", Keys: s.keys, Now: cfg.Now}
	s.handlers = chimeHandlers()
	s.bufs.New = func() any { return new(bytes.Buffer) }
	return s
}

// A call is one API request on its way through the server.
type call struct {
	w      http.ResponseWriter
	r      *http.Request
	op     *operation
	labels map[string]string
	query  url.Values
	body   []byte
	in     document // the body, decoded and checked against the model
	caller belfry.Caller
	key    *belfry.AccessKey
	id     string
	// refusedBody is set when the body was refused for its size before it
	// was read to its end: the client may still be sending it.
	refusedBody bool
}

// ctx returns the request context, carrying the caller for the service.
func (c *call) ctx() context.Context {
	return belfry.WithCaller(c.r.Context(), c.caller)
}

// A handler carries out one operation: it decodes, calls the service and
// returns the output to encode with the operation's success code.
type handler func(s *Server, c *call) (any, error)

// requestTimeout bounds a request's work, so that a database that stops
// answering gives the client a 503 rather than a hang.
const requestTimeout = 30 * time.Second

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
	defer cancel()
	r = r.WithContext(ctx)
	start := time.Now()
	c := &call{w: w, r: r, id: uuid.NewString()}
	w.Header().Set("x-amzn-RequestId", c.id)
	defer s.recoverPanic(c, start)
	status, err := s.serve(c)
	if err != nil {
		status = writeError(w, c.op, err)
	}
	if c.refusedBody {
		drainBody(c)
	}
	s.logCall(c, status, start, err)
}

// recoverPanic answers a request whose handling panicked as the unexpected
// failure it is, a 500 ServiceFailureException with a safe message, rather
// than letting net/http drop the connection with no answer; the panic and
// its stack go to the log with the request ID.
func (s *Server) recoverPanic(c *call, start time.Time) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	err := fmt.Errorf("panic: %v", v)
	s.log.LogAttrs(context.Background(), slog.LevelError, "panic serving a request",
		slog.String("request_id", c.id), slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
	s.logCall(c, writeError(c.w, c.op, err), start, err)
}

func (s *Server) serve(c *call) (int, error) {
	switch c.r.URL.Path {
	case "/healthz":
		return s.healthz(c), nil
	case "/readyz":
		return s.readyz(c), nil
	}
	c.query = c.r.URL.Query()
	if isOperatorPath(c.r.URL.Path) {
		return s.serveOperator(c)
	}
	op, labels, ok := s.router.match(c.r.Method, c.r.URL.EscapedPath(), c.query)
	if !ok {
		return 0, badRequest("no Chime API operation matches %s %s", c.r.Method, redactPath(c.r.URL.RequestURI()))
	}
	c.op, c.labels = op, labels
	buf := s.bufs.Get().(*bytes.Buffer)
	defer s.putBuf(buf)
	if err := s.authenticate(c, buf); err != nil {
		return 0, err
	}
	if err := s.throttle(c); err != nil {
		return 0, err
	}
	if err := s.test.inject(c); err != nil {
		return 0, err
	}
	h := s.handlers[op.Name]
	in, err := validateInput(op, labels, c.query, c.body)
	if err != nil {
		return 0, err
	}
	c.in = in
	s.audit(c, op.Name)
	out, err := h(s, c)
	if err != nil {
		return 0, err
	}
	return s.writeOutput(c, op.Code, out), nil
}

func (s *Server) putBuf(b *bytes.Buffer) {
	if b.Cap() <= MaxBodyBytes {
		b.Reset()
		s.bufs.Put(b)
	}
}

// authenticate reads the body and checks the request's signature, filling
// the call's caller.
func (s *Server) authenticate(c *call, buf *bytes.Buffer) error {
	if c.r.ContentLength > MaxBodyBytes {
		refuseBody(c)
		return badRequest("the request body is %d bytes; at most %d are accepted", c.r.ContentLength, MaxBodyBytes)
	}
	if _, err := buf.ReadFrom(io.LimitReader(c.r.Body, MaxBodyBytes+1)); err != nil {
		return badRequest("the request body could not be read: %v", err)
	}
	if buf.Len() > MaxBodyBytes {
		refuseBody(c)
		return badRequest("the request body is over %d bytes", MaxBodyBytes)
	}
	c.body = buf.Bytes()
	keyID, err := s.verifier.Verify(c.r, c.body)
	if err != nil {
		return signatureError(err)
	}
	k, err := s.keys.key(c.r.Context(), keyID)
	if err != nil {
		return signatureError(err)
	}
	c.key = k
	c.caller = belfry.Caller{AwsAccountID: k.AwsAccountID, AccessKeyID: k.ID, ARN: k.ARN()}
	return nil
}

// signatureError classes a failed signature check as DECISIONS.md says: 401
// for a missing or unknown credential, 403 for a bad signature or date.
func signatureError(err error) error {
	switch {
	case errors.Is(err, sigv4.ErrMissing), errors.Is(err, sigv4.ErrUnknownKey):
		return &belfry.Error{Kind: belfry.Unauthorized, Message: err.Error()}
	case errors.Is(err, sigv4.ErrMalformed), errors.Is(err, sigv4.ErrBadSignature), errors.Is(err, sigv4.ErrExpired):
		return &belfry.Error{Kind: belfry.Forbidden, Message: err.Error()}
	}
	return err
}

// writeOutput answers with the operation's success code: 204 with no body
// (chime-behaviour.md §1.4), any other with out as JSON, {} when out is nil.
func (s *Server) writeOutput(c *call, code int, out any) int {
	if code == http.StatusNoContent {
		c.w.WriteHeader(code)
		return code
	}
	if out == nil {
		out = struct{}{}
	}
	writeJSON(c.w, code, out)
	return code
}

func (s *Server) logCall(c *call, status int, start time.Time, err error) {
	if s.observe != nil {
		s.observe(observedOperation(c), status, time.Since(start))
	}
	s.test.record(c, status, start)
	level := slog.LevelInfo
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs, slog.String("request_id", c.id), slog.Int("status", status),
		slog.Duration("duration", time.Since(start)), slog.String("method", c.r.Method))
	if c.op != nil {
		attrs = append(attrs, slog.String("operation", c.op.Name))
	} else {
		attrs = append(attrs, slog.String("path", redactPath(c.r.URL.Path)))
	}
	if a := c.labels["accountId"]; a != "" {
		attrs = append(attrs, slog.String("account", a))
	}
	if c.key != nil {
		attrs = append(attrs, slog.String("access_key", c.key.ID))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
		if isInternal(err) {
			level = slog.LevelError
		}
	}
	s.log.LogAttrs(context.Background(), level, "request", attrs...)
}

// redactPath keeps an invitation token that strayed to the API, as in a
// mistyped accept link, out of the log and of the messages that go to it.
func redactPath(p string) string {
	const marker = "invitations/"
	if i := strings.Index(strings.ToLower(p), marker); i >= 0 && len(p) > i+len(marker) {
		return p[:i+len(marker)] + "…"
	}
	return p
}

func (s *Server) healthz(c *call) int {
	c.w.Header().Set("Content-Type", "text/plain")
	c.w.WriteHeader(http.StatusOK)
	io.WriteString(c.w, "ok\n")
	return http.StatusOK
}

// readyz answers 200 when the store can serve requests, writes included
// (belfry.Store's Ping), so a load balancer sends traffic only to replicas that can
// serve it. A 503 says why in one line, such as "not ready: writes fail:
// the disk is full", in the store's safe words; the detail goes to the log.
func (s *Server) readyz(c *call) int {
	ctx, cancel := context.WithTimeout(c.r.Context(), 2*time.Second)
	defer cancel()
	status, text := http.StatusOK, "ready\n"
	if err := s.svc.Ping(ctx); err != nil {
		status, text = http.StatusServiceUnavailable, "not ready: "+readiness(err)+"\n"
		s.log.Error("readiness check failed", "error", err)
	}
	c.w.Header().Set("Content-Type", "text/plain")
	c.w.WriteHeader(status)
	io.WriteString(c.w, text)
	return status
}

// readiness is why a failed Ping makes the server unready: the message of a
// Belfry error, or, for a store that gave no reason, that it does not answer.
func readiness(err error) string {
	var e *belfry.Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "the store does not answer"
}
