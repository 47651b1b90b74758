-- 0011_bot_deliveries: the delivery log of bot events (issue 10).
--
-- Each attempt at delivering a bot event (a job of kind 'botevent') is
-- written with the job's outcome, in its transaction: which event, of what
-- type, for which bot and room, the attempt's number, when, the endpoint's
-- HTTP status (0 when none came back) or what went wrong, and how long it
-- took. Operators read it with `belfry bots deliveries`; it is pruned with
-- old jobs and purged with its account.

CREATE TABLE bot_deliveries (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	event_id    TEXT NOT NULL,
	account_id  TEXT NOT NULL,
	bot_id      TEXT NOT NULL,
	room_id     TEXT NOT NULL,
	event_type  TEXT NOT NULL,
	attempt     INTEGER NOT NULL,
	at          INTEGER NOT NULL,
	status      INTEGER NOT NULL DEFAULT 0,
	error       TEXT NOT NULL DEFAULT '',
	duration_us INTEGER NOT NULL DEFAULT 0
);
-- A bot's log, in the order it was written.
CREATE INDEX bot_deliveries_bot ON bot_deliveries (account_id, bot_id, seq);
-- Pruning, oldest first.
CREATE INDEX bot_deliveries_at ON bot_deliveries (at);
