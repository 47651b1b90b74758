package api_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry/botevent"
	"github.com/belfryhq/belfry/internal/lambdatest"
)

// botWithLambda makes a bot of an Enterprise account whose Belfry has
// Lambda delivery enabled, calling a Lambda Invoke API in the test, and
// returns them with the account's and the bot's IDs.
func botWithLambda(t *testing.T) (e *env, fns *lambdatest.Server, acct, id string) {
	e = newEnv(t)
	fns = e.lambda()
	acct = e.enterprise("corp", "example.com")
	return e, fns, acct, aws.ToString(e.bot(acct, "Build").BotId)
}

// lambda starts a Lambda Invoke API for the test and enables Lambda
// delivery in e's Belfry, calling it with its access key.
func (e *env) lambda() *lambdatest.Server {
	e.t.Helper()
	fns := lambdatest.New(e.t)
	l, err := botevent.NewLambda(context.Background(), botevent.LambdaConfig{Endpoint: fns.URL,
		Credentials: credentials.NewStaticCredentialsProvider(fns.KeyID, fns.Secret, "")})
	if err != nil {
		e.t.Fatal(err)
	}
	e.svc.BotLambda = l
	return fns
}

// putLambda configures bot id of account acct to send events to arn.
func (e *env) putLambda(acct, id, arn string) (*chime.PutEventsConfigurationOutput, error) {
	return e.chime.PutEventsConfiguration(context.Background(), &chime.PutEventsConfigurationInput{
		AccountId: aws.String(acct), BotId: aws.String(id), LambdaFunctionArn: aws.String(arn)})
}

// TestEventsConfigurationLambda checks that a function that Lambda lets
// Belfry invoke is dry-run, stored and shown, and lets the bot join a
// room; and that a later Put that fails leaves it in place.
func TestEventsConfigurationLambda(t *testing.T) {
	e, fns, acct, id := botWithLambda(t)
	const arn = "arn:aws:lambda:us-west-2:111122223333:function:build-bot:live"
	fns.Function(arn, func(lambdatest.Invocation) ([]byte, error) { return nil, nil })
	out, err := e.putLambda(acct, id, arn)
	if err != nil {
		t.Fatalf("PutEventsConfiguration(Lambda) = %v", err)
	}
	if got := out.EventsConfiguration; statusOf(out.ResultMetadata) != 201 || aws.ToString(got.LambdaFunctionArn) != arn ||
		got.OutboundEventsHTTPSEndpoint != nil || aws.ToString(got.BotId) != id {
		t.Errorf("PutEventsConfiguration(Lambda) = %d %+v; want 201 with the ARN alone", statusOf(out.ResultMetadata), got)
	}
	calls := fns.Invocations()
	if len(calls) != 1 || calls[0].Type != "DryRun" || calls[0].FunctionName != arn || calls[0].Region != "us-west-2" ||
		calls[0].AccessKeyID != fns.KeyID {
		t.Fatalf("Lambda saw %+v; want one signed DryRun of %s in us-west-2", calls, arn)
	}
	got, err := e.getEvents(acct, id)
	if err != nil || aws.ToString(got.EventsConfiguration.LambdaFunctionArn) != arn || got.EventsConfiguration.OutboundEventsHTTPSEndpoint != nil {
		t.Fatalf("GetEventsConfiguration() = %+v, %v; want the ARN just put", got, err)
	}
	if _, err := e.join(acct, e.room(acct, "Ops"), id, ""); err != nil {
		t.Fatalf("CreateRoomMembership(bot with a Lambda function) = %v", err)
	}
	_, err = e.putLambda(acct, id, "arn:aws:lambda:us-west-2:111122223333:function:gone")
	wantErr[*types.BadRequestException](t, err)
	if got, err := e.getEvents(acct, id); err != nil || aws.ToString(got.EventsConfiguration.LambdaFunctionArn) != arn {
		t.Errorf("GetEventsConfiguration() after a refused Put = %+v, %v; want %s kept", got, err, arn)
	}
}

// TestEventsConfigurationLambdaRefused checks that each function the dry
// run does not pass, whatever Lambda answered, is refused with a 400
// saying what came back, and that a malformed ARN is refused without a
// call to Lambda; nothing is stored either way.
func TestEventsConfigurationLambdaRefused(t *testing.T) {
	e, fns, acct, id := botWithLambda(t)
	refusals := []struct {
		name, want string
		fn         lambdatest.Func
	}{
		{"missing", "404 ResourceNotFoundException: Function not found", nil},
		{"failing", "the function failed (Unhandled)", func(lambdatest.Invocation) ([]byte, error) { return nil, errors.New("boom") }},
		{"denied", "403 AccessDeniedException", lambdatest.Refuse(403, "AccessDeniedException", "not authorized")},
		{"throttled", "429 TooManyRequestsException", lambdatest.Refuse(429, "TooManyRequestsException", "Rate Exceeded.")},
		{"broken", "500 ServiceException", lambdatest.Refuse(500, "ServiceException", "internal")},
	}
	for _, c := range refusals {
		arn := "arn:aws:lambda:us-east-1:111122223333:function:" + c.name
		if c.fn != nil {
			fns.Function(arn, c.fn)
		}
		_, err := e.putLambda(acct, id, arn)
		if msg := aws.ToString(wantErr[*types.BadRequestException](t, err).Message); !strings.Contains(msg, c.want) || !strings.Contains(msg, arn) {
			t.Errorf("%s: PutEventsConfiguration() = %q; want it to name %s and say %q", c.name, msg, arn, c.want)
		}
	}
	before := len(fns.Invocations())
	for _, arn := range []string{
		"build-bot",
		"arn:aws:lambda:us-east-1:111122223333:function:",
		"arn:aws:lambda:us-east-1:111122223333:layer:tools:3",
		"arn:aws:lambda:us-east-1:1111:function:bot",
		"arn:aws:lambda:us-east-1:111122223333:function:<script>alert(1)</script>",
		"arn:aws:lambda:evil.example.com/x:111122223333:function:bot",
		"arn:aws:s3:::bucket",
		"arn:aws:lambda:us-east-1:111122223333:function:" + strings.Repeat("b", 65),
		"arn:aws:lambda:us-east-1:111122223333:function:bot:" + strings.Repeat("v", 130),
	} {
		_, err := e.putLambda(acct, id, arn)
		if msg := aws.ToString(wantErr[*types.BadRequestException](t, err).Message); !strings.Contains(msg, "Lambda function ARN") {
			t.Errorf("PutEventsConfiguration(%.60q) = %q; want it to say what a Lambda function ARN is", arn, msg)
		}
	}
	if after := len(fns.Invocations()); after != before {
		t.Errorf("malformed ARNs reached Lambda %d times; want none", after-before)
	}
	if got, err := e.getEvents(acct, id); err == nil {
		t.Errorf("GetEventsConfiguration() = %+v after refused Puts; want nothing stored", got)
	}
	_, err := e.chime.PutEventsConfiguration(context.Background(), &chime.PutEventsConfigurationInput{
		AccountId: aws.String(acct), BotId: aws.String(id), OutboundEventsHTTPSEndpoint: aws.String("https://bot.example.com/"),
		LambdaFunctionArn: aws.String("arn:aws:lambda:us-east-1:111122223333:function:missing")})
	if msg := aws.ToString(wantErr[*types.BadRequestException](t, err).Message); !strings.Contains(msg, "not both") {
		t.Errorf("PutEventsConfiguration(both) = %q; want it to say not both", msg)
	}
}
