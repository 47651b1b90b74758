package console

import (
	"net/http"
	"slices"
	"strings"

	"github.com/belfryhq/belfry"
)

type roomView struct {
	ID, Name, Created, CreatedBy, Path string
}

type roomsPage struct {
	adminFrame
	Account accountView
	Rooms   []roomView
	Next    string
	// Enterprise is whether the account has rooms at all: Team accounts
	// do not (chime-behaviour.md §3.3).
	Enterprise bool
	Name       string
}

func roomsPath(accountID string) string { return accountPath(accountID) + "/rooms" }

func roomPath(accountID, roomID string) string { return roomsPath(accountID) + "/" + roomID }

// showRooms lists an account's rooms with the form that makes one.
func (s *Server) showRooms(w http.ResponseWriter, r *http.Request, a *admin, acct *belfry.Account) {
	s.renderRooms(w, r, a, acct, http.StatusOK, "", "")
}

func (s *Server) renderRooms(w http.ResponseWriter, r *http.Request, a *admin, acct *belfry.Account, status int, problem, name string) {
	p := roomsPage{adminFrame: s.frame(r, a, "Rooms of "+acct.Name, "accounts"), Account: viewAccount(acct),
		Enterprise: acct.Type.IsEnterprise(), Name: name}
	p.Problem = problem
	if p.Enterprise {
		rooms, err := s.svc.ListRooms(a.ctx(r), acct.ID, belfry.RoomFilter{}, belfry.Page{After: afterOf(r), Limit: listPageSize + 1})
		if err != nil {
			s.failed(w, r, err)
			return
		}
		rooms, p.Next = pageOf(rooms, func(r *belfry.Room) int64 { return r.Seq }, roomsPath(acct.ID))
		for _, room := range rooms {
			p.Rooms = append(p.Rooms, roomView{ID: room.ID, Name: room.Name, Created: room.Created.UTC().Format("2006-01-02 15:04 MST"),
				CreatedBy: room.CreatedBy, Path: roomPath(acct.ID, room.ID)})
		}
	}
	s.render(w, status, "admin_rooms", p)
}

// createRoom makes a room in the account, as CreateRoom does.
func (s *Server) createRoom(w http.ResponseWriter, r *http.Request) {
	a, acct, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	name := r.PostFormValue("name")
	room, err := s.svc.CreateRoom(s.act(r, a, "CreateRoom"), acct.ID, name, "")
	path := roomsPath(acct.ID)
	if err == nil {
		path = roomPath(acct.ID, room.ID)
	}
	s.after(w, r, err, path, "created", func(status int, problem string) {
		s.renderRooms(w, r, a, acct, status, problem, name)
	})
}

// roomMemberView is a room's member on the console's room page; Path is
// where changes to their membership go.
type roomMemberView struct {
	ID, Name, Email, Type, Role, Path string
}

type roomPage struct {
	adminFrame
	Account accountView
	Room    roomView
	Members []roomMemberView
	Roles   []string
	// Email is the add-member form's address, kept when it was refused.
	Email    string
	Webhooks []webhookView
	// Hook is a webhook whose new URL this page shows, once.
	Hook *webhookNote
}

// roomOf returns the room r's path names, when it is one of account
// acct's, and answers 404 otherwise.
func (s *Server) roomOf(w http.ResponseWriter, r *http.Request, a *admin, acct *belfry.Account) (*belfry.Room, bool) {
	room, err := s.svc.GetRoom(a.ctx(r), acct.ID, r.PathValue("room"))
	return room, s.found(w, r, err, "room")
}

// roomForm checks a change to a room of one of the key's accounts.
func (s *Server) roomForm(w http.ResponseWriter, r *http.Request) (*admin, *belfry.Account, *belfry.Room, bool) {
	a, acct, ok := s.accountForm(w, r)
	if !ok {
		return nil, nil, nil, false
	}
	room, ok := s.roomOf(w, r, a, acct)
	return a, acct, room, ok
}

