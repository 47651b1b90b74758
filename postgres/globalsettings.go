package postgres

import (
	"context"
	"errors"

	"github.com/belfryhq/belfry"
	"github.com/jackc/pgx/v5"
)

const (
	// updateGlobalSettingsQuery changes the buckets given ($2, $3) and
	// keeps those passed as NULL, in one statement, so that two partial
	// updates at once, on two replicas, both take effect.
	updateGlobalSettingsQuery = `INSERT INTO global_settings
		(aws_account_id, business_calling_cdr_bucket, voice_connector_cdr_bucket)
		VALUES ($1, coalesce($2::text, ''), coalesce($3::text, ''))
		ON CONFLICT (aws_account_id) DO UPDATE SET
			business_calling_cdr_bucket = coalesce($2::text, global_settings.business_calling_cdr_bucket),
			voice_connector_cdr_bucket = coalesce($3::text, global_settings.voice_connector_cdr_bucket)`
	// lockPhoneNumberSettingsQuery makes the changes of an AWS account's
	// phone-number settings take turns, the first one too, before which
	// there is no row to lock.
	lockPhoneNumberSettingsQuery = `SELECT pg_advisory_xact_lock(hashtextextended('phone_number_settings ' || $1, 0))`
	phoneNumberSettingsQuery     = `SELECT calling_name, calling_name_updated FROM phone_number_settings
		WHERE aws_account_id = $1`
	putPhoneNumberSettingsQuery = `INSERT INTO phone_number_settings (aws_account_id, calling_name, calling_name_updated)
		VALUES ($1, $2, $3)
		ON CONFLICT (aws_account_id) DO UPDATE SET calling_name = $2, calling_name_updated = $3`
)

// GlobalSettings returns the AWS account's global settings, empty when
// none were set.
func (s *Store) GlobalSettings(ctx context.Context, awsAccountID string) (*belfry.GlobalSettings, error) {
	g := new(belfry.GlobalSettings)
	err := s.pool.QueryRow(ctx, `SELECT business_calling_cdr_bucket, voice_connector_cdr_bucket
		FROM global_settings WHERE aws_account_id = $1`, awsAccountID).Scan(&g.BusinessCallingCDRBucket, &g.VoiceConnectorCDRBucket)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, internal(err)
	}
	return g, nil
}

// UpdateGlobalSettings changes the buckets u sets.
func (s *Store) UpdateGlobalSettings(ctx context.Context, awsAccountID string, u belfry.GlobalSettingsUpdate) error {
	args := []any{awsAccountID, u.BusinessCallingCDRBucket, u.VoiceConnectorCDRBucket}
	return s.change(ctx, updateGlobalSettingsQuery, args, execOnly)
}

// PhoneNumberSettings returns the AWS account's phone-number settings,
// zero when none were set.
func (s *Store) PhoneNumberSettings(ctx context.Context, awsAccountID string) (*belfry.PhoneNumberSettings, error) {
	return scanPhoneNumberSettings(s.pool.QueryRow(ctx, phoneNumberSettingsQuery, awsAccountID))
}

func scanPhoneNumberSettings(row pgx.Row) (*belfry.PhoneNumberSettings, error) {
	ps := new(belfry.PhoneNumberSettings)
	err := row.Scan(&ps.CallingName, timeCol{&ps.CallingNameUpdated})
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, internal(err)
	}
	return ps, nil
}

// UpdatePhoneNumberSettings lets apply change the AWS account's
// phone-number settings, under an advisory lock that makes two changes on
// two replicas take turns, so that the second sees when the first changed
// the calling name.
func (s *Store) UpdatePhoneNumberSettings(ctx context.Context, awsAccountID string, apply func(*belfry.PhoneNumberSettings) error) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, lockPhoneNumberSettingsQuery, awsAccountID); err != nil {
			return internal(err)
		}
		ps, err := scanPhoneNumberSettings(tx.QueryRow(ctx, phoneNumberSettingsQuery, awsAccountID))
		if err != nil {
			return err
		}
		if err := apply(ps); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, putPhoneNumberSettingsQuery, awsAccountID, ps.CallingName, ts(ps.CallingNameUpdated))
		return internal(err)
	})
}
