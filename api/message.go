package api

// redactRoomMessage blanks a room message for good; the model's answer is
// an empty object with status 200, again for a message redacted before
// (DECISIONS.md, "Rooms, once they hold conversations").
func redactRoomMessage(s *Server, c *call) (any, error) {
	err := s.svc.RedactRoomMessage(c.ctx(), c.labels["accountId"], c.labels["roomId"], c.labels["messageId"])
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

// redactConversationMessage blanks a conversation message for good, as
// redactRoomMessage does a room's.
func redactConversationMessage(s *Server, c *call) (any, error) {
	err := s.svc.RedactConversationMessage(c.ctx(), c.labels["accountId"], c.labels["conversationId"], c.labels["messageId"])
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}
