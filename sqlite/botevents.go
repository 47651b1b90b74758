package sqlite

import (
	"context"
	"database/sql"

	"github.com/belfryhq/belfry"
)

// PutEventsConfiguration stores c in place of the bot's configuration, in
// the transaction that finds the bot.
func (s *Store) PutEventsConfiguration(ctx context.Context, accountID string, c *belfry.EventsConfiguration) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := botOf(ctx, tx, accountID, c.BotID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO bot_events (bot_id, outbound_events_https_endpoint, lambda_function_arn)
			VALUES (?1, ?2, ?3) ON CONFLICT (bot_id) DO UPDATE SET outbound_events_https_endpoint = ?2, lambda_function_arn = ?3`,
			c.BotID, nullable(c.OutboundEventsHTTPSEndpoint), nullable(c.LambdaFunctionArn))
		return internal(err)
	})
}

// EventsConfiguration returns the bot's configuration; a bot without one
// and no bot at all are both NotFound, in their own words.
func (s *Store) EventsConfiguration(ctx context.Context, accountID, botID string) (*belfry.EventsConfiguration, error) {
	var endpoint, arn sql.NullString
	var configured bool
	err := s.r.QueryRowContext(ctx, `SELECT e.bot_id IS NOT NULL, e.outbound_events_https_endpoint, e.lambda_function_arn
		FROM bots b LEFT JOIN bot_events e ON e.bot_id = b.id WHERE b.id = ? AND b.account_id = ?`,
		botID, accountID).Scan(&configured, &endpoint, &arn)
	if err != nil {
		return nil, notFound(err, "bot %s not found in account %s", botID, accountID)
	}
	if !configured {
		return nil, belfry.Errorf(belfry.NotFound, "bot %s has no events configuration", botID)
	}
	return &belfry.EventsConfiguration{BotID: botID, OutboundEventsHTTPSEndpoint: endpoint.String, LambdaFunctionArn: arn.String}, nil
}

// DeleteEventsConfiguration removes the bot's configuration, if it has one.
func (s *Store) DeleteEventsConfiguration(ctx context.Context, accountID, botID string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := botOf(ctx, tx, accountID, botID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM bot_events WHERE bot_id = ?`, botID)
		return internal(err)
	})
}

// botOf answers NotFound unless account accountID has bot botID.
func botOf(ctx context.Context, tx *sql.Tx, accountID, botID string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM bots WHERE id = ? AND account_id = ?`, botID, accountID).Scan(&one)
	return notFound(err, "bot %s not found in account %s", botID, accountID)
}