// showRoom is a room's page: its members and their roles, its incoming
// webhooks, and the forms that change them.
func (s *Server) showRoom(w http.ResponseWriter, r *http.Request, a *admin, acct *belfry.Account) {
	if room, ok := s.roomOf(w, r, a, acct); ok {
		s.renderRoom(w, r, a, acct, room, http.StatusOK, roomPage{})
	}
}

func (s *Server) renderRoom(w http.ResponseWriter, r *http.Request, a *admin, acct *belfry.Account, room *belfry.Room, status int, p roomPage) {
	problem := p.Problem
	p.adminFrame = s.frame(r, a, room.Name, "accounts")
	p.Problem, p.Account = problem, viewAccount(acct)
	p.Room = roomView{ID: room.ID, Name: room.Name, Path: roomPath(acct.ID, room.ID)}
	p.Roles = []string{string(belfry.RoleMember), string(belfry.RoleAdministrator)}
	ctx := a.ctx(r)
	ms, err := s.svc.ListRoomMemberships(ctx, acct.ID, room.ID, belfry.Page{Limit: belfry.MaxMembersPerRoom})
	if err != nil {
		s.failed(w, r, err)
		return
	}
	for _, m := range ms {
		p.Members = append(p.Members, roomMemberView{ID: m.Member.ID, Name: cmpName(m.Member.FullName, m.Member.Email),
			Email: m.Member.Email, Type: string(m.Member.Type), Role: string(m.Role), Path: p.Room.Path + "/members/" + m.Member.ID})
	}
	hooks, err := s.svc.ListWebhooks(ctx, acct.ID, room.ID)
	if err != nil {
		s.failed(w, r, err)
		return
	}
	for _, h := range hooks {
		base := p.Room.Path + "/webhooks/" + h.ID
		p.Webhooks = append(p.Webhooks, webhookView{ID: h.ID, Name: h.Name, Rename: base + "/rename",
			Regenerate: base + "/regenerate", Delete: base + "/delete"})
	}
	s.render(w, status, "admin_room", p)
}

// renameRoom gives the room the form's name, as UpdateRoom does.
func (s *Server) renameRoom(w http.ResponseWriter, r *http.Request) {
	a, acct, room, ok := s.roomForm(w, r)
	if !ok {
		return
	}
	name := r.PostFormValue("name")
	_, err := s.svc.UpdateRoom(s.act(r, a, "UpdateRoom"), acct.ID, room.ID, &name)
	s.afterRoom(w, r, a, acct, room, err, "renamed", "")
}

// deleteRoom deletes the room for good, as DeleteRoom does.
func (s *Server) deleteRoom(w http.ResponseWriter, r *http.Request) {
	a, acct, room, ok := s.roomForm(w, r)
	if !ok {
		return
	}
	err := s.svc.DeleteRoom(s.act(r, a, "DeleteRoom"), acct.ID, room.ID)
	s.after(w, r, err, roomsPath(acct.ID), "deleted", func(status int, problem string) {
		s.renderRoom(w, r, a, acct, room, status, roomPage{adminFrame: adminFrame{Problem: problem}})
	})
}

