package console

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/belfryhq/belfry"
)

// historyPage is how many messages a thread page shows at once.
const historyPage = 50

// maxForm is the most a form's body may hold: a message of the domain's
// 4,096 characters, each up to 4 bytes and percent-encoded, with room to
// spare. A larger body is refused before it is read.
const maxForm = 64 << 10

type threadPage struct {
	Title, Name, Action, Events, Older string
	Messages                           []messageView
	CSRF, Problem, Draft               string
	MaxLength                          int
	// Roster and Webhooks are set for a room's administrators.
	Roster   *roster
	Webhooks *webhookList
	// Note is what the Webhooks section says after a change.
	Note *webhookNote
}

type messageView struct {
	ID, Sender, Time, ISOTime string
	Seq                       int64
	HTML                      template.HTML
	Redacted, Mentioned       bool
}

// threadPath is the page of thread t.
func threadPath(t belfry.Thread) string {
	if t.RoomID != "" {
		return "/rooms/" + t.RoomID
	}
	return "/conversations/" + t.ConversationID
}

func (s *Server) showThread(w http.ResponseWriter, r *http.Request) {
	m, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	t, ok := s.threadOf(w, r, m)
	if !ok {
		return
	}
	s.renderThread(w, r, m, t, http.StatusOK, "", "")
}

// renderThread shows a page of t's history, the one before the message
// the before parameter names, or the latest, with the form to write.
func (s *Server) renderThread(w http.ResponseWriter, r *http.Request, m *member, t belfry.Thread, status int, problem, draft string) {
	s.renderThreadPage(w, r, m, t, status, threadPage{Problem: problem, Draft: draft})
}

// renderThreadPage is renderThread with what p already says: a problem, a
// draft or a webhook's note.
func (s *Server) renderThreadPage(w http.ResponseWriter, r *http.Request, m *member, t belfry.Thread, status int, p threadPage) {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	msgs, err := s.svc.History(r.Context(), m.account.ID, t, max(before, 0), historyPage)
	if err != nil {
		s.failed(w, r, err)
		return
	}
	name, err := s.threadName(r, m, t)
	if err != nil {
		s.failed(w, r, err)
		return
	}
	action := threadPath(t) + "/messages"
	csrf, err := s.formToken(w, r, action)
	if err != nil {
		s.failed(w, r, err)
		return
	}
	p.Title, p.Name, p.Action, p.CSRF, p.MaxLength = name, name, action, csrf, belfry.MaxMessageLength
	if t.RoomID != "" {
		if p.Roster, err = s.rosterOf(w, r, m, t.RoomID); err == nil {
			p.Webhooks, err = s.webhooksOf(w, r, m, t.RoomID)
		}
		if err != nil {
			s.failed(w, r, err)
			return
		}
	}
	var last int64
	for _, msg := range msgs {
		p.Messages = append(p.Messages, s.view(m, msg))
		last = msg.Seq
	}
	if before == 0 { // an older page stays as it is; the latest one goes live
		p.Events = threadPath(t) + "/events?after=" + strconv.FormatInt(last, 10)
	}
	if len(msgs) == historyPage {
		p.Older = threadPath(t) + "?before=" + strconv.FormatInt(msgs[0].Seq, 10)
	}
	s.render(w, status, "thread", p)
}

// threadName is a room's name, or the names of the others in a
// conversation.
func (s *Server) threadName(r *http.Request, m *member, t belfry.Thread) (string, error) {
	if t.RoomID != "" {
		room, err := s.svc.GetRoom(m.as(r.Context()), m.account.ID, t.RoomID)
		if err != nil {
			return "", err
		}
		return room.Name, nil
	}
	members, err := s.svc.ListConversationMembers(r.Context(), m.account.ID, t.ConversationID)
	if err != nil {
		return "", err
	}
	var names []string
	for _, mm := range members {
		if mm.ID != m.user.ID {
			names = append(names, cmpName(mm.FullName, mm.Email))
		}
	}
	return "With " + strings.Join(names, ", "), nil
}

