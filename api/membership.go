package api

import (
	"github.com/belfryhq/belfry"
)

func createRoomMembership(s *Server, c *call) (any, error) {
	m, err := s.svc.CreateRoomMembership(c.ctx(), c.labels["accountId"], c.labels["roomId"],
		c.in.str("MemberId"), belfry.Role(c.in.str("Role")))
	if err != nil {
		return nil, err
	}
	return struct{ RoomMembership *wireMembership }{toWireMembership(m)}, nil
}

type listMembershipsOutput struct {
	RoomMemberships []*wireMembership `json:"RoomMemberships"`
	NextToken       string            `json:"NextToken,omitempty"`
}

func listRoomMemberships(s *Server, c *call) (any, error) {
	pg, err := s.pageOf(c, 10)
	if err != nil {
		return nil, err
	}
	ms, err := s.svc.ListRoomMemberships(c.ctx(), c.labels["accountId"], c.labels["roomId"], pg.Page)
	if err != nil {
		return nil, err
	}
	ms, more := trim(ms, pg.size)
	out := listMembershipsOutput{RoomMemberships: make([]*wireMembership, len(ms))}
	for i, m := range ms {
		out.RoomMemberships[i] = toWireMembership(m)
	}
	if more {
		out.NextToken = pg.next(ms[len(ms)-1].Seq)
	}
	return out, nil
}

func updateRoomMembership(s *Server, c *call) (any, error) {
	m, err := s.svc.UpdateRoomMembership(c.ctx(), c.labels["accountId"], c.labels["roomId"], c.labels["memberId"],
		belfry.Role(c.in.str("Role")))
	if err != nil {
		return nil, err
	}
	return struct{ RoomMembership *wireMembership }{toWireMembership(m)}, nil
}

func deleteRoomMembership(s *Server, c *call) (any, error) {
	return nil, s.svc.DeleteRoomMembership(c.ctx(), c.labels["accountId"], c.labels["roomId"], c.labels["memberId"])
}

type wireMemberError struct {
	MemberID     string `json:"MemberId"`
	ErrorCode    string `json:"ErrorCode"`
	ErrorMessage string `json:"ErrorMessage"`
}

// batchCreateRoomMembership answers the items that failed, each with the
// ErrorCode enum value of its error's kind, and exactly {"Errors":[]} when
// every item succeeded, as the real service sent (chime-behaviour.md §3.3).
func batchCreateRoomMembership(s *Server, c *call) (any, error) {
	list := c.in.objs("MembershipItemList")
	reqs := make([]belfry.MembershipRequest, len(list))
	for i, it := range list {
		reqs[i] = belfry.MembershipRequest{MemberID: it.str("MemberId"), Role: belfry.Role(it.str("Role"))}
	}
	failed, err := s.svc.BatchCreateRoomMembership(c.ctx(), c.labels["accountId"], c.labels["roomId"], reqs)
	if err != nil {
		return nil, err
	}
	out := struct{ Errors []wireMemberError }{make([]wireMemberError, len(failed))}
	for i, f := range failed {
		out.Errors[i] = wireMemberError{
			MemberID: f.MemberID, ErrorCode: exceptionOf[belfry.ErrorKind(f.Err)].Code, ErrorMessage: belfry.ErrorMessage(f.Err),
		}
	}
	return out, nil
}
