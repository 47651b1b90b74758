// Package webhook serves incoming webhooks: POST
// /incomingwebhooks/ID?token=TOKEN posts a message into the webhook's room
// (chime-behaviour.md §3.7, DECISIONS.md "Incoming webhooks"), and bots'
// replies: POST /incomingwebhooks/bots/ACCOUNT/BOT/ROOM?token=TOKEN, the
// InboundHttpsEndpoint URL of a bot's event, posts as the bot
// (chime-behaviour.md §3.4), with the same limits. It is a wire
// of its own, neither the Chime API (no SigV4, no AWS error shape) nor the
// members' pages (no session, no CSRF), so it lives in its own package.
package webhook

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/belfryhq/belfry"
	"golang.org/x/time/rate"
)

// Prefix starts the path of every webhook URL.
const Prefix = "/incomingwebhooks/"

// MaxBody is the most bytes a post's body may have. Content of 4,096
// characters of four bytes each, escaped, fits well within it.
const MaxBody = 64 << 10

// Defaults of the rate limit: one post a second per webhook, as Chime
// allowed, with a burst of five.
const (
	DefaultRate  = 1.0
	DefaultBurst = 5
)

// Config configures a Server.
type Config struct {
	Service *belfry.Service
	// Rate is how many posts a second each webhook may make, and Burst
	// how many at once; zero means the defaults.
	Rate   float64
	Burst  int
	Logger *slog.Logger
}

// Server answers posts to webhook URLs.
type Server struct {
	svc    *belfry.Service
	limits *limiter
	log    *slog.Logger
}

// New returns a Server.
func New(cfg Config) *Server {
	if cfg.Rate <= 0 {
		cfg.Rate = DefaultRate
	}
	if cfg.Burst <= 0 {
		cfg.Burst = DefaultBurst
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Server{svc: cfg.Service, limits: newLimiter(rate.Limit(cfg.Rate), cfg.Burst, cfg.Service.Now), log: cfg.Logger}
}

// Owns says whether path is a webhook URL's, which the server answers.
func Owns(path string) bool { return strings.HasPrefix(path, Prefix) }

// ServeHTTP posts the body's content as the webhook the URL names.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	id := strings.TrimPrefix(r.URL.Path, Prefix)
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed",
			"a webhook URL takes only POST, with a JSON body such as {\"Content\": \"hello\"}")
		return
	}
	if retry, ok := s.limits.take(id); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(retry))
		writeError(w, http.StatusTooManyRequests, "TooManyRequests",
			"this webhook posts too often; wait "+strconv.Itoa(retry)+" s (Retry-After) and send the post again")
		return
	}
	content, status, msg := readContent(w, r)
	if status != 0 {
		writeError(w, status, http.StatusText(status), msg)
		return
	}
	m, err := s.post(r, id, content)
	if err != nil {
		s.fail(w, r, id, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(struct{ MessageId, RoomId string }{m.ID, m.RoomID})
}

// post posts content through the URL whose path after Prefix is id: a
// webhook's, or a bot's reply URL for a room (belfry.BotReplyPrefix,
// ACCOUNT/BOT/ROOM), which the InboundHttpsEndpoint of the bot's events
// carries.
func (s *Server) post(r *http.Request, id, content string) (*belfry.Message, error) {
	token := r.URL.Query().Get("token")
	rest, bot := strings.CutPrefix(r.URL.Path, belfry.BotReplyPrefix)
	if !bot {
		return s.svc.PostWebhookMessage(r.Context(), id, token, content)
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 {
		return nil, belfry.Errorf(belfry.NotFound, "a bot's URL is %sACCOUNT/BOT/ROOM?token=TOKEN, as its events carry it", belfry.BotReplyPrefix)
	}
	return s.svc.PostBotReply(r.Context(), parts[0], parts[1], parts[2], token, content)
}

// readContent reads the message from the body: a JSON object whatever the
// Content-Type says, its text under Content, content or text. It returns
// the status and message of an answer when the body is not such JSON.
func readContent(w http.ResponseWriter, r *http.Request) (string, int, string) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
		return "", http.StatusRequestEntityTooLarge, "the body is larger than 64 KiB; a post's Content has at most 4096 characters"
	}
	if err != nil {
		return "", http.StatusBadRequest, "the body could not be read; send it again"
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return "", http.StatusBadRequest, `the body must be a JSON object such as {"Content": "hello"}`
	}
	for _, key := range []string{"Content", "content", "text"} {
		raw, ok := fields[key]
		if !ok {
			continue
		}
		var content *string // nil for null, which is no string
		if err := json.Unmarshal(raw, &content); err != nil || content == nil {
			return "", http.StatusBadRequest, key + ` must be a JSON string, such as {"Content": "hello"}`
		}
		return *content, 0, ""
	}
	return "", http.StatusBadRequest, `the body has no Content: send {"Content": "your message"}`
}

// statuses are the answers to the service's error kinds.
var statuses = map[belfry.Kind]struct {
	status int
	code   string
}{
	belfry.BadRequest:    {http.StatusBadRequest, "BadRequest"},
	belfry.Forbidden:     {http.StatusForbidden, "Forbidden"},
	belfry.NotFound:      {http.StatusNotFound, "NotFound"},
	belfry.LimitExceeded: {http.StatusRequestEntityTooLarge, "ContentTooLong"},
	belfry.Throttled:     {http.StatusTooManyRequests, "TooManyRequests"},
}

// fail answers err. An error of no known kind is the service's own
// failure: 503, to be tried again, its detail only in the log.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, id string, err error) {
	kind := belfry.ErrorKind(err)
	if kind == belfry.NotFound {
		s.limits.forget(id)
	}
	if st, ok := statuses[kind]; ok {
		writeError(w, st.status, st.code, belfry.ErrorMessage(err))
		return
	}
	s.log.Error("webhook post failed", "webhook", id, "error", err, "remote", r.RemoteAddr)
	w.Header().Set("Retry-After", "1")
	writeError(w, http.StatusServiceUnavailable, "ServiceUnavailable",
		"Belfry could not store the post just now; send it again in a moment")
}

// writeError answers status with a JSON body that says what went wrong
// and what to do.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(struct{ Code, Message string }{code, msg})
}