// addRoomMember adds the account's user with the form's address to the
// room in the form's role, as CreateRoomMembership does.
func (s *Server) addRoomMember(w http.ResponseWriter, r *http.Request) {
	a, acct, room, ok := s.roomForm(w, r)
	if !ok {
		return
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	users, err := s.svc.ListUsers(a.ctx(r), acct.ID, belfry.UserFilter{EmailKey: email}, belfry.Page{Limit: 1})
	if err == nil && len(users) == 0 || belfry.ErrorKind(err) == belfry.BadRequest {
		err = belfry.Errorf(belfry.NotFound, "%s has no user with the address %q.", acct.Name, email)
	}
	if err == nil {
		var role belfry.Role
		if role, err = roleOf(r); err == nil {
			_, err = s.svc.CreateRoomMembership(s.act(r, a, "CreateRoomMembership"), acct.ID, room.ID, users[0].ID, role)
		}
	}
	s.afterRoom(w, r, a, acct, room, err, "added", email)
}

// changeRoomMember changes a member's role, or removes them from the
// room: the path's last element says which.
func (s *Server) changeRoomMember(w http.ResponseWriter, r *http.Request) {
	a, acct, room, ok := s.roomForm(w, r)
	if !ok {
		return
	}
	member := r.PathValue("member")
	var err error
	var note string
	switch r.PathValue("action") {
	case "role":
		note = "role"
		var role belfry.Role
		if role, err = roleOf(r); err == nil {
			_, err = s.svc.UpdateRoomMembership(s.act(r, a, "UpdateRoomMembership"), acct.ID, room.ID, member, role)
		}
	case "remove":
		note = "removed"
		err = s.svc.DeleteRoomMembership(s.act(r, a, "DeleteRoomMembership"), acct.ID, room.ID, member)
	default:
		s.notFound(w, "action")
		return
	}
	s.afterRoom(w, r, a, acct, room, err, note, "")
}

// roleOf returns the form's role, held to the model's by the domain.
func roleOf(r *http.Request) (belfry.Role, error) {
	role := belfry.Role(r.PostFormValue("role"))
	return role, belfry.CheckRole(role)
}

// afterRoom finishes a change to a room, back on its page.
func (s *Server) afterRoom(w http.ResponseWriter, r *http.Request, a *admin, acct *belfry.Account, room *belfry.Room, err error, note, email string) {
	s.after(w, r, err, roomPath(acct.ID, room.ID), note, func(status int, problem string) {
		s.renderRoom(w, r, a, acct, room, status, roomPage{adminFrame: adminFrame{Problem: problem}, Email: email})
	})
}

// createRoomWebhook makes an incoming webhook in the room and shows its
// URL once, as the members' room page does (webhooks.go).
func (s *Server) createRoomWebhook(w http.ResponseWriter, r *http.Request) {
	a, acct, room, ok := s.roomForm(w, r)
	if !ok {
		return
	}
	h, link, err := s.svc.CreateWebhook(s.act(r, a, "CreateWebhook"), acct.ID, room.ID, r.PostFormValue("name"))
	s.afterRoomWebhook(w, r, a, acct, room, h, link, err, "created")
}

// changeRoomWebhook renames, regenerates or deletes one of the room's
// webhooks: the path's last element says which.
func (s *Server) changeRoomWebhook(w http.ResponseWriter, r *http.Request) {
	a, acct, room, ok := s.roomForm(w, r)
	if !ok {
		return
	}
	hooks, err := s.svc.ListWebhooks(a.ctx(r), acct.ID, room.ID)
	if err != nil {
		s.failed(w, r, err)
		return
	}
	id := r.PathValue("webhook")
	if !slices.ContainsFunc(hooks, func(h *belfry.Webhook) bool { return h.ID == id }) {
		s.notFound(w, "webhook")
		return
	}
	var h *belfry.Webhook
	var link, note string
	switch r.PathValue("action") {
	case "rename":
		note = "renamed"
		_, err = s.svc.RenameWebhook(s.act(r, a, "RenameWebhook"), acct.ID, id, r.PostFormValue("name"))
	case "regenerate":
		h, link, err = s.svc.RegenerateWebhook(s.act(r, a, "RegenerateWebhook"), acct.ID, id)
	case "delete":
		note = "deleted"
		err = s.svc.DeleteWebhook(s.act(r, a, "DeleteWebhook"), acct.ID, id)
	default:
		s.notFound(w, "action")
		return
	}
	s.afterRoomWebhook(w, r, a, acct, room, h, link, err, note)
}

// afterRoomWebhook shows the room with a new URL to copy, or goes back to
// it after any other change, or shows why the change was refused.
func (s *Server) afterRoomWebhook(w http.ResponseWriter, r *http.Request, a *admin, acct *belfry.Account, room *belfry.Room,
	h *belfry.Webhook, link string, err error, note string) {
	if err == nil && link != "" {
		s.renderRoom(w, r, a, acct, room, http.StatusOK, roomPage{Hook: &webhookNote{Name: h.Name, URL: link}})
		return
	}
	s.afterRoom(w, r, a, acct, room, err, note, "")
}
