package webhook_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/sqlite"
	"github.com/belfryhq/belfry/storetest"
	"github.com/belfryhq/belfry/webhook"
)

// harness is a real webhook server over a real SQLite store, with a room
// to post in and a clock the test moves.
type harness struct {
	t    *testing.T
	svc  *belfry.Service
	srv  *httptest.Server
	acct *belfry.Account
	room *belfry.Room

	mu  sync.Mutex
	now time.Time
}

func newHarness(t *testing.T, burst int) *harness {
	t.Helper()
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "belfry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	h := &harness{t: t, now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	h.svc = &belfry.Service{Store: store, Clock: h.clock}
	h.acct, h.room, _ = storetest.SeedRoom(t, store)
	h.srv = httptest.NewServer(webhook.New(webhook.Config{Service: h.svc, Burst: burst}))
	t.Cleanup(h.srv.Close)
	h.svc.Invitations.PublicURL = h.srv.URL
	return h
}

func (h *harness) clock() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now
}

func (h *harness) advance(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.now = h.now.Add(d)
}

// hook makes a webhook of the harness's room and returns its URL.
func (h *harness) hook(name string) (*belfry.Webhook, string) {
	h.t.Helper()
	w, u, err := h.svc.CreateWebhook(h.t.Context(), h.acct.ID, h.room.ID, name)
	if err != nil {
		h.t.Fatalf("CreateWebhook(%s) = %v", name, err)
	}
	return w, u
}

// answer is what a post got back.
type answer struct {
	Status     int
	RetryAfter string
	Allow      string
	Code       string
	Message    string
	MessageID  string
}

// post sends body to url with method and content type, as a client
// would, and reads the answer.
func (h *harness) post(method, url, contentType, body string) answer {
	h.t.Helper()
	req, err := http.NewRequestWithContext(h.t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return h.do(req)
}

func (h *harness) do(req *http.Request) answer {
	h.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{Status: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After"), Allow: resp.Header.Get("Allow")}
	var body struct{ Code, Message, MessageId string }
	if req.Method != http.MethodHead {
		if err := json.Unmarshal(raw, &body); err != nil {
			h.t.Fatalf("%s %s answered %d with %q, which is not JSON: %v", req.Method, req.URL, resp.StatusCode, raw, err)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			h.t.Errorf("%s %s answered Content-Type %q; want application/json", req.Method, req.URL, ct)
		}
	}
	a.Code, a.Message, a.MessageID = body.Code, body.Message, body.MessageId
	return a
}

// history returns the room's messages, oldest first.
func (h *harness) history() []*belfry.Message {
	h.t.Helper()
	ms, err := h.svc.History(h.t.Context(), h.acct.ID, belfry.Thread{RoomID: h.room.ID}, 0, 0)
	if err != nil {
		h.t.Fatalf("History() = %v", err)
	}
	return ms
}

// jsonBody returns {"Content": content} as JSON.
func jsonBody(key, content string) string {
	b, _ := json.Marshal(map[string]string{key: content})
	return string(b)
}

func wantStatus(t *testing.T, what string, got answer, status int, words ...string) {
	t.Helper()
	if got.Status != status {
		t.Errorf("%s = %d %s %q; want %d", what, got.Status, got.Code, got.Message, status)
		return
	}
	for _, w := range words {
		if !strings.Contains(got.Message, w) {
			t.Errorf("%s answered %q; want it to say %q", what, got.Message, w)
		}
	}
	if status != http.StatusOK && got.Message == "" {
		t.Errorf("%s answered %d without a message saying what to do", what, status)
	}
}
