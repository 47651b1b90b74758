package api

// createMeetingDialOut answers NotFound for every meeting once the input
// has passed the model's checks (DECISIONS.md "Phone numbers").
func createMeetingDialOut(s *Server, c *call) (any, error) {
	return nil, s.svc.CreateMeetingDialOut(c.ctx(), c.labels["meetingId"])
}

// beyondModel lists, by operation, the exceptions Belfry answers although
// the operation's model does not list them. CreateMeetingDialOut models no
// NotFoundException, but DECISIONS.md has it answer 404 NotFound for every
// meeting: no other modeled error says that the meeting does not exist.
// boto3 maps it to NotFoundException all the same (it maps any of the
// service's exceptions); aws-sdk-go-v2 reports a smithy.GenericAPIError
// with code NotFoundException and the message.
var beyondModel = map[string][]string{
	"CreateMeetingDialOut": {"NotFoundException"},
}
