package belfry_test

import (
	"testing"
	"time"

	"github.com/belfryhq/belfry"
)

func TestPlanCallingName(t *testing.T) {
	set := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	named := belfry.PhoneNumberSettings{CallingName: "Example Corp", CallingNameUpdated: set}
	for _, tt := range []struct {
		name     string
		have     belfry.PhoneNumberSettings
		callName string
		now      time.Time
		want     belfry.PhoneNumberSettings
		wantKind belfry.Kind
	}{
		{"first setting", belfry.PhoneNumberSettings{}, "Example Corp", set, named, 0},
		{"first setting, empty", belfry.PhoneNumberSettings{}, "", set, belfry.PhoneNumberSettings{CallingNameUpdated: set}, 0},
		{"same name again, at once", named, "Example Corp", set.Add(time.Minute), named, 0},
		{"another name a day later", named, "Other", set.Add(24 * time.Hour), named, belfry.BadRequest},
		{"cleared a second before 7 days", named, "", set.Add(belfry.CallingNameChangeInterval - time.Second), named, belfry.BadRequest},
		{"another name after 7 days", named, "Other", set.Add(belfry.CallingNameChangeInterval),
			belfry.PhoneNumberSettings{CallingName: "Other", CallingNameUpdated: set.Add(belfry.CallingNameChangeInterval)}, 0},
		{"one character", belfry.PhoneNumberSettings{}, "A", set, belfry.PhoneNumberSettings{}, belfry.BadRequest},
		{"16 characters", belfry.PhoneNumberSettings{}, "ABCDEFGHIJKLMNOP", set, belfry.PhoneNumberSettings{}, belfry.BadRequest},
		{"punctuation", belfry.PhoneNumberSettings{}, "Ops & Co", set, belfry.PhoneNumberSettings{}, belfry.BadRequest},
		{"markup", belfry.PhoneNumberSettings{}, "<b>Ops</b>", set, belfry.PhoneNumberSettings{}, belfry.BadRequest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ps := tt.have
			err := belfry.PlanCallingName(&ps, tt.callName, tt.now)
			if tt.wantKind == 0 && err != nil {
				t.Fatalf("PlanCallingName() = %v, want success", err)
			}
			if tt.wantKind != 0 && belfry.ErrorKind(err) != tt.wantKind {
				t.Fatalf("PlanCallingName() = %v, want kind %v", err, tt.wantKind)
			}
			if ps != tt.want {
				t.Errorf("settings after = %+v, want %+v", ps, tt.want)
			}
		})
	}
}
