package storetest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

var globalSettingsTests = []test{
	{"GlobalSettingsPartialUpdates", testGlobalSettings},
	{"PhoneNumberSettingsApplied", testPhoneNumberSettings},
	{"PhoneNumberSettingsTakeTurns", testPhoneNumberSettingsTakeTurns},
}

func testGlobalSettings(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	want := func(aws, what string, w belfry.GlobalSettings) {
		t.Helper()
		got, err := s.GlobalSettings(ctx, aws)
		if err != nil {
			t.Fatalf("GlobalSettings() %s = %v", what, err)
		}
		if diff := cmp.Diff(&w, got); diff != "" {
			t.Errorf("GlobalSettings() %s (-want +got):\n%s", what, diff)
		}
	}
	update := func(u belfry.GlobalSettingsUpdate) {
		t.Helper()
		if err := s.UpdateGlobalSettings(ctx, awsAccount(1), u); err != nil {
			t.Fatalf("UpdateGlobalSettings() = %v", err)
		}
	}
	want(awsAccount(1), "before any update", belfry.GlobalSettings{})
	bc, vc, none := "bc-records", "vc-records", ""
	update(belfry.GlobalSettingsUpdate{BusinessCallingCDRBucket: &bc})
	want(awsAccount(1), "after setting Business Calling's", belfry.GlobalSettings{BusinessCallingCDRBucket: bc})
	update(belfry.GlobalSettingsUpdate{VoiceConnectorCDRBucket: &vc})
	want(awsAccount(1), "after setting Voice Connector's", belfry.GlobalSettings{BusinessCallingCDRBucket: bc, VoiceConnectorCDRBucket: vc})
	update(belfry.GlobalSettingsUpdate{})
	want(awsAccount(1), "after an empty update", belfry.GlobalSettings{BusinessCallingCDRBucket: bc, VoiceConnectorCDRBucket: vc})
	update(belfry.GlobalSettingsUpdate{BusinessCallingCDRBucket: &none})
	want(awsAccount(1), "after removing Business Calling's", belfry.GlobalSettings{VoiceConnectorCDRBucket: vc})
	want(awsAccount(2), "of another AWS account", belfry.GlobalSettings{})
}

func testPhoneNumberSettings(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	want := func(aws, what string, w belfry.PhoneNumberSettings) {
		t.Helper()
		got, err := s.PhoneNumberSettings(ctx, aws)
		if err != nil {
			t.Fatalf("PhoneNumberSettings() %s = %v", what, err)
		}
		if diff := cmp.Diff(&w, got); diff != "" {
			t.Errorf("PhoneNumberSettings() %s (-want +got):\n%s", what, diff)
		}
	}
	want(awsAccount(1), "before any update", belfry.PhoneNumberSettings{})
	set := func(name string, when time.Time) error {
		return s.UpdatePhoneNumberSettings(ctx, awsAccount(1), func(ps *belfry.PhoneNumberSettings) error {
			ps.CallingName, ps.CallingNameUpdated = name, when
			return nil
		})
	}
	if err := set("Example Corp", at(100)); err != nil {
		t.Fatalf("UpdatePhoneNumberSettings() = %v", err)
	}
	want(awsAccount(1), "after the first setting", belfry.PhoneNumberSettings{CallingName: "Example Corp", CallingNameUpdated: at(100)})
	refused := belfry.Errorf(belfry.BadRequest, "not now")
	err := s.UpdatePhoneNumberSettings(ctx, awsAccount(1), func(ps *belfry.PhoneNumberSettings) error {
		if ps.CallingName != "Example Corp" || !ps.CallingNameUpdated.Equal(at(100)) {
			t.Errorf("apply was given %+v, want what was stored", ps)
		}
		ps.CallingName = "Changed anyway"
		return refused
	})
	if !errors.Is(err, refused) {
		t.Errorf("UpdatePhoneNumberSettings() whose apply refused = %v, want its error", err)
	}
	want(awsAccount(1), "after a refused change", belfry.PhoneNumberSettings{CallingName: "Example Corp", CallingNameUpdated: at(100)})
	if err := set("", at(200)); err != nil {
		t.Fatalf("UpdatePhoneNumberSettings() to no name = %v", err)
	}
	want(awsAccount(1), "after clearing the name", belfry.PhoneNumberSettings{CallingNameUpdated: at(200)})
	want(awsAccount(2), "of another AWS account", belfry.PhoneNumberSettings{})
}

// testPhoneNumberSettingsTakeTurns changes the calling name from several
// goroutines at once under the once-per-7-days rule: exactly one change
// may win, which holds only if each change sees the one before it. The
// first apply to run holds its change open until a second apply runs, or
// for overlapWait when the store makes the others wait, as it should: a
// store that lets two read the same settings lets two win.
func testPhoneNumberSettingsTakeTurns(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	const n, overlapWait = 4, 100 * time.Millisecond
	var applied atomic.Int32
	second := make(chan struct{})
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := "Name " + string(rune('A'+i))
			errs[i] = s.UpdatePhoneNumberSettings(ctx, awsAccount(1), func(ps *belfry.PhoneNumberSettings) error {
				switch applied.Add(1) {
				case 1:
					select {
					case <-second:
					case <-time.After(overlapWait):
					}
				case 2:
					close(second)
				}
				return belfry.PlanCallingName(ps, name, at(100+i))
			})
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case belfry.ErrorKind(err) == belfry.BadRequest:
		default:
			t.Errorf("a concurrent change = %v, want success or BadRequest", err)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d concurrent changes of the calling name succeeded, want 1: %v", won, n, errs)
	}
}

// globalSettingsChanges set an AWS account's CDR bucket and calling name.
func globalSettingsChanges(s belfry.Store) []auditedChange {
	bucket := "cdr-records"
	return []auditedChange{
		{"UpdateGlobalSettings", func(ctx context.Context) error {
			return s.UpdateGlobalSettings(ctx, awsAccount(1), belfry.GlobalSettingsUpdate{BusinessCallingCDRBucket: &bucket})
		}},
		{"UpdatePhoneNumberSettings", func(ctx context.Context) error {
			return s.UpdatePhoneNumberSettings(ctx, awsAccount(1), func(ps *belfry.PhoneNumberSettings) error {
				return belfry.PlanCallingName(ps, "Example Corp", at(50))
			})
		}},
	}
}
