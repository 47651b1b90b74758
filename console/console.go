// Package console serves Belfry's own web pages: today the page where an
// invitee accepts an invitation and the signed-in page that follows it.
// The pages need no JavaScript and fit a phone's screen.
package console

import (
	"bytes"
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/belfryhq/belfry"
)

//go:embed templates/*.html
var templateFS embed.FS

var pages = map[string]*template.Template{}

func init() {
	for _, name := range []string{"accept", "welcome", "problem"} {
		pages[name] = template.Must(template.ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
}

// Server is the handler of Belfry's pages.
type Server struct {
	svc      *belfry.Service
	sessions sessions
	log      *slog.Logger
	mux      *http.ServeMux
}

// Config is what a Server needs.
type Config struct {
	Service *belfry.Service
	// SessionKey signs session cookies. Replicas must share it.
	SessionKey []byte
	// Secure marks cookies Secure, for a Belfry reached over HTTPS.
	Secure bool
	Logger *slog.Logger
}

// New returns a Server.
func New(cfg Config) *Server {
	s := &Server{
		svc:      cfg.Service,
		sessions: sessions{key: cfg.SessionKey, secure: cfg.Secure, now: time.Now},
		log:      cfg.Logger,
		mux:      http.NewServeMux(),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.mux.HandleFunc("GET /invitations/{token}", s.showInvitation)
	s.mux.HandleFunc("POST /invitations/{token}", s.acceptInvitation)
	s.mux.HandleFunc("GET /welcome", s.welcome)
	s.mux.HandleFunc("POST /signout", s.signOut)
	return s
}

// Owns reports whether path is one of the console's pages, so that a
// front handler can send everything else to the API.
func Owns(path string) bool {
	for _, p := range []string{"/invitations/", "/welcome", "/signout"} {
		if path == p || (p[len(p)-1] == '/' && len(path) > len(p) && path[:len(p)] == p) {
			return true
		}
	}
	return false
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// The accept link's token is in the URL: keep it out of Referer
	// headers and caches.
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	s.mux.ServeHTTP(w, r)
}

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
