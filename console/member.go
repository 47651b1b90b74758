package console

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/belfryhq/belfry"
)

// member is the signed-in user of a request, with their account.
type member struct {
	user    *belfry.User
	account *belfry.Account
	issued  time.Time
}

// errSignedOut says a request carries no session that still holds.
var errSignedOut = errors.New("signed out")

// member returns the user whose session r carries, while the session
// holds (belfry.Service.SessionUser: not signed out, suspended or deleted).
func (s *Server) member(r *http.Request) (*member, error) {
	sess, ok := s.sessions.read(r)
	if !ok {
		return nil, errSignedOut
	}
	u, a, err := s.svc.SessionUser(r.Context(), sess.accountID, sess.userID, sess.issued)
	if err != nil {
		if k := belfry.ErrorKind(err); k == belfry.Unauthorized || k == belfry.NotFound || k == belfry.Forbidden {
			return nil, errSignedOut
		}
		return nil, err
	}
	return &member{user: u, account: a, issued: sess.issued}, nil
}

// stillHolds reports whether m's session still holds and m is still in
// thread t, for a live stream that rechecks as it goes.
func (s *Server) stillHolds(ctx context.Context, m *member, t belfry.Thread) bool {
	if _, _, err := s.svc.SessionUser(ctx, m.account.ID, m.user.ID, m.issued); err != nil {
		return false
	}
	in, err := s.svc.InThread(ctx, m.account.ID, t, m.user.ID)
	return err == nil && in
}

// as returns ctx with m as the caller of the service: the pages act for
// the member within their own account, never with an access key.
func (m *member) as(ctx context.Context) context.Context {
	return belfry.WithCaller(ctx, belfry.Caller{AwsAccountID: m.account.AwsAccountID, ARN: "belfry:console:user/" + m.user.ID})
}

// signedIn returns the request's member, or answers r: signed out, or a
// problem page when the store fails.
func (s *Server) signedIn(w http.ResponseWriter, r *http.Request) (*member, bool) {
	m, err := s.member(r)
	switch {
	case errors.Is(err, errSignedOut):
		s.sessions.end(w)
		s.signedOut(w)
		return nil, false
	case err != nil:
		s.failed(w, r, err)
		return nil, false
	}
	return m, true
}

// failed answers an unexpected error with a page that says nothing
// changed, and logs it.
func (s *Server) failed(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("page", "request_id", requestID(r), "path", logPath(r.URL.Path), "error", err)
	s.problem(w, http.StatusInternalServerError, "Something went wrong",
		"Belfry could not do this just now.", "Try again in a minute.")
}

// threadOf returns the room or conversation that r's path names, when m
// is in it; otherwise it answers 404, the same whether the thread does not
// exist or m is not in it, so that a page reveals nothing of others'.
func (s *Server) threadOf(w http.ResponseWriter, r *http.Request, m *member) (belfry.Thread, bool) {
	var t belfry.Thread
	if r.PathValue("room") != "" {
		t.RoomID = r.PathValue("room")
	} else {
		t.ConversationID = r.PathValue("conversation")
	}
	in, err := s.svc.InThread(r.Context(), m.account.ID, t, m.user.ID)
	switch {
	case err != nil && belfry.ErrorKind(err) != belfry.NotFound:
		s.failed(w, r, err)
		return t, false
	case err != nil || !in:
		s.problem(w, http.StatusNotFound, "Not found", "There is no such room or conversation, or you are not in it.",
			"Go back to your rooms and pick one from the list.")
		return t, false
	}
	return t, true
}
