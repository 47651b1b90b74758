package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/storeerr"
)

const (
	// updateAccountSettingsQuery changes the settings given (?2, ?3) and
	// keeps those passed as NULL, in one statement, so that two partial
	// updates at once both take effect.
	updateAccountSettingsQuery = `INSERT INTO account_settings (account_id, disable_remote_control, enable_dial_out)
		VALUES (?1, coalesce(?2, 0), coalesce(?3, 0))
		ON CONFLICT (account_id) DO UPDATE SET disable_remote_control = coalesce(?2, disable_remote_control),
			enable_dial_out = coalesce(?3, enable_dial_out)`
	putRetentionQuery = `INSERT INTO retention_settings (account_id, room_days, conversation_days, initiate_deletion)
		VALUES (?1, ?2, ?3, ?4)
		ON CONFLICT (account_id) DO UPDATE SET room_days = ?2, conversation_days = ?3, initiate_deletion = ?4`
	// userSettingsQuery finds the user first, so that a user without
	// settings reads as all off and an unknown user as no row.
	userSettingsQuery = `SELECT coalesce(s.inbound_calling, 0), coalesce(s.outbound_calling, 0), coalesce(s.sms, 0)
		FROM users u LEFT JOIN user_settings s ON s.user_id = u.id WHERE u.id = ? AND u.account_id = ?`
	putUserSettingsQuery = `INSERT INTO user_settings (user_id, inbound_calling, outbound_calling, sms)
		SELECT id, ?3, ?4, ?5 FROM users WHERE id = ?1 AND account_id = ?2
		ON CONFLICT (user_id) DO UPDATE SET inbound_calling = ?3, outbound_calling = ?4, sms = ?5`
)

// AccountSettings returns the account's settings, all false when unset.
func (s *Store) AccountSettings(ctx context.Context, accountID string) (*belfry.AccountSettings, error) {
	as := new(belfry.AccountSettings)
	err := s.r.QueryRowContext(ctx, `SELECT disable_remote_control, enable_dial_out FROM account_settings
		WHERE account_id = ?`, accountID).Scan(&as.DisableRemoteControl, &as.EnableDialOut)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, internal(err)
	}
	return as, nil
}

// UpdateAccountSettings changes the settings u sets.
func (s *Store) UpdateAccountSettings(ctx context.Context, accountID string, u belfry.AccountSettingsUpdate) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, updateAccountSettingsQuery, accountID, orNull(u.DisableRemoteControl),
			orNull(u.EnableDialOut))
		if constraint(err) == storeerr.ForeignKey {
			return belfry.Errorf(belfry.NotFound, "account %s not found", accountID)
		}
		return internal(err)
	})
}

// RetentionSettings returns the account's retention settings, zero when
// none were put.
func (s *Store) RetentionSettings(ctx context.Context, accountID string) (*belfry.RetentionSettings, error) {
	r := new(belfry.RetentionSettings)
	err := s.r.QueryRowContext(ctx, `SELECT room_days, conversation_days, initiate_deletion FROM retention_settings
		WHERE account_id = ?`, accountID).Scan(&r.RoomDays, &r.ConversationDays, timeCol{&r.InitiateDeletion})
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, internal(err)
	}
	return r, nil
}

// PutRetentionSettings replaces the account's retention settings.
func (s *Store) PutRetentionSettings(ctx context.Context, accountID string, r *belfry.RetentionSettings) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, putRetentionQuery, accountID, r.RoomDays, r.ConversationDays,
			micros(r.InitiateDeletion))
		if constraint(err) == storeerr.ForeignKey {
			return belfry.Errorf(belfry.NotFound, "account %s not found", accountID)
		}
		return internal(err)
	})
}

// UserSettings returns the settings of a user of the account.
func (s *Store) UserSettings(ctx context.Context, accountID, userID string) (*belfry.UserSettings, error) {
	us := new(belfry.UserSettings)
	t := &us.Telephony
	err := s.r.QueryRowContext(ctx, userSettingsQuery, userID, accountID).Scan(&t.InboundCalling, &t.OutboundCalling, &t.SMS)
	if err != nil {
		return nil, notFound(err, "user %s not found in account %s", userID, accountID)
	}
	return us, nil
}

// PutUserSettings replaces the settings of a user of the account.
func (s *Store) PutUserSettings(ctx context.Context, accountID, userID string, us *belfry.UserSettings) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		t := us.Telephony
		res, err := tx.ExecContext(ctx, putUserSettingsQuery, userID, accountID, t.InboundCalling, t.OutboundCalling, t.SMS)
		return affected(res, err, "user %s not found in account %s", userID, accountID)
	})
}
