package botevent

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	"github.com/belfryhq/belfry"
)

// LambdaConfig says how Belfry reaches AWS Lambda.
type LambdaConfig struct {
	// Endpoint, when set, is called instead of Lambda's regional
	// endpoints (BELFRY_LAMBDA_ENDPOINT), for LocalStack or a test server.
	Endpoint string
	// Credentials sign the calls; nil means the standard AWS credential
	// chain (environment, shared files, SSO, web identity, container and
	// instance roles).
	Credentials aws.CredentialsProvider
	// Timeout bounds one invocation, the function's run included; zero
	// means 10 seconds.
	Timeout time.Duration
	// Clock stamps signatures; nil means time.Now.
	Clock func() time.Time
}

// Lambda invokes bots' Lambda functions with aws-sdk-go-v2, in the region
// each function's ARN names. It makes one attempt per call: retries
// follow the delivery queue's schedule, not the SDK's.
type Lambda struct {
	client  *lambda.Client
	timeout time.Duration
	now     func() time.Time
}

// NewLambda returns a Lambda for cfg; it fails when the AWS configuration
// (shared config and credential files, AWS_ variables) cannot be loaded.
func NewLambda(ctx context.Context, cfg LambdaConfig) (*Lambda, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }),
	}
	if cfg.Credentials != nil {
		opts = append(opts, config.WithCredentialsProvider(cfg.Credentials))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration for Lambda delivery: %w", err)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	client := lambda.NewFromConfig(awsCfg, func(o *lambda.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
	})
	return &Lambda{client: client, timeout: cfg.Timeout, now: cfg.Clock}, nil
}

// lambdaClientContext is the ClientContext of an event: its signature and
// timestamp under the names of Chime's headers, at the top level as
// Chime sent them (Node.js bots read them there), and again under
// "custom", the only part that the Python, Java and Go runtimes pass on
// to a handler.
type lambdaClientContext struct {
	Signature string            `json:"Chime-Signature"`
	Timestamp string            `json:"Chime-Request-Timestamp"`
	Custom    map[string]string `json:"custom"`
}

// clientContext returns the base64 JSON ClientContext of body signed with
// token now.
func (l *Lambda) clientContext(token string, body []byte) string {
	timestamp, signature := stamp(token, l.now(), body)
	b, _ := json.Marshal(lambdaClientContext{Signature: signature, Timestamp: timestamp,
		Custom: map[string]string{SignatureHeader: signature, TimestampHeader: timestamp}})
	return base64.StdEncoding.EncodeToString(b)
}

// DryRun asks Lambda whether Belfry may invoke the function arn, without
// running it, and answers BadRequest saying what came back unless Lambda
// says yes: what PutEventsConfiguration checks, as Chime did.
func (l *Lambda) DryRun(ctx context.Context, arn string) error {
	return l.invoke(ctx, arn, "the dry-run invoke of LambdaFunctionArn "+arn,
		&lambda.InvokeInput{InvocationType: types.InvocationTypeDryRun})
}

// Invoke runs the function arn on body and waits for it to finish
// (InvocationType RequestResponse), so that a failure is seen and the
// event retried. The signature and timestamp travel in ClientContext.
// Errors are Unavailable when a later attempt may succeed: a function
// error, throttling (429), a conflict while the function is updated
// (409), Lambda's own failures (5xx), no answer in time. Any other answer
// (no such function, access denied, a refused request) is BadRequest:
// no retry will cure it.
func (l *Lambda) Invoke(ctx context.Context, arn, token string, body []byte) error {
	return l.invoke(ctx, arn, "invoking "+arn, &lambda.InvokeInput{
		InvocationType: types.InvocationTypeRequestResponse,
		ClientContext:  aws.String(l.clientContext(token, body)),
		Payload:        body,
	})
}

// invoke sends in to the function arn in the region the ARN names. Its
// error says what of, then what Lambda answered; DryRun's are all
// BadRequest, as Put's answer, and Invoke's are of lambdaErrorKind.
func (l *Lambda) invoke(ctx context.Context, arn, what string, in *lambda.InvokeInput) error {
	fn, err := belfry.ParseLambdaFunctionArn(arn)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	in.FunctionName = aws.String(arn)
	out, err := l.client.Invoke(ctx, in, func(o *lambda.Options) { o.Region = fn.Region })
	switch {
	case err != nil:
		err = l.describe(err)
	case out.FunctionError != nil:
		err = &functionError{kind: aws.ToString(out.FunctionError), payload: quoteable(out.Payload)}
	default:
		return nil
	}
	kind := lambdaErrorKind(err)
	if in.InvocationType == types.InvocationTypeDryRun {
		kind = belfry.BadRequest
	}
	return &belfry.Error{Kind: kind, Message: what + " failed: " + err.Error()}
}

// functionError is a function that ran and failed; Lambda says so in
// X-Amz-Function-Error and returns the error in the payload.
type functionError struct{ kind, payload string }

func (e *functionError) Error() string {
	return fmt.Sprintf("the function failed (%s): %s", e.kind, e.payload)
}

// lambdaError is an answer from Lambda other than success.
type lambdaError struct {
	status        int
	code, message string
}

func (e *lambdaError) Error() string {
	return fmt.Sprintf("Lambda answered %d %s: %s", e.status, e.code, e.message)
}

// describe turns the SDK's error into one that says what Lambda answered,
// or why there was no answer.
func (l *Lambda) describe(err error) error {
	var re *awshttp.ResponseError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("no answer from Lambda within %v", l.timeout.Round(time.Millisecond))
	case !errors.As(err, &re) || re.HTTPStatusCode() == 0:
		// The SDK wraps a failure to send in a ResponseError without a
		// response.
		return fmt.Errorf("no answer from Lambda: %w", unwrapURL(err))
	}
	le := &lambdaError{status: re.HTTPStatusCode(), code: http.StatusText(re.HTTPStatusCode())}
	var api smithy.APIError
	if errors.As(err, &api) {
		le.code, le.message = api.ErrorCode(), api.ErrorMessage()
	}
	return le
}

// lambdaErrorKind is Unavailable for the failures a later attempt may
// get past, BadRequest for the rest.
func lambdaErrorKind(err error) belfry.Kind {
	var le *lambdaError
	if !errors.As(err, &le) {
		// A function error, or no answer at all.
		return belfry.Unavailable
	}
	if le.status == http.StatusTooManyRequests || le.status == http.StatusConflict || le.status >= 500 {
		return belfry.Unavailable
	}
	return belfry.BadRequest
}
