package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/lambdatest"
)

// TestLambdaDeliveryConfig checks that Lambda delivery is off by default,
// follows BELFRY_LAMBDA_DELIVERY, then the flag, takes its endpoint from
// BELFRY_LAMBDA_ENDPOINT or the flag, and that a value that is not a
// boolean, or an endpoint that is not a URL, stops start-up.
func TestLambdaDeliveryConfig(t *testing.T) {
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	for _, tc := range []struct {
		delivery, endpoint string
		args               []string
		want               bool
		wantEndpoint       string
		wantErr            string
	}{
		{"", "", nil, false, "", ""},
		{"true", "", nil, true, "", ""},
		{"true", "http://localhost:4566", nil, true, "http://localhost:4566", ""},
		{"", "", []string{"-lambda-delivery", "-lambda-endpoint", "https://lambda.internal"}, true, "https://lambda.internal", ""},
		{"true", "", []string{"-lambda-delivery=false"}, false, "", ""},
		{"on", "", nil, false, "", "BELFRY_LAMBDA_DELIVERY"},
		{"true", "localhost:4566", nil, true, "", "BELFRY_LAMBDA_ENDPOINT"},
	} {
		t.Run(fmt.Sprint(tc.delivery, tc.endpoint, tc.args), func(t *testing.T) {
			t.Setenv("BELFRY_LAMBDA_DELIVERY", tc.delivery)
			t.Setenv("BELFRY_LAMBDA_ENDPOINT", tc.endpoint)
			cfg, err := parseBotFlags(tc.args)
			svc := new(belfry.Service)
			if err == nil {
				err = setUpBotEndpoints(svc, cfg)
			}
			switch {
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("got %v, want an error saying %q", err, tc.wantErr)
			case tc.wantErr == "" && (err != nil || cfg.LambdaDelivery != tc.want || cfg.LambdaEndpoint != tc.wantEndpoint ||
				(svc.BotLambda != nil) != tc.want):
				t.Errorf("got delivery %v at %q (BotLambda %v), %v; want %v at %q",
					cfg.LambdaDelivery, cfg.LambdaEndpoint, svc.BotLambda, err, tc.want, tc.wantEndpoint)
			}
		})
	}
}

// TestLambdaDeliveryServe starts the binary as an operator would with
// Lambda delivery on, its endpoint and the AWS credentials in the
// environment: PutEventsConfiguration dry-runs the function there, signed
// with those credentials, and stores it; a function Lambda does not know
// gets a 400.
func TestLambdaDeliveryServe(t *testing.T) {
	t.Parallel()
	fns := lambdatest.New(t)
	const arn = "arn:aws:lambda:eu-central-1:111122223333:function:build-bot"
	fns.Function(arn, func(lambdatest.Invocation) ([]byte, error) { return nil, nil })
	none := filepath.Join(t.TempDir(), "none")
	p := startBelfry(t, startOptions{ExtraEnv: []string{
		"BELFRY_LAMBDA_DELIVERY=true", "BELFRY_LAMBDA_ENDPOINT=" + fns.URL,
		"AWS_ACCESS_KEY_ID=" + fns.KeyID, "AWS_SECRET_ACCESS_KEY=" + fns.Secret,
		"AWS_CONFIG_FILE=" + none, "AWS_SHARED_CREDENTIALS_FILE=" + none, "AWS_EC2_METADATA_DISABLED=true",
	}})
	c := p.sdk(rootKeyID, rootSecret)
	ctx := ctxT(t)
	acct, err := c.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("Corp")})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(acct.Account.AccountId)
	p.claim(id, "example.org", "EnterpriseDirectory")
	bot, err := c.CreateBot(ctx, &chime.CreateBotInput{AccountId: aws.String(id), DisplayName: aws.String("Build")})
	if err != nil {
		t.Fatal(err)
	}
	put := &chime.PutEventsConfigurationInput{AccountId: aws.String(id), BotId: bot.Bot.BotId, LambdaFunctionArn: aws.String(arn)}
	if _, err := c.PutEventsConfiguration(ctx, put); err != nil {
		t.Fatalf("PutEventsConfiguration(Lambda) = %v", err)
	}
	if calls := fns.Invocations(); len(calls) != 1 || calls[0].Type != "DryRun" || calls[0].AccessKeyID != fns.KeyID {
		t.Errorf("Lambda saw %+v; want one DryRun signed with the environment's key", calls)
	}
	put.LambdaFunctionArn = aws.String("arn:aws:lambda:eu-central-1:111122223333:function:unknown")
	_, err = c.PutEventsConfiguration(ctx, put)
	var bad *types.BadRequestException
	if !errors.As(err, &bad) || !strings.Contains(aws.ToString(bad.Message), "ResourceNotFoundException") {
		t.Errorf("PutEventsConfiguration(unknown function) = %v; want 400 quoting ResourceNotFoundException", err)
	}
}
