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
