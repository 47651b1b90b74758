package postgres

import (
	"context"

	"github.com/belfryhq/belfry"
	"github.com/jackc/pgx/v5"
)

// PutEventsConfiguration stores c in place of the bot's configuration, in
// the transaction that finds the bot and locks its row.
func (s *Store) PutEventsConfiguration(ctx context.Context, accountID string, c *belfry.EventsConfiguration) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		if err := lockBot(ctx, tx, accountID, c.BotID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO bot_events (bot_id, outbound_events_https_endpoint, lambda_function_arn)
			VALUES ($1, $2, $3) ON CONFLICT (bot_id) DO UPDATE SET outbound_events_https_endpoint = $2, lambda_function_arn = $3`,
			c.BotID, nullable(c.OutboundEventsHTTPSEndpoint), nullable(c.LambdaFunctionArn))
		return internal(err)
	})
}

// EventsConfiguration returns the bot's configuration; a bot without one
// and no bot at all are both NotFound, in their own words.
func (s *Store) EventsConfiguration(ctx context.Context, accountID, botID string) (*belfry.EventsConfiguration, error) {
	var endpoint, arn *string
	var configured bool
	err := s.pool.QueryRow(ctx, `SELECT e.bot_id IS NOT NULL, e.outbound_events_https_endpoint, e.lambda_function_arn
		FROM bots b LEFT JOIN bot_events e ON e.bot_id = b.id WHERE b.id = $1 AND b.account_id = $2`,
		botID, accountID).Scan(&configured, &endpoint, &arn)
	if err != nil {
		return nil, notFound(err, "bot %s not found in account %s", botID, accountID)
	}
	if !configured {
		return nil, belfry.Errorf(belfry.NotFound, "bot %s has no events configuration", botID)
	}
	c := &belfry.EventsConfiguration{BotID: botID}
	if endpoint != nil {
		c.OutboundEventsHTTPSEndpoint = *endpoint
	}
	if arn != nil {
		c.LambdaFunctionArn = *arn
	}
	return c, nil
}

// DeleteEventsConfiguration removes the bot's configuration, if it has one.
func (s *Store) DeleteEventsConfiguration(ctx context.Context, accountID, botID string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		if err := lockBot(ctx, tx, accountID, botID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM bot_events WHERE bot_id = $1`, botID)
		return internal(err)
	})
}

// lockBot locks bot botID of account accountID, the way a membership
// change does, so that a configuration is not removed under a bot being
// added to a room; NotFound when there is no such bot.
func lockBot(ctx context.Context, tx pgx.Tx, accountID, botID string) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM bots WHERE id = $1 AND account_id = $2 FOR NO KEY UPDATE`, botID, accountID).Scan(&one)
	return notFound(err, "bot %s not found in account %s", botID, accountID)
}
