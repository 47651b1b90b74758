package api_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

// getGlobal reads client's global settings as the CDR bucket names, "" for
// none.
func getGlobal(t *testing.T, client *chime.Client) [2]string {
	t.Helper()
	out, err := client.GetGlobalSettings(context.Background(), &chime.GetGlobalSettingsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if out.BusinessCalling == nil || out.VoiceConnector == nil {
		t.Fatalf("GetGlobalSettings = %+v, want both BusinessCalling and VoiceConnector", out)
	}
	return [2]string{aws.ToString(out.BusinessCalling.CdrBucket), aws.ToString(out.VoiceConnector.CdrBucket)}
}

func TestGlobalSettings(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	update := func(in *chime.UpdateGlobalSettingsInput) {
		t.Helper()
		out, err := e.chime.UpdateGlobalSettings(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if got := statusOf(out.ResultMetadata); got != http.StatusNoContent {
			t.Errorf("UpdateGlobalSettings status = %d, want 204", got)
		}
	}
	for _, step := range []struct {
		what string
		in   *chime.UpdateGlobalSettingsInput
		want [2]string
	}{
		{"before any update", nil, [2]string{"", ""}},
		{"after setting Business Calling's", &chime.UpdateGlobalSettingsInput{
			BusinessCalling: &types.BusinessCallingSettings{CdrBucket: aws.String("corp-bc-records")},
		}, [2]string{"corp-bc-records", ""}},
		{"after setting Voice Connector's alone", &chime.UpdateGlobalSettingsInput{
			VoiceConnector: &types.VoiceConnectorSettings{CdrBucket: aws.String("Legacy_VC.records")},
		}, [2]string{"corp-bc-records", "Legacy_VC.records"}},
		{"after an empty update", &chime.UpdateGlobalSettingsInput{}, [2]string{"corp-bc-records", "Legacy_VC.records"}},
		{"after giving Business Calling without a bucket", &chime.UpdateGlobalSettingsInput{
			BusinessCalling: &types.BusinessCallingSettings{},
		}, [2]string{"", "Legacy_VC.records"}},
		{"after an empty Voice Connector bucket", &chime.UpdateGlobalSettingsInput{
			VoiceConnector: &types.VoiceConnectorSettings{CdrBucket: aws.String("")},
		}, [2]string{"", ""}},
	} {
		if step.in != nil {
			update(step.in)
		}
		if got := getGlobal(t, e.chime); got != step.want {
			t.Errorf("buckets %s = %q, want %q", step.what, got, step.want)
		}
	}

	update(&chime.UpdateGlobalSettingsInput{BusinessCalling: &types.BusinessCallingSettings{CdrBucket: aws.String("ours")}})
	events, _ := e.audit("")
	last := events[len(events)-1]
	if last.Operation != "UpdateGlobalSettings" || !cmp.Equal(last.Resources, []string{"111122223333"}) ||
		!strings.Contains(last.Summary, "Business Calling CDR bucket ours, Voice Connector CDR bucket unchanged") {
		t.Errorf("last audit event %+v, want UpdateGlobalSettings of AWS account 111122223333 saying what changed", last)
	}
	other := e.keyFor("444455556666")
	if got := getGlobal(t, other); got != [2]string{"", ""} {
		t.Errorf("another AWS account's buckets = %q, want none: global settings belong to the AWS account", got)
	}
}

func TestGlobalSettingsRefusesBadInput(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.chime.UpdateGlobalSettings(ctx, &chime.UpdateGlobalSettingsInput{
		VoiceConnector: &types.VoiceConnectorSettings{CdrBucket: aws.String("kept")},
	})
	for _, bucket := range []string{"s3://corp-records", "corp records", "ab", "<script>x</script>", "-corp", strings.Repeat("a", 256)} {
		_, err := e.chime.UpdateGlobalSettings(ctx, &chime.UpdateGlobalSettingsInput{
			BusinessCalling: &types.BusinessCallingSettings{CdrBucket: aws.String(bucket)},
			VoiceConnector:  &types.VoiceConnectorSettings{CdrBucket: aws.String("changed")},
		})
		wantMessage(t, wantErr[*types.BadRequestException](t, err).Message, "BusinessCalling.CdrBucket", "S3 bucket name")
	}
	for _, body := range []string{`{"BusinessCalling":{"CdrBucket":5}}`, `{"VoiceConnector":"bucket"}`, `{"BusinessCalling":`,
		`{"businesscalling":{"CdrBucket":"x"}}`} {
		if r := e.do(request{Method: "PUT", Path: "/settings", Body: []byte(body)}); r.Status != http.StatusBadRequest {
			t.Errorf("body %s answered %d %s, want 400", body, r.Status, r.Body)
		}
	}
	if got := getGlobal(t, e.chime); got != [2]string{"", "kept"} {
		t.Errorf("buckets after refused updates = %q, want them unchanged", got)
	}
	if r := e.do(request{Method: "GET", Path: "/settings", Unsigned: true}); r.Status != http.StatusForbidden && r.Status != http.StatusUnauthorized {
		t.Errorf("an unsigned GetGlobalSettings answered %d %s, want it refused", r.Status, r.Body)
	}
}

func TestPhoneNumberSettings(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var now atomic.Pointer[time.Time]
	set := func(t time.Time) { now.Store(&t) }
	e.svc.Clock = func() time.Time { return *now.Load() }
	first := time.Date(2026, 11, 2, 8, 30, 0, 0, time.UTC)
	set(first)
	get := func(what string, wantName *string, wantAt time.Time) {
		t.Helper()
		out, err := e.chime.GetPhoneNumberSettings(ctx, &chime.GetPhoneNumberSettingsInput{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(wantName, out.CallingName); diff != "" {
			t.Errorf("CallingName %s (-want +got):\n%s", what, diff)
		}
		if got := aws.ToTime(out.CallingNameUpdatedTimestamp); !got.Equal(wantAt) {
			t.Errorf("CallingNameUpdatedTimestamp %s = %v, want %v", what, got, wantAt)
		}
	}
	updateName := func(name string) error {
		out, err := e.chime.UpdatePhoneNumberSettings(ctx, &chime.UpdatePhoneNumberSettingsInput{CallingName: aws.String(name)})
		if err == nil && statusOf(out.ResultMetadata) != http.StatusNoContent {
			t.Errorf("UpdatePhoneNumberSettings status = %d, want 204", statusOf(out.ResultMetadata))
		}
		return err
	}
	get("before any setting", nil, time.Time{})
	if err := updateName("Example Corp"); err != nil {
		t.Fatal(err)
	}
	get("after the first setting", aws.String("Example Corp"), first)

	set(first.Add(time.Hour))
	if err := updateName("Example Corp"); err != nil {
		t.Errorf("setting the same name again, as a retry does = %v, want success", err)
	}
	get("after the same name again", aws.String("Example Corp"), first)
	set(first.Add(6 * 24 * time.Hour))
	before, _ := e.audit("")
	br := wantErr[*types.BadRequestException](t, updateName("Example Inc"))
	wantMessage(t, br.Message, "once every 7 days", "2026-11-02T08:30:00Z", "2026-11-09T08:30:00Z")
	get("after a refused change", aws.String("Example Corp"), first)
	if after, _ := e.audit(""); len(after) != len(before) {
		t.Errorf("a refused change recorded %v", operations(after[len(before):]))
	}

	set(first.Add(belfry.CallingNameChangeInterval))
	if err := updateName("Example Inc"); err != nil {
		t.Fatalf("a change 7 days later = %v, want success", err)
	}
	get("7 days later", aws.String("Example Inc"), first.Add(belfry.CallingNameChangeInterval))

	other := e.keyFor("444455556666")
	out, err := other.GetPhoneNumberSettings(ctx, &chime.GetPhoneNumberSettingsInput{})
	if err != nil || out.CallingName != nil {
		t.Errorf("another AWS account's settings = %+v, %v; want none: they belong to the AWS account", out, err)
	}
	if _, err := other.UpdatePhoneNumberSettings(ctx, &chime.UpdatePhoneNumberSettingsInput{CallingName: aws.String("Other Co")}); err != nil {
		t.Errorf("another AWS account's first setting = %v, want success whatever this one did", err)
	}
}

func TestPhoneNumberSettingsRefusesBadInput(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, name := range []string{"A", "Sixteen chars ok", "Ops & Co", "<b>Ops</b>", "Café"} {
		_, err := e.chime.UpdatePhoneNumberSettings(ctx, &chime.UpdatePhoneNumberSettingsInput{CallingName: aws.String(name)})
		wantMessage(t, wantErr[*types.BadRequestException](t, err).Message, "CallingName")
	}
	for _, body := range []string{`{}`, `{"CallingName":null}`, `{"CallingName":12}`, `{"callingname":"Ops"}`, `not json`} {
		if r := e.do(request{Method: "PUT", Path: "/settings/phone-number", Body: []byte(body)}); r.Status != http.StatusBadRequest {
			t.Errorf("body %s answered %d %s, want 400", body, r.Status, r.Body)
		}
	}
	out, err := e.chime.GetPhoneNumberSettings(ctx, &chime.GetPhoneNumberSettingsInput{})
	if err != nil || out.CallingName != nil || out.CallingNameUpdatedTimestamp != nil {
		t.Errorf("settings after refused updates = %+v, %v; want none set", out, err)
	}
}
