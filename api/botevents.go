package api

import (
	"github.com/belfryhq/belfry"
)

// wireEventsConfiguration is the model's EventsConfiguration; the field
// not in use is left out.
type wireEventsConfiguration struct {
	BotID                       string `json:"BotId"`
	OutboundEventsHTTPSEndpoint string `json:"OutboundEventsHTTPSEndpoint,omitempty"`
	LambdaFunctionArn           string `json:"LambdaFunctionArn,omitempty"`
}

// eventsConfigurationAnswer is the output of Put and GetEventsConfiguration.
func eventsConfigurationAnswer(c *belfry.EventsConfiguration, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return struct{ EventsConfiguration *wireEventsConfiguration }{&wireEventsConfiguration{
		BotID: c.BotID, OutboundEventsHTTPSEndpoint: c.OutboundEventsHTTPSEndpoint, LambdaFunctionArn: c.LambdaFunctionArn,
	}}, nil
}

func putEventsConfiguration(s *Server, c *call) (any, error) {
	return eventsConfigurationAnswer(s.svc.PutEventsConfiguration(c.ctx(), c.labels["accountId"], c.labels["botId"],
		c.in.str("OutboundEventsHTTPSEndpoint"), c.in.str("LambdaFunctionArn")))
}

func getEventsConfiguration(s *Server, c *call) (any, error) {
	return eventsConfigurationAnswer(s.svc.GetEventsConfiguration(c.ctx(), c.labels["accountId"], c.labels["botId"]))
}

func deleteEventsConfiguration(s *Server, c *call) (any, error) {
	return nil, s.svc.DeleteEventsConfiguration(c.ctx(), c.labels["accountId"], c.labels["botId"])
}
