package console

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/belfryhq/belfry"
)

// stream serves a thread's live events (server-sent events) to a member
// of it. A client that reconnects sends the Seq of the last message it got
// as Last-Event-ID (a fresh page sends it as ?after=), and the stream
// replays what came since from the store before going live: it subscribes
// first and replays second, and skips what it already sent, so nothing
// falls in the gap between the two. The stream ends when the member's
// session ends or they leave the thread, checked on every event and on a
// timer, and when the hub drops it for falling behind.
func (s *Server) stream(w http.ResponseWriter, r *http.Request) {
	m, err := s.member(r)
	if err != nil {
		http.Error(w, "sign in to Belfry first", http.StatusUnauthorized)
		return
	}
	t, ok := s.streamThread(w, r, m)
	if !ok {
		return
	}
	sub, cancel := s.hub.subscribe(m.account.ID, t)
	defer cancel()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	out := &eventWriter{w: w, rc: http.NewResponseController(w)}
	out.write("retry: 2000\n\n")
	sent, ok := int64(0), true
	if since, replay := lastEventID(r); replay {
		sent, ok = s.replay(r.Context(), out, m, t, since)
	}
	if ok {
		s.follow(r.Context(), out, m, t, sub, sent)
	}
}

// streamThread is threadOf for a stream: plain answers, not pages.
func (s *Server) streamThread(w http.ResponseWriter, r *http.Request, m *member) (belfry.Thread, bool) {
	t := belfry.Thread{RoomID: r.PathValue("room"), ConversationID: r.PathValue("conversation")}
	in, err := s.svc.InThread(r.Context(), m.account.ID, t, m.user.ID)
	switch {
	case err != nil && belfry.ErrorKind(err) != belfry.NotFound:
		s.log.Error("stream", "request_id", requestID(r), "error", err)
		http.Error(w, "try again later", http.StatusServiceUnavailable)
		return t, false
	case err != nil || !in:
		http.Error(w, "no such room or conversation", http.StatusNotFound)
		return t, false
	}
	return t, true
}

// lastEventID is the Seq the client last got: Last-Event-ID on a
// reconnection, ?after= from the page on the first connection (0 for a
// page that showed no message yet). ok is false for a client that gives
// neither, which gets only what comes from now on.
func lastEventID(r *http.Request) (seq int64, ok bool) {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("after")
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// replay sends the messages after Seq since, from the store, and returns
// the Seq of the last one sent. Before them it sends a redaction for each
// redacted message up to since: the client may hold it as it was before a
// redaction it missed while it was away (or between its page and this
// stream), and a redaction must reach every screen. A client so far behind
// that one page of history does not reach back to it is told to reload
// instead.
func (s *Server) replay(ctx context.Context, out *eventWriter, m *member, t belfry.Thread, since int64) (int64, bool) {
	msgs, err := s.svc.History(ctx, m.account.ID, t, 0, belfry.MaxHistoryPage)
	if err != nil {
		return since, false
	}
	if len(msgs) == belfry.MaxHistoryPage && msgs[0].Seq > since {
		out.send("reload", "", "")
		return since, false
	}
	for _, msg := range msgs {
		if msg.Seq <= since && !msg.Redacted.IsZero() {
			if !s.sendMessage(out, m, msg, string(belfry.EventRedacted)) {
				return since, false
			}
		}
	}
	for _, msg := range msgs {
		if msg.Seq > since {
			if !s.sendMessage(out, m, msg, string(belfry.EventPosted)) {
				return since, false
			}
			since = msg.Seq
		}
	}
	return since, true
}

// follow sends the thread's events as they come, until the request ends,
// the session or membership ends, or the hub drops the subscriber.
func (s *Server) follow(ctx context.Context, out *eventWriter, m *member, t belfry.Thread, sub *subscriber, sent int64) {
	keepalive := time.NewTicker(s.keepalive)
	defer keepalive.Stop()
	recheck := time.NewTicker(s.recheck)
	defer recheck.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-sub.dropped:
			return
		case <-keepalive.C:
			if !out.comment("keepalive") {
				return
			}
		case <-recheck.C:
			if !s.stillHolds(ctx, m, t) {
				return
			}
		case e := <-sub.events:
			if e.Kind == belfry.EventMissed {
				// A standing event may be among those missed: check
				// afresh before replaying.
				if !s.holdsNow(ctx, m, t) {
					return
				}
				var ok bool
				if sent, ok = s.replay(ctx, out, m, t, sent); !ok {
					return
				}
				continue
			}
			if e.Kind == belfry.EventStanding {
				if (e.UserID == "" || e.UserID == m.user.ID) && !s.holdsNow(ctx, m, t) {
					return
				}
				continue
			}
			if !s.holdsLive(ctx, m, t) {
				return
			}
			if e.Kind == belfry.EventPosted && e.Seq <= sent {
				continue
			}
			lm, err := s.liveMessage(ctx, m, t, e)
			if err != nil {
				continue // deleted since, by retention or with its room
			}
			if !s.sendRendered(out, m, lm, string(e.Kind)) {
				return
			}
			if e.Kind == belfry.EventPosted {
				sent = max(sent, lm.msg.Seq)
			}
		}
	}
}

// sendMessage sends msg, rendered as m sees it, as an event of kind; a
// new message carries its Seq as the event ID, for replay, and a
// redaction none, so that the client's last ID stays a message's.
func (s *Server) sendMessage(out *eventWriter, m *member, msg *belfry.Message, kind string) bool {
	return s.sendView(out, s.view(m, msg), msg.Seq, kind)
}

// sendRendered is sendMessage for a message rendered once for every
// stream (liveMessage).
func (s *Server) sendRendered(out *eventWriter, m *member, lm liveMessage, kind string) bool {
	return s.sendView(out, s.viewRendered(m, lm.msg, lm.html), lm.msg.Seq, kind)
}

func (s *Server) sendView(out *eventWriter, v messageView, seq int64, kind string) bool {
	html, err := s.fragmentOfView(v)
	if err != nil {
		s.log.Error("rendering a live message", "error", err)
		return false
	}
	id := ""
	if kind == string(belfry.EventPosted) {
		id = strconv.FormatInt(seq, 10)
	}
	return out.send(kind, id, html)
}

// eventWriter writes server-sent events and flushes each.
type eventWriter struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

func (e *eventWriter) send(kind, id, data string) bool {
	var b strings.Builder
	fmt.Fprintf(&b, "event: %s\n", kind)
	if id != "" {
		fmt.Fprintf(&b, "id: %s\n", id)
	}
	for line := range strings.Lines(data) {
		fmt.Fprintf(&b, "data: %s\n", strings.TrimRight(line, "\r\n"))
	}
	if data == "" {
		b.WriteString("data:\n")
	}
	b.WriteString("\n")
	return e.write(b.String())
}

// comment writes a line the client ignores, which keeps proxies from
// closing an idle stream.
func (e *eventWriter) comment(text string) bool {
	return e.write(": " + text + "\n\n")
}

func (e *eventWriter) write(s string) bool {
	if _, err := e.w.Write([]byte(s)); err != nil {
		return false
	}
	return e.rc.Flush() == nil
}
