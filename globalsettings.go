package belfry

import (
	"context"
	"fmt"
	"regexp"
	"time"
)

// GlobalSettings are an AWS account's settings for all its Chime accounts
// (DECISIONS.md "Phone numbers"): the S3 buckets that would receive call
// detail records of Business Calling and of Voice Connector. Belfry makes no
// calls, so it writes no records there; it keeps the names for the scripts
// and tools that set and read them. An empty name means no bucket.
type GlobalSettings struct {
	BusinessCallingCDRBucket string
	VoiceConnectorCDRBucket  string
}

// GlobalSettingsUpdate is what UpdateGlobalSettings changes: a nil field
// keeps its bucket, as omitting BusinessCalling or VoiceConnector does on
// the wire; an empty one removes it.
type GlobalSettingsUpdate struct {
	BusinessCallingCDRBucket *string
	VoiceConnectorCDRBucket  *string
}

// PhoneNumberSettings are an AWS account's default outbound calling name,
// shown to those its numbers call, and when it was last changed; both are
// zero until it is first set.
type PhoneNumberSettings struct {
	CallingName        string
	CallingNameUpdated time.Time
}

// CallingNameChangeInterval is how often the default calling name may
// change: once per 7 days (chime-behaviour.md §3.6).
const CallingNameChangeInterval = 7 * 24 * time.Hour

// GlobalSettingsStore keeps the settings that belong to an AWS account
// rather than to one of its Chime accounts.
type GlobalSettingsStore interface {
	// GlobalSettings returns AWS account awsAccountID's global settings,
	// empty when none were set.
	GlobalSettings(ctx context.Context, awsAccountID string) (*GlobalSettings, error)
	// UpdateGlobalSettings changes the buckets u sets.
	UpdateGlobalSettings(ctx context.Context, awsAccountID string, u GlobalSettingsUpdate) error
	// PhoneNumberSettings returns AWS account awsAccountID's phone-number
	// settings, zero when none were set.
	PhoneNumberSettings(ctx context.Context, awsAccountID string) (*PhoneNumberSettings, error)
	// UpdatePhoneNumberSettings lets apply change AWS account
	// awsAccountID's phone-number settings, in one transaction that no
	// other change of them interleaves with, and stores them unless apply
	// returns an error, which it returns.
	UpdatePhoneNumberSettings(ctx context.Context, awsAccountID string, apply func(*PhoneNumberSettings) error) error
}

// cdrBucketPattern admits the names S3 gives buckets, the older names of
// us-east-1 (capitals, underscores, up to 255 characters) included, and
// nothing that is not a name, such as an s3:// URL or a path.
var cdrBucketPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$`)

// callingNamePattern is the model's CallingName: empty, or 2 to 15 ASCII
// letters, digits and spaces.
var callingNamePattern = regexp.MustCompile(`^$|^[a-zA-Z0-9 ]{2,15}$`)

// GetGlobalSettings returns the caller's AWS account's global settings.
func (s *Service) GetGlobalSettings(ctx context.Context) (*GlobalSettings, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.GlobalSettings(ctx, c.AwsAccountID)
}

// UpdateGlobalSettings changes the CDR buckets u sets for the caller's AWS
// account. The model says only that a bucket is a string; Belfry also
// refuses what cannot name an S3 bucket, so that a mistyped setting is
// found when it is made.
func (s *Service) UpdateGlobalSettings(ctx context.Context, u GlobalSettingsUpdate) error {
	c, err := callerOf(ctx)
	if err != nil {
		return err
	}
	for _, b := range []struct {
		field string
		name  *string
	}{{"BusinessCalling.CdrBucket", u.BusinessCallingCDRBucket}, {"VoiceConnector.CdrBucket", u.VoiceConnectorCDRBucket}} {
		if b.name != nil && *b.name != "" && !cdrBucketPattern.MatchString(*b.name) {
			return Errorf(BadRequest, "%s %q is not an S3 bucket name: give the bucket's name alone (3 to 255 "+
				"letters, digits, dots, hyphens and underscores, starting and ending with a letter or digit), "+
				"or an empty string for no bucket", b.field, *b.name)
		}
	}
	AuditNote(ctx, "", fmt.Sprintf("updated the global settings: %s", describeGlobalUpdate(u)), c.AwsAccountID)
	return s.Store.UpdateGlobalSettings(ctx, c.AwsAccountID, u)
}

func describeGlobalUpdate(u GlobalSettingsUpdate) string {
	bucket := func(p *string) string {
		switch {
		case p == nil:
			return "unchanged"
		case *p == "":
			return "none"
		}
		return *p
	}
	return fmt.Sprintf("Business Calling CDR bucket %s, Voice Connector CDR bucket %s",
		bucket(u.BusinessCallingCDRBucket), bucket(u.VoiceConnectorCDRBucket))
}

// GetPhoneNumberSettings returns the caller's AWS account's default calling
// name.
func (s *Service) GetPhoneNumberSettings(ctx context.Context) (*PhoneNumberSettings, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.PhoneNumberSettings(ctx, c.AwsAccountID)
}

// UpdatePhoneNumberSettings sets the caller's AWS account's default calling
// name, under PlanCallingName's rules.
func (s *Service) UpdatePhoneNumberSettings(ctx context.Context, callingName string) error {
	c, err := callerOf(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	AuditNote(ctx, "", fmt.Sprintf("set the default calling name to %q", callingName), c.AwsAccountID)
	return s.Store.UpdatePhoneNumberSettings(ctx, c.AwsAccountID, func(ps *PhoneNumberSettings) error {
		return PlanCallingName(ps, callingName, now)
	})
}

// CheckCallingName holds a calling name to the model's CallingName, for
// the default calling name and a number's alike. The model marks calling
// names sensitive: the error does not repeat it.
func CheckCallingName(name string) error {
	if !callingNamePattern.MatchString(name) {
		return Errorf(BadRequest, "CallingName is not a valid calling name: it must be empty or 2 to 15 "+
			"letters, digits and spaces")
	}
	return nil
}

// PlanCallingName sets ps's calling name to name at now. The default
// calling name may change once per CallingNameChangeInterval
// (chime-behaviour.md §3.6); the first setting is free. Setting the name it
// already has changes nothing and is no change, so that a retried request
// succeeds as the first did. The refusal is a BadRequest: the operation
// models neither Conflict nor a limit, and retrying would not help for days.
func PlanCallingName(ps *PhoneNumberSettings, name string, now time.Time) error {
	if err := CheckCallingName(name); err != nil {
		return err
	}
	if name == ps.CallingName && !ps.CallingNameUpdated.IsZero() {
		return nil
	}
	if next := ps.CallingNameUpdated.Add(CallingNameChangeInterval); !ps.CallingNameUpdated.IsZero() && now.Before(next) {
		return Errorf(BadRequest, "the default calling name may change once every 7 days: it was last changed at "+
			"%s, so it can change again from %s", ps.CallingNameUpdated.Format(time.RFC3339), next.Format(time.RFC3339))
	}
	ps.CallingName, ps.CallingNameUpdated = name, now
	return nil
}
