package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/belfryhq/belfry"
)

const (
	// updateGlobalSettingsQuery changes the buckets given (?2, ?3) and
	// keeps those passed as NULL, in one statement.
	updateGlobalSettingsQuery = `INSERT INTO global_settings
		(aws_account_id, business_calling_cdr_bucket, voice_connector_cdr_bucket)
		VALUES (?1, coalesce(?2, ''), coalesce(?3, ''))
		ON CONFLICT (aws_account_id) DO UPDATE SET
			business_calling_cdr_bucket = coalesce(?2, business_calling_cdr_bucket),
			voice_connector_cdr_bucket = coalesce(?3, voice_connector_cdr_bucket)`
	phoneNumberSettingsQuery = `SELECT calling_name, calling_name_updated FROM phone_number_settings
		WHERE aws_account_id = ?`
	putPhoneNumberSettingsQuery = `INSERT INTO phone_number_settings (aws_account_id, calling_name, calling_name_updated)
		VALUES (?1, ?2, ?3)
		ON CONFLICT (aws_account_id) DO UPDATE SET calling_name = ?2, calling_name_updated = ?3`
)

// GlobalSettings returns the AWS account's global settings, empty when
// none were set.
func (s *Store) GlobalSettings(ctx context.Context, awsAccountID string) (*belfry.GlobalSettings, error) {
	g := new(belfry.GlobalSettings)
	err := s.r.QueryRowContext(ctx, `SELECT business_calling_cdr_bucket, voice_connector_cdr_bucket
		FROM global_settings WHERE aws_account_id = ?`, awsAccountID).Scan(&g.BusinessCallingCDRBucket, &g.VoiceConnectorCDRBucket)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, internal(err)
	}
	return g, nil
}

// UpdateGlobalSettings changes the buckets u sets.
func (s *Store) UpdateGlobalSettings(ctx context.Context, awsAccountID string, u belfry.GlobalSettingsUpdate) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, updateGlobalSettingsQuery, awsAccountID, orNull(u.BusinessCallingCDRBucket),
			orNull(u.VoiceConnectorCDRBucket))
		return internal(err)
	})
}

// PhoneNumberSettings returns the AWS account's phone-number settings,
// zero when none were set.
func (s *Store) PhoneNumberSettings(ctx context.Context, awsAccountID string) (*belfry.PhoneNumberSettings, error) {
	return scanPhoneNumberSettings(s.r.QueryRowContext(ctx, phoneNumberSettingsQuery, awsAccountID))
}

func scanPhoneNumberSettings(row *sql.Row) (*belfry.PhoneNumberSettings, error) {
	ps := new(belfry.PhoneNumberSettings)
	err := row.Scan(&ps.CallingName, timeCol{&ps.CallingNameUpdated})
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, internal(err)
	}
	return ps, nil
}

// UpdatePhoneNumberSettings lets apply change the AWS account's
// phone-number settings. The store's one writer runs one write at a time,
// so nothing changes them between the read and the write.
func (s *Store) UpdatePhoneNumberSettings(ctx context.Context, awsAccountID string, apply func(*belfry.PhoneNumberSettings) error) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		ps, err := scanPhoneNumberSettings(tx.QueryRowContext(ctx, phoneNumberSettingsQuery, awsAccountID))
		if err != nil {
			return err
		}
		if err := apply(ps); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, putPhoneNumberSettingsQuery, awsAccountID, ps.CallingName, micros(ps.CallingNameUpdated))
		return internal(err)
	})
}

// orNull is *p as a column value, NULL when p is nil: a setting that an
// update leaves as it is.
func orNull[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
