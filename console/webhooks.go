package console

import (
	"net/http"
	"slices"

	"github.com/belfryhq/belfry"
)

// The webhook service methods trust their caller, so every route here
// checks first that the signed-in member administers the room (adminForm)
// and that the webhook is one of this room's (roomWebhook).
//
// A new or regenerated URL is shown once, on the page that answers the
// POST, rather than after a redirect: the URL's token then lives only in
// that one response (sent no-store, like every page), never in a cookie,
// a URL or the server's memory. Reloading that page asks the browser to
// send the form again, which is the price of keeping the token nowhere.

// webhookView is one of a room's webhooks as its administrators see it.
type webhookView struct {
	ID, Name, Rename, Regenerate, Delete string
}

// webhookList is the Webhooks section of a room's page.
type webhookList struct {
	Webhooks     []webhookView
	Action, CSRF string
}

// webhookNote is what the Webhooks section says after a change: a URL to
// copy now, or why the change was refused.
type webhookNote struct {
	Name, URL, Problem string
}

// webhooksPath is where a room's administrators send webhook changes; the
// forms' CSRF token is bound to it.
func webhooksPath(roomID string) string { return "/rooms/" + roomID + "/webhooks" }

// webhooksOf returns room roomID's Webhooks section when m administers
// the room, and nil when m is a mere member.
func (s *Server) webhooksOf(w http.ResponseWriter, r *http.Request, m *member, roomID string) (*webhookList, error) {
	if !s.administers(r, m, roomID) {
		return nil, nil
	}
	hooks, err := s.svc.ListWebhooks(m.as(r.Context()), m.account.ID, roomID)
	if err != nil {
		return nil, err
	}
	l := &webhookList{Action: webhooksPath(roomID)}
	if l.CSRF, err = s.formToken(w, r, l.Action); err != nil {
		return nil, err
	}
	for _, h := range hooks {
		p := l.Action + "/" + h.ID
		l.Webhooks = append(l.Webhooks, webhookView{ID: h.ID, Name: h.Name,
			Rename: p + "/rename", Regenerate: p + "/regenerate", Delete: p + "/delete"})
	}
	return l, nil
}

// roomWebhook returns the webhook the path names when it is one of room
// t's, and answers 404 otherwise: a room's administrator manages only
// that room's webhooks, whatever ID they put in the path.
func (s *Server) roomWebhook(w http.ResponseWriter, r *http.Request, m *member, t belfry.Thread) (string, bool) {
	hooks, err := s.svc.ListWebhooks(m.as(r.Context()), m.account.ID, t.RoomID)
	if err != nil {
		s.failed(w, r, err)
		return "", false
	}
	id := r.PathValue("webhook")
	if !slices.ContainsFunc(hooks, func(h *belfry.Webhook) bool { return h.ID == id }) {
		s.problem(w, http.StatusNotFound, "No such webhook", "This room has no such webhook, so nothing was changed.",
			"Open the room's page again and pick the webhook there.")
		return "", false
	}
	return id, true
}

// webhookForm checks a change to one of a room's webhooks: an
// administrator's form from the room's page, about a webhook of the room.
func (s *Server) webhookForm(w http.ResponseWriter, r *http.Request) (*member, belfry.Thread, string, bool) {
	m, t, ok := s.adminForm(w, r, webhooksPath)
	if !ok {
		return nil, t, "", false
	}
	id, ok := s.roomWebhook(w, r, m, t)
	return m, t, id, ok
}

// createWebhook makes a webhook in the room and shows its URL once.
func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) {
	m, t, ok := s.adminForm(w, r, webhooksPath)
	if !ok {
		return
	}
	h, link, err := s.svc.CreateWebhook(m.as(r.Context()), m.account.ID, t.RoomID, r.PostFormValue("name"))
	s.afterWebhookChange(w, r, m, t, h, link, err)
}

// renameWebhook gives one of the room's webhooks the form's name.
func (s *Server) renameWebhook(w http.ResponseWriter, r *http.Request) {
	m, t, id, ok := s.webhookForm(w, r)
	if !ok {
		return
	}
	_, err := s.svc.RenameWebhook(m.as(r.Context()), m.account.ID, id, r.PostFormValue("name"))
	s.afterWebhookChange(w, r, m, t, nil, "", err)
}

// regenerateWebhook gives one of the room's webhooks a new URL, shown
// once; the old one answers 404 from then on.
func (s *Server) regenerateWebhook(w http.ResponseWriter, r *http.Request) {
	m, t, id, ok := s.webhookForm(w, r)
	if !ok {
		return
	}
	h, link, err := s.svc.RegenerateWebhook(m.as(r.Context()), m.account.ID, id)
	s.afterWebhookChange(w, r, m, t, h, link, err)
}

// deleteWebhook deletes one of the room's webhooks; its posts stay.
func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	m, t, id, ok := s.webhookForm(w, r)
	if !ok {
		return
	}
	err := s.svc.DeleteWebhook(m.as(r.Context()), m.account.ID, id)
	s.afterWebhookChange(w, r, m, t, nil, "", err)
}

// afterWebhookChange shows the room with a new URL to copy, goes back to
// it after any other change, or shows it with the reason the change was
// refused.
func (s *Server) afterWebhookChange(w http.ResponseWriter, r *http.Request, m *member, t belfry.Thread, h *belfry.Webhook, link string, err error) {
	switch k := belfry.ErrorKind(err); {
	case err == nil && link != "":
		s.renderThreadPage(w, r, m, t, http.StatusOK, threadPage{Note: &webhookNote{Name: h.Name, URL: link}})
	case err == nil:
		http.Redirect(w, r, threadPath(t), http.StatusSeeOther)
	case k == belfry.BadRequest || k == belfry.NotFound || k == belfry.LimitExceeded || k == belfry.Forbidden:
		s.renderThreadPage(w, r, m, t, http.StatusBadRequest, threadPage{Note: &webhookNote{Problem: belfry.ErrorMessage(err)}})
	default:
		s.failed(w, r, err)
	}
}
