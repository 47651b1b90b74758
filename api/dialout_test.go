package api_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/aws/smithy-go"
)

const meetingID = "e2a9b1c4-7f3d-4c2a-9b8e-1d2c3b4a5f60"

func dialOut(mutate func(*chime.CreateMeetingDialOutInput)) *chime.CreateMeetingDialOutInput {
	in := &chime.CreateMeetingDialOutInput{
		MeetingId: aws.String(meetingID), FromPhoneNumber: aws.String("+12065550100"),
		ToPhoneNumber: aws.String("+442079460000"), JoinToken: aws.String("am9pbi10b2tlbg+/"),
	}
	if mutate != nil {
		mutate(in)
	}
	return in
}

// TestCreateMeetingDialOutNotFound checks that a well-formed dial-out
// answers 404 NotFoundException saying why. The operation's model lists no
// NotFoundException, so aws-sdk-go-v2 reports it as a generic API error
// with that code, as it does any exception an operation does not model.
func TestCreateMeetingDialOutNotFound(t *testing.T) {
	e := newEnv(t)
	before, _ := e.audit("")
	_, err := e.chime.CreateMeetingDialOut(context.Background(), dialOut(nil))
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "NotFoundException" {
		t.Fatalf("CreateMeetingDialOut = %v, want NotFoundException", err)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusNotFound {
		t.Errorf("CreateMeetingDialOut status = %v, want 404", err)
	}
	for _, w := range []string{meetingID, "Belfry hosts no meetings"} {
		if !strings.Contains(apiErr.ErrorMessage(), w) {
			t.Errorf("message %q does not say %q", apiErr.ErrorMessage(), w)
		}
	}
	r := e.do(request{Method: "POST", Path: "/meetings/" + meetingID + "/dial-outs",
		Body: []byte(`{"FromPhoneNumber":"+12065550100","ToPhoneNumber":"12065550101","JoinToken":"abc"}`)})
	if r.Status != http.StatusNotFound || r.Header.Get("X-Amzn-ErrorType") != "NotFoundException" ||
		!strings.Contains(string(r.Body), `"Code":"NotFound"`) {
		t.Errorf("raw dial-out answered %d %s %s, want 404 NotFoundException with Code NotFound",
			r.Status, r.Header.Get("X-Amzn-ErrorType"), r.Body)
	}
	if after, _ := e.audit(""); len(after) != len(before) {
		t.Errorf("a dial-out, which changes nothing, recorded %v", operations(after[len(before):]))
	}
}

// TestCreateMeetingDialOutRefusesBadInput checks the model's constraints
// before the meeting is looked for: bad input is a 400, not a 404.
func TestCreateMeetingDialOutRefusesBadInput(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct {
		name   string
		mutate func(*chime.CreateMeetingDialOutInput)
		says   string
	}{
		{"meeting ID not a GUID", func(in *chime.CreateMeetingDialOutInput) { in.MeetingId = aws.String("meeting-1") }, "MeetingId"},
		{"From not E.164", func(in *chime.CreateMeetingDialOutInput) { in.FromPhoneNumber = aws.String("206-555-0100") }, "FromPhoneNumber"},
		{"To starting with 0", func(in *chime.CreateMeetingDialOutInput) { in.ToPhoneNumber = aws.String("+0123") }, "ToPhoneNumber"},
		{"To too long", func(in *chime.CreateMeetingDialOutInput) { in.ToPhoneNumber = aws.String("+1234567890123456") }, "ToPhoneNumber"},
		{"join token too short", func(in *chime.CreateMeetingDialOutInput) { in.JoinToken = aws.String("a") }, "JoinToken"},
		{"join token too long", func(in *chime.CreateMeetingDialOutInput) { in.JoinToken = aws.String(strings.Repeat("a", 2049)) }, "JoinToken"},
		{"join token not base64", func(in *chime.CreateMeetingDialOutInput) { in.JoinToken = aws.String("token with spaces") }, "JoinToken"},
		{"join token markup", func(in *chime.CreateMeetingDialOutInput) { in.JoinToken = aws.String("<script>") }, "JoinToken"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.chime.CreateMeetingDialOut(context.Background(), dialOut(tt.mutate))
			wantMessage(t, wantErr[*types.BadRequestException](t, err).Message, tt.says)
		})
	}
	for _, body := range []string{`{"FromPhoneNumber":"+12065550100","ToPhoneNumber":"+12065550101"}`,
		`{"FromPhoneNumber":"+12065550100","ToPhoneNumber":12065550101,"JoinToken":"abc"}`, `{"FromPhoneNumber":`} {
		r := e.do(request{Method: "POST", Path: "/meetings/" + meetingID + "/dial-outs", Body: []byte(body)})
		if r.Status != http.StatusBadRequest {
			t.Errorf("body %s answered %d %s, want 400", body, r.Status, r.Body)
		}
	}
}
