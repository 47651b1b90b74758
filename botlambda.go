package belfry

import (
	"context"
	"regexp"
)

// lambdaSetting is the operator's switch for Lambda delivery; refusing a
// LambdaFunctionArn names it, so that callers know why they were refused
// (DECISIONS.md, bots).
const lambdaSetting = "BELFRY_LAMBDA_DELIVERY"

// maxLambdaArn is the longest FunctionName that Lambda's Invoke takes.
// Chime's model gives LambdaFunctionArn no pattern or limit of its own
// (a SensitiveString), so Lambda's model sets them.
const maxLambdaArn = 170

// lambdaArnPattern is the FunctionArn pattern of Lambda's model, with the
// parts Belfry reads captured: the region, whose endpoint is called, and
// the function's name (at most 64 characters) and qualifier. A partial ARN
// or a bare name, which Lambda also takes, names no region, so only a full
// ARN is accepted.
var lambdaArnPattern = regexp.MustCompile(`^arn:(?:aws[a-zA-Z-]*)?:lambda:` +
	`((?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):(\d{12}):function:` +
	`([a-zA-Z0-9_-]{1,64})(?::(\$LATEST|[a-zA-Z0-9_-]+))?$`)

// LambdaFunction is a LambdaFunctionArn taken apart.
type LambdaFunction struct {
	Region    string
	AccountID string
	Name      string
	// Qualifier is the version or alias the ARN names, or empty.
	Qualifier string
}

// ParseLambdaFunctionArn takes arn apart, or answers BadRequest saying
// what a Lambda function ARN looks like.
func ParseLambdaFunctionArn(arn string) (*LambdaFunction, error) {
	if len(arn) > maxLambdaArn {
		return nil, Errorf(BadRequest, "LambdaFunctionArn is %d characters long; a Lambda function ARN has at most %d", len(arn), maxLambdaArn)
	}
	m := lambdaArnPattern.FindStringSubmatch(arn)
	if m == nil {
		return nil, Errorf(BadRequest,
			"LambdaFunctionArn %q is not a Lambda function ARN such as arn:aws:lambda:us-east-1:111122223333:function:my-bot", arn)
	}
	return &LambdaFunction{Region: m[1], AccountID: m[2], Name: m[3], Qualifier: m[4]}, nil
}

// checkLambda answers BadRequest unless arn is a Lambda function ARN that
// Belfry may invoke: Lambda delivery is enabled and a dry-run invoke of
// the function succeeds, as Chime's did (chime-behaviour.md §3.4).
func (s *Service) checkLambda(ctx context.Context, arn string) error {
	if _, err := ParseLambdaFunctionArn(arn); err != nil {
		return err
	}
	if s.BotLambda == nil {
		return Errorf(BadRequest, "LambdaFunctionArn needs Lambda delivery, which this Belfry has not enabled (%s=true)", lambdaSetting)
	}
	return s.BotLambda.DryRun(ctx, arn)
}