func cmpName(name, email string) string {
	if name != "" {
		return name
	}
	return email
}

// view is msg as m sees it: its content as safe HTML, and marked when it
// mentions m.
func (s *Server) view(m *member, msg *belfry.Message) messageView {
	var html template.HTML
	if msg.Redacted.IsZero() {
		html = s.markdown.Render(msg.Content)
	}
	return s.viewRendered(m, msg, html)
}

// viewRendered is view with msg's content already rendered as html.
func (s *Server) viewRendered(m *member, msg *belfry.Message, html template.HTML) messageView {
	v := messageView{
		ID: msg.ID, Seq: msg.Seq, Sender: cmpName(msg.Sender.Name, msg.Sender.Email),
		Time: msg.Created.UTC().Format("2 Jan 15:04 UTC"), ISOTime: msg.Created.UTC().Format("2006-01-02T15:04:05Z"),
		Redacted: !msg.Redacted.IsZero(),
	}
	// A webhook's posts carry "NAME (Webhook)" as their sender's name
	// (DECISIONS.md); a sender of another kind than a user is marked once.
	if suffix := " (" + string(msg.Sender.Type) + ")"; msg.Sender.Type != belfry.MemberUser && !strings.HasSuffix(v.Sender, suffix) {
		v.Sender += suffix
	}
	if !v.Redacted {
		v.HTML = html
		v.Mentioned = mentions(msg.Content, m.user)
	}
	return v
}

// mentions reports whether content mentions u: @All, u's alias or u's
// address.
func mentions(content string, u *belfry.User) bool {
	address := belfry.EmailKey(u.Email)
	alias, _, _ := strings.Cut(address, "@")
	for _, mn := range belfry.ParseMentions(content) {
		if mn.Kind == belfry.MentionAll || mn.Kind == belfry.MentionPresent || mn.Name == alias || mn.Name == address {
			return true
		}
	}
	return false
}

// fragmentOfView renders one message alone, for a live page.
func (s *Server) fragmentOfView(v messageView) (string, error) {
	var buf bytes.Buffer
	err := fragment.ExecuteTemplate(&buf, "message", v)
	return buf.String(), err
}

// postMessage writes the form's message to the thread and goes back to
// it (post/redirect/get); content the domain refuses is shown on the page
// with the reason, the draft kept.
func (s *Server) postMessage(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	m, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	t, ok := s.threadOf(w, r, m)
	if !ok || !s.formFromPage(w, r, threadPath(t)+"/messages") {
		return
	}
	content := r.PostFormValue("content")
	var err error
	if t.RoomID != "" {
		_, err = s.svc.PostRoomMessage(r.Context(), m.account.ID, t.RoomID, m.user.ID, content)
	} else {
		_, err = s.svc.PostConversationMessage(r.Context(), m.account.ID, t.ConversationID, m.user.ID, content)
	}
	switch k := belfry.ErrorKind(err); {
	case err == nil:
		http.Redirect(w, r, threadPath(t), http.StatusSeeOther)
	case k == belfry.BadRequest || k == belfry.Forbidden:
		s.renderThread(w, r, m, t, http.StatusBadRequest, belfry.ErrorMessage(err), content)
	default:
		s.failed(w, r, err)
	}
}

// parseForm reads r's form, at most maxForm bytes of it, and answers 413
// for a larger one.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	err := r.ParseForm()
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		s.problem(w, http.StatusRequestEntityTooLarge, "Too large",
			"This form holds more than Belfry takes, so nothing was changed.", "Shorten the message and send it again.")
	case err != nil:
		s.problem(w, http.StatusBadRequest, "Unreadable form", "Belfry could not read this form, so nothing was changed.",
			"Go back and send it again.")
	}
	return err == nil
}
