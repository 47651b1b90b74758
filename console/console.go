// Package console serves Belfry's own web pages: today the page where an
// invitee accepts an invitation and the signed-in page that follows it.
// The pages need no JavaScript and fit a phone's screen.
package console

import (
	"bytes"
	"cmp"
	"context"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/google/uuid"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

var pages = map[string]*template.Template{}

// fragment renders one message alone, for a live page to insert: the
// same template the thread page uses, so both show a message alike.
var fragment = template.Must(template.ParseFS(templateFS, "templates/message.html"))

func init() {
	for _, name := range []string{"accept", "welcome", "problem", "thread", "signin"} {
		pages[name] = template.Must(template.ParseFS(templateFS, "templates/layout.html", "templates/message.html", "templates/"+name+".html"))
	}
	for _, name := range adminPages {
		pages[name] = template.Must(template.ParseFS(templateFS, "templates/layout.html", "templates/admin_frame.html", "templates/"+name+".html"))
	}
}

// Server is the handler of Belfry's pages.
type Server struct {
	svc      *belfry.Service
	sessions sessions
	log      *slog.Logger
	mux      *http.ServeMux
	markdown *Markdown
	hub      *hub
	// live spares a thread's streams from repeating each other's work.
	live liveCache
	// unsubscribe stops the hub hearing the service's events.
	unsubscribe func()
	keepalive   time.Duration
	recheck     time.Duration
	// signInsPerAddress and signInsPerClient bound the sign-in form.
	signInsPerAddress, signInsPerClient *limiter
	// root is Belfry's root key, which the administrators' console takes
	// as the API does; adminFailures and keyFailures count failed console
	// sign-ins by client address and by key ID.
	root                       *belfry.AccessKey
	adminFailures, keyFailures *limiter
}

// Config is what a Server needs.
type Config struct {
	Service *belfry.Service
	// SessionKey signs session cookies. Replicas must share it.
	SessionKey []byte
	// Secure marks cookies Secure, for a Belfry reached over HTTPS.
	Secure bool
	Logger *slog.Logger
	// Keepalive is how often an idle live stream sends a comment, so
	// that proxies keep it open; 0 means 25 seconds.
	Keepalive time.Duration
	// Recheck is how often a live stream checks that its session still
	// holds and its member is still in the thread, when no event comes
	// to make it check; 0 means 30 seconds.
	Recheck time.Duration
	// Root is Belfry's root access key, which signs in to the
	// administrators' console like any stored key.
	Root *belfry.AccessKey
}

// New returns a Server.
func New(cfg Config) *Server {
	s := &Server{
		svc:               cfg.Service,
		sessions:          sessions{key: cfg.SessionKey, secure: cfg.Secure, now: cfg.Service.Now},
		log:               cfg.Logger,
		mux:               http.NewServeMux(),
		markdown:          NewMarkdown(),
		hub:               newHub(subscriberQueue),
		keepalive:         cmp.Or(cfg.Keepalive, 25*time.Second),
		recheck:           cmp.Or(cfg.Recheck, 30*time.Second),
		unsubscribe:       func() {},
		signInsPerAddress: newLimiter(maxSignInsPerAddress, signInWindow, cfg.Service.Now),
		signInsPerClient:  newLimiter(maxSignInsPerClient, signInWindow, cfg.Service.Now),
		root:              cfg.Root,
		adminFailures:     newLimiter(maxAdminFailures, signInWindow, cfg.Service.Now),
		keyFailures:       newLimiter(maxKeyFailures, signInWindow, cfg.Service.Now),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if cfg.Service.Events != nil {
		s.unsubscribe = cfg.Service.Events.Subscribe(s.hub.deliver)
	}
	s.mux.HandleFunc("GET /invitations/{token}", s.showInvitation)
	s.mux.HandleFunc("POST /invitations/{token}", s.acceptInvitation)
	s.mux.HandleFunc("GET /welcome", s.welcome)
	s.mux.HandleFunc("POST /signout", s.signOut)
	s.mux.HandleFunc("GET /{$}", s.start)
	s.mux.HandleFunc("POST /signin", s.requestSignIn)
	s.mux.HandleFunc("GET /signin/{token}", s.showSignIn)
	s.mux.HandleFunc("POST /signin/{token}", s.signIn)
	s.mux.HandleFunc("POST /conversations", s.startConversation)
	s.mux.HandleFunc("POST /rooms/{room}/members", s.addMember)
	s.mux.HandleFunc("POST /rooms/{room}/members/{member}/remove", s.removeMember)
	s.mux.HandleFunc("POST /rooms/{room}/webhooks", s.createWebhook)
	s.mux.HandleFunc("POST /rooms/{room}/webhooks/{webhook}/rename", s.renameWebhook)
	s.mux.HandleFunc("POST /rooms/{room}/webhooks/{webhook}/regenerate", s.regenerateWebhook)
	s.mux.HandleFunc("POST /rooms/{room}/webhooks/{webhook}/delete", s.deleteWebhook)
	for _, prefix := range []string{"/rooms/{room}", "/conversations/{conversation}"} {
		s.mux.HandleFunc("GET "+prefix, s.showThread)
		s.mux.HandleFunc("POST "+prefix+"/messages", s.postMessage)
		s.mux.HandleFunc("GET "+prefix+"/events", s.stream)
	}
	s.routeConsole()
	s.mux.Handle("GET /static/", http.FileServerFS(staticFS))
	return s
}

// Close stops the Server hearing the service's events. Open streams end
// with their requests.
func (s *Server) Close() { s.unsubscribe() }

// Owns reports whether path is one of the console's pages, so that a
// front handler can send everything else to the API.
func Owns(path string) bool {
	if path == "/" {
		return true
	}
	for _, p := range []string{"/invitations/", "/welcome", "/signout", "/signin", "/signin/", "/rooms/", "/conversations", "/conversations/", "/static/"} {
		if path == p || (p[len(p)-1] == '/' && len(path) > len(p) && path[:len(p)] == p) {
			return true
		}
	}
	return false
}

// OwnsRequest reports whether r is for the console rather than the API.
// The API takes an old-style /console prefix (chime-behaviour.md §1.1),
// so under /console the administrators' console takes only what a browser
// sends: a request signed with SigV4 is the API's.
func OwnsRequest(r *http.Request) bool {
	if r.URL.Path == "/console" || strings.HasPrefix(r.URL.Path, adminPrefix) {
		return !signedV4(r)
	}
	return Owns(r.URL.Path)
}

// signedV4 reports whether r carries a SigV4 signature, in its
// Authorization header or, presigned, in its query.
func signedV4(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-") || r.URL.Query().Has("X-Amz-Signature")
}

// ServeHTTP serves a page under a request ID of its own, which the answer
// carries in X-Request-Id and the log line of the request names.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := uuid.NewString()
	h := w.Header()
	h.Set("X-Request-Id", id)
	// The accept link's token is in the URL: keep it out of Referer
	// headers and caches.
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	defer s.finish(rec, r, id, start)
	r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
	if crossSite(r) {
		s.refuse(rec, r)
		return
	}
	s.mux.ServeHTTP(rec, r)
}

// finish logs the request in one line, and answers a handler's panic with
// a plain 500, its stack logged, rather than a dropped connection. The path
// is logged without an accept link's token (logPath): tokens never go to
// the log.
func (s *Server) finish(rec *recorder, r *http.Request, id string, start time.Time) {
	if v := recover(); v != nil {
		if v == http.ErrAbortHandler {
			panic(v)
		}
		s.log.Error("panic serving a page", "request_id", id, "path", logPath(r.URL.Path),
			"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		if !rec.wrote {
			http.Error(rec, "internal error", http.StatusInternalServerError)
		}
		rec.status = http.StatusInternalServerError
	}
	level := slog.LevelInfo
	if rec.status >= 500 {
		level = slog.LevelError
	}
	s.log.LogAttrs(context.Background(), level, "request", slog.String("request_id", id),
		slog.Int("status", rec.status), slog.Duration("duration", time.Since(start)),
		slog.String("method", r.Method), slog.String("path", logPath(r.URL.Path)))
}

// logPath is the path of a page as the log may show it: the token of an
// accept or sign-in link is left out.
func logPath(p string) string {
	for _, prefix := range []string{"/invitations/", "/signin/"} {
		if strings.HasPrefix(p, prefix) {
			return prefix + "…"
		}
	}
	return p
}

type requestIDKey struct{}

// requestID returns the ID of the request r is, for log lines.
func requestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey{}).(string)
	return id
}

// recorder remembers the status a handler answered.
type recorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// render writes page name with status. A template error is the program's
// fault: it is logged and answered with a plain 500.
func (s *Server) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pages[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.log.Error("rendering a page", "page", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

type problemPage struct {
	Title, Message, Advice string
}

func (s *Server) problem(w http.ResponseWriter, status int, title, message, advice string) {
	s.render(w, status, "problem", problemPage{Title: title, Message: message, Advice: advice})
}
