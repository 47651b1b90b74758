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
	p, size, err := pageOf(c, 10)
	if err != nil {
		return nil, err
	}
	ms, err := s.svc.ListRoomMemberships(c.ctx(), c.labels["accountId"], c.labels["roomId"], p)
	if err != nil {
		return nil, err
	}
	ms, more := trim(ms, size)
	out := listMembershipsOutput{RoomMemberships: make([]*wireMembership, len(ms))}
	for i, m := range ms {
		out.RoomMemberships[i] = toWireMembership(m)
	}
	if more {
		out.NextToken = nextToken(c, more, ms[len(ms)-1].Seq)
	}
	return out, nil
}
