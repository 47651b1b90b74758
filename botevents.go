package belfry

import (
	"context"
	"strings"
)

// EventsConfiguration is where a bot's events go: an HTTPS endpoint or a
// Lambda function, exactly one of the two (chime-behaviour.md §2).
type EventsConfiguration struct {
	BotID                       string
	OutboundEventsHTTPSEndpoint string
	LambdaFunctionArn           string
}

// EventsConfigurationStore keeps bots' events configurations. Each call
// answers NotFound when accountID has no bot botID.
type EventsConfigurationStore interface {
	// PutEventsConfiguration stores c for bot c.BotID, in place of any it
	// had.
	PutEventsConfiguration(ctx context.Context, accountID string, c *EventsConfiguration) error
	// EventsConfiguration returns the bot's configuration, or NotFound
	// when it has none.
	EventsConfiguration(ctx context.Context, accountID, botID string) (*EventsConfiguration, error)
	// DeleteEventsConfiguration removes the bot's configuration; a bot
	// with none is left as it is.
	DeleteEventsConfiguration(ctx context.Context, accountID, botID string) error
}

// BotEndpoints reaches bots' outbound HTTPS endpoints. Verify sends bot
// the HTTPSEndpointVerification challenge at endpoint and answers
// BadRequest, saying what came back, unless the endpoint echoes it.
type BotEndpoints interface {
	Verify(ctx context.Context, endpoint string, b *Bot) error
}

// BotLambda invokes bots' Lambda functions (DECISIONS.md, bots).
type BotLambda interface {
	// DryRun checks that arn names a function Belfry may invoke. It
	// answers BadRequest, saying what Lambda answered, when it does not.
	DryRun(ctx context.Context, arn string) error
	// Invoke delivers body to the function arn, signed with token as Chime
	// signed. Its errors are Unavailable when a later attempt may succeed
	// (throttling, Lambda's own failures, a function error, no answer)
	// and BadRequest when none will (no such function, access denied).
	Invoke(ctx context.Context, arn, token string, body []byte) error
}

// PutEventsConfiguration sends a bot's events to endpoint once the endpoint
// has answered the verification challenge, or to the Lambda function
// lambdaArn once a dry-run invoke of it has succeeded; nothing is stored
// otherwise (chime-behaviour.md §3.4).
func (s *Service) PutEventsConfiguration(ctx context.Context, accountID, botID, endpoint, lambdaArn string) (*EventsConfiguration, error) {
	a, err := s.enterprise(ctx, accountID)
	if err != nil {
		return nil, err
	}
	b, err := s.Store.Bot(ctx, a.ID, botID)
	if err != nil {
		return nil, err
	}
	endpoint, lambdaArn = strings.TrimSpace(endpoint), strings.TrimSpace(lambdaArn)
	switch {
	case endpoint != "" && lambdaArn != "":
		err = Errorf(BadRequest, "give OutboundEventsHTTPSEndpoint or LambdaFunctionArn, not both")
	case lambdaArn != "":
		err = s.checkLambda(ctx, lambdaArn)
	case endpoint == "":
		err = Errorf(BadRequest, "give OutboundEventsHTTPSEndpoint or LambdaFunctionArn")
	case s.BotEndpoints == nil:
		err = Errorf(BadRequest, "this Belfry sends no events to HTTPS endpoints")
	default:
		err = s.BotEndpoints.Verify(ctx, endpoint, b)
	}
	if err != nil {
		return nil, err
	}
	c := &EventsConfiguration{BotID: b.ID, OutboundEventsHTTPSEndpoint: endpoint, LambdaFunctionArn: lambdaArn}
	AuditNote(ctx, a.ID, "configured events of bot "+b.DisplayName+" to "+endpoint+lambdaArn, b.ID)
	if err := s.Store.PutEventsConfiguration(ctx, a.ID, c); err != nil {
		return nil, err
	}
	return c, nil
}

// GetEventsConfiguration returns where a bot's events go.
func (s *Service) GetEventsConfiguration(ctx context.Context, accountID, botID string) (*EventsConfiguration, error) {
	a, err := s.enterprise(ctx, accountID)
	if err != nil {
		return nil, err
	}
	return s.Store.EventsConfiguration(ctx, a.ID, botID)
}

// DeleteEventsConfiguration stops a bot's events; the bot can then no
// longer be added to rooms. Deleting none is not an error, as the model
// lists no NotFound for it.
func (s *Service) DeleteEventsConfiguration(ctx context.Context, accountID, botID string) error {
	a, err := s.enterprise(ctx, accountID)
	if err != nil {
		return err
	}
	AuditNote(ctx, a.ID, "deleted the events configuration of bot "+botID, botID)
	return s.Store.DeleteEventsConfiguration(ctx, a.ID, botID)
}
