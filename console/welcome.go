package console

import (
	"net/http"
	"strings"

	"github.com/belfryhq/belfry"
)

type welcomePage struct {
	Title, Name, Account, Email, PIN string
	Rooms, Conversations             []link
	CSRF, Problem, With              string
}

// link is an entry of a list of rooms or conversations.
type link struct{ ID, Name string }

// listLimit is how many rooms and conversations the home page lists.
const listLimit = 100

// welcome is the signed-in home page: who the session's user is, in which
// account, their meeting PIN, their rooms and conversations, and the form
// that starts a conversation.
func (s *Server) welcome(w http.ResponseWriter, r *http.Request) {
	m, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	s.renderHome(w, r, m, http.StatusOK, "", "")
}

func (s *Server) renderHome(w http.ResponseWriter, r *http.Request, m *member, status int, problem, with string) {
	p := welcomePage{Title: "Welcome", Name: m.user.DisplayName, Account: m.account.Name, Email: m.user.Email,
		PIN: m.user.PersonalPIN, Problem: problem, With: with}
	rooms, err := s.svc.ListRooms(m.as(r.Context()), m.account.ID, belfry.RoomFilter{MemberID: m.user.ID}, belfry.Page{Limit: listLimit})
	if err != nil && belfry.ErrorKind(err) != belfry.Forbidden { // a Team account has no rooms
		s.failed(w, r, err)
		return
	}
	for _, room := range rooms {
		p.Rooms = append(p.Rooms, link{ID: room.ID, Name: room.Name})
	}
	convs, err := s.svc.ListConversations(r.Context(), m.account.ID, m.user.ID, belfry.Page{Limit: listLimit})
	if err != nil {
		s.failed(w, r, err)
		return
	}
	for _, c := range convs {
		name, err := s.threadName(r, m, belfry.Thread{ConversationID: c.ID})
		if err != nil {
			s.failed(w, r, err)
			return
		}
		p.Conversations = append(p.Conversations, link{ID: c.ID, Name: name})
	}
	if p.CSRF, err = s.formToken(w, r, "/conversations"); err != nil {
		s.failed(w, r, err)
		return
	}
	s.render(w, status, "welcome", p)
}

// startConversation starts a conversation with the user of the member's
// account whose address the form names, and opens it.
func (s *Server) startConversation(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	m, ok := s.signedIn(w, r)
	if !ok || !s.formFromPage(w, r, "/conversations") {
		return
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	users, err := s.svc.ListUsers(m.as(r.Context()), m.account.ID, belfry.UserFilter{EmailKey: email}, belfry.Page{Limit: 1})
	if err != nil && belfry.ErrorKind(err) != belfry.BadRequest {
		s.failed(w, r, err)
		return
	}
	if len(users) == 0 || users[0].Registration != belfry.Registered {
		s.renderHome(w, r, m, http.StatusBadRequest, "No registered member of "+m.account.Name+" has that address.", email)
		return
	}
	c, err := s.svc.CreateConversation(r.Context(), m.account.ID, m.user.ID, []string{users[0].ID})
	if err != nil {
		if belfry.ErrorKind(err) == belfry.BadRequest {
			s.renderHome(w, r, m, http.StatusBadRequest, belfry.ErrorMessage(err), email)
			return
		}
		s.failed(w, r, err)
		return
	}
	http.Redirect(w, r, threadPath(belfry.Thread{ConversationID: c.ID}), http.StatusSeeOther)
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	s.sessions.end(w)
	s.signedOut(w)
}

func (s *Server) signedOut(w http.ResponseWriter) {
	s.problem(w, http.StatusUnauthorized, "Signed out",
		"You are not signed in to Belfry.", "Ask for a sign-in link on Belfry's start page, or open the link from your invitation e-mail.")
}
