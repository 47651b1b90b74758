package api

import "github.com/belfryhq/belfry"

// wireCDRBucket is BusinessCallingSettings or VoiceConnectorSettings: an
// empty bucket, which is no bucket, has no CdrBucket.
type wireCDRBucket struct {
	CdrBucket string `json:"CdrBucket,omitempty"`
}

func getGlobalSettings(s *Server, c *call) (any, error) {
	g, err := s.svc.GetGlobalSettings(c.ctx())
	if err != nil {
		return nil, err
	}
	return struct{ BusinessCalling, VoiceConnector wireCDRBucket }{
		wireCDRBucket{g.BusinessCallingCDRBucket}, wireCDRBucket{g.VoiceConnectorCDRBucket},
	}, nil
}

// updateGlobalSettings leaves a bucket as it is when its structure is
// omitted, and removes it when the structure is given without a CdrBucket
// or with an empty one, so that a script can change one bucket alone and
// can stop naming one.
func updateGlobalSettings(s *Server, c *call) (any, error) {
	return nil, s.svc.UpdateGlobalSettings(c.ctx(), belfry.GlobalSettingsUpdate{
		BusinessCallingCDRBucket: cdrBucket(c.in, "BusinessCalling"),
		VoiceConnectorCDRBucket:  cdrBucket(c.in, "VoiceConnector"),
	})
}

// cdrBucket reads the CdrBucket of structure name of in: nil when the
// structure is absent, empty when it names no bucket.
func cdrBucket(in document, name string) *string {
	settings := optional[map[string]any](in, name)
	if settings == nil {
		return nil
	}
	bucket := document(*settings).str("CdrBucket")
	return &bucket
}

// getPhoneNumberSettings answers no CallingName until one is set, and an
// empty one once it has been cleared.
func getPhoneNumberSettings(s *Server, c *call) (any, error) {
	ps, err := s.svc.GetPhoneNumberSettings(c.ctx())
	if err != nil {
		return nil, err
	}
	out := struct {
		CallingName                 *string   `json:",omitempty"`
		CallingNameUpdatedTimestamp timestamp `json:",omitzero"`
	}{CallingNameUpdatedTimestamp: timestamp(ps.CallingNameUpdated)}
	if !ps.CallingNameUpdated.IsZero() {
		out.CallingName = &ps.CallingName
	}
	return out, nil
}

func updatePhoneNumberSettings(s *Server, c *call) (any, error) {
	return nil, s.svc.UpdatePhoneNumberSettings(c.ctx(), c.in.str("CallingName"))
}
