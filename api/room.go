package api

import (
	"github.com/belfryhq/belfry"
)

func createRoom(s *Server, c *call) (any, error) {
	r, err := s.svc.CreateRoom(c.ctx(), c.labels["accountId"], c.in.str("Name"), c.in.str("ClientRequestToken"))
	if err != nil {
		return nil, err
	}
	return struct{ Room *wireRoom }{toWireRoom(r)}, nil
}

func getRoom(s *Server, c *call) (any, error) {
	r, err := s.svc.GetRoom(c.ctx(), c.labels["accountId"], c.labels["roomId"])
	if err != nil {
		return nil, err
	}
	return struct{ Room *wireRoom }{toWireRoom(r)}, nil
}

type listRoomsOutput struct {
	Rooms     []*wireRoom `json:"Rooms"`
	NextToken string      `json:"NextToken,omitempty"`
}

func listRooms(s *Server, c *call) (any, error) {
	member := c.query.Get("member-id")
	pg, err := s.pageOf(c, 10, member)
	if err != nil {
		return nil, err
	}
	rooms, err := s.svc.ListRooms(c.ctx(), c.labels["accountId"], belfry.RoomFilter{MemberID: member}, pg.Page)
	if err != nil {
		return nil, err
	}
	rooms, more := trim(rooms, pg.size)
	out := listRoomsOutput{Rooms: make([]*wireRoom, len(rooms))}
	for i, r := range rooms {
		out.Rooms[i] = toWireRoom(r)
	}
	if more {
		out.NextToken = pg.next(rooms[len(rooms)-1].Seq)
	}
	return out, nil
}

func updateRoom(s *Server, c *call) (any, error) {
	r, err := s.svc.UpdateRoom(c.ctx(), c.labels["accountId"], c.labels["roomId"], optional[string](c.in, "Name"))
	if err != nil {
		return nil, err
	}
	return struct{ Room *wireRoom }{toWireRoom(r)}, nil
}

func deleteRoom(s *Server, c *call) (any, error) {
	return nil, s.svc.DeleteRoom(c.ctx(), c.labels["accountId"], c.labels["roomId"])
}
