package belfry

import "context"

// CreateMeetingDialOut would have a meeting call a phone number. Belfry
// hosts no meetings, so no meeting ID names one, and the answer is always
// NotFound (DECISIONS.md "Phone numbers"); the transport has checked the
// input against the model before, so that bad input is still a BadRequest.
func (s *Service) CreateMeetingDialOut(ctx context.Context, meetingID string) error {
	if _, err := callerOf(ctx); err != nil {
		return err
	}
	return Errorf(NotFound, "meeting %s not found: Belfry hosts no meetings, so it has none to dial out from", meetingID)
}
