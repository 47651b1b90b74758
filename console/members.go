package console

import (
	"net/http"
	"strings"

	"github.com/belfryhq/belfry"
)

// memberView is a room's member as its administrators see them.
type memberView struct {
	ID, Name, Email, Role, Remove string
	Self                          bool
}

// roster is what a room's page shows its administrators: the members, and
// the forms that add and remove them.
type roster struct {
	Members      []memberView
	Action, CSRF string
}

// membersPath is where a room's administrators send member changes; the
// forms' CSRF token is bound to it.
func membersPath(roomID string) string { return "/rooms/" + roomID + "/members" }

// rosterOf returns room roomID's roster when m administers the room, and
// nil when m is a mere member.
func (s *Server) rosterOf(w http.ResponseWriter, r *http.Request, m *member, roomID string) (*roster, error) {
	if !s.administers(r, m, roomID) {
		return nil, nil
	}
	ms, err := s.svc.ListRoomMemberships(m.as(r.Context()), m.account.ID, roomID, belfry.Page{Limit: belfry.MaxMembersPerRoom})
	if err != nil {
		return nil, err
	}
	ro := &roster{Action: membersPath(roomID)}
	if ro.CSRF, err = s.formToken(w, r, ro.Action); err != nil {
		return nil, err
	}
	for _, ms := range ms {
		ro.Members = append(ro.Members, memberView{
			ID: ms.Member.ID, Name: cmpName(ms.Member.FullName, ms.Member.Email), Email: ms.Member.Email,
			Role: string(ms.Role), Self: ms.Member.ID == m.user.ID, Remove: ro.Action + "/" + ms.Member.ID + "/remove",
		})
	}
	return ro, nil
}

// administers reports whether m is an Administrator of room roomID: only
// they manage its members from the web app.
func (s *Server) administers(r *http.Request, m *member, roomID string) bool {
	ms, err := s.svc.RoomMembership(r.Context(), m.account.ID, roomID, m.user.ID)
	return err == nil && ms.Role == belfry.RoleAdministrator
}

// memberForm checks a member change: signed in, an Administrator of the
// room, and the form from the room's page.
func (s *Server) memberForm(w http.ResponseWriter, r *http.Request) (*member, belfry.Thread, bool) {
	return s.adminForm(w, r, membersPath)
}

// adminForm checks a change only a room's administrators make: signed in,
// an Administrator of the room, and the form from the room's page with the
// token bound to path(room).
func (s *Server) adminForm(w http.ResponseWriter, r *http.Request, path func(string) string) (*member, belfry.Thread, bool) {
	if !s.parseForm(w, r) {
		return nil, belfry.Thread{}, false
	}
	m, ok := s.signedIn(w, r)
	if !ok {
		return nil, belfry.Thread{}, false
	}
	t, ok := s.threadOf(w, r, m)
	if !ok {
		return nil, t, false
	}
	if !s.administers(r, m, t.RoomID) {
		s.problem(w, http.StatusForbidden, "Administrators only", "Only the room's administrators manage its members and webhooks.",
			"Ask one of them to make the change.")
		return nil, t, false
	}
	return m, t, s.formFromPage(w, r, path(t.RoomID))
}

// addMember adds the registered user of the account whose address the
// form names to the room, as a member.
func (s *Server) addMember(w http.ResponseWriter, r *http.Request) {
	m, t, ok := s.memberForm(w, r)
	if !ok {
		return
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	id, err := s.memberAddressed(r, m, email)
	switch {
	case err != nil:
		s.failed(w, r, err)
		return
	case id == "":
		s.renderThread(w, r, m, t, http.StatusBadRequest, "No member or bot of "+m.account.Name+" has that address.", "")
		return
	}
	_, err = s.svc.CreateRoomMembership(m.as(r.Context()), m.account.ID, t.RoomID, id, belfry.RoleMember)
	s.afterMemberChange(w, r, m, t, err)
}

// memberAddressed finds who an address names in the account: a user, or
// else a bot, as Chime's client let members add a bot to a room by its
// address. It returns "" when neither has it.
func (s *Server) memberAddressed(r *http.Request, m *member, email string) (string, error) {
	ctx := m.as(r.Context())
	users, err := s.svc.ListUsers(ctx, m.account.ID, belfry.UserFilter{EmailKey: email}, belfry.Page{Limit: 1})
	switch {
	case belfry.ErrorKind(err) == belfry.BadRequest:
		return "", nil // no address at all
	case err != nil:
		return "", err
	case len(users) > 0:
		return users[0].ID, nil
	}
	bots, err := s.svc.ListBots(ctx, m.account.ID, belfry.Page{Limit: belfry.MaxBotsPerAccount})
	switch {
	case belfry.ErrorKind(err) == belfry.BadRequest:
		return "", nil // a Team account, which has no bots
	case err != nil:
		return "", err
	}
	for _, b := range bots {
		if strings.EqualFold(b.Email, email) {
			return b.ID, nil
		}
	}
	return "", nil
}

// removeMember takes a member out of the room. Their open pages of the
// room stop getting its messages at their stream's next check.
func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) {
	m, t, ok := s.memberForm(w, r)
	if !ok {
		return
	}
	err := s.svc.DeleteRoomMembership(m.as(r.Context()), m.account.ID, t.RoomID, r.PathValue("member"))
	s.afterMemberChange(w, r, m, t, err)
}

// afterMemberChange goes back to the room, or shows it with the reason
// the change was refused.
func (s *Server) afterMemberChange(w http.ResponseWriter, r *http.Request, m *member, t belfry.Thread, err error) {
	switch k := belfry.ErrorKind(err); {
	case err == nil:
		http.Redirect(w, r, threadPath(t), http.StatusSeeOther)
	case k == belfry.BadRequest || k == belfry.NotFound || k == belfry.Conflict || k == belfry.LimitExceeded || k == belfry.Forbidden:
		s.renderThread(w, r, m, t, http.StatusBadRequest, belfry.ErrorMessage(err), "")
	default:
		s.failed(w, r, err)
	}
}
