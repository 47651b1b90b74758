-- 0010_bots: chat bots (issue 10, chime-behaviour.md §3.4).
--
-- A bot's id is also its user id, and rooms list it in memberships with
-- member_type 'Bot'. Bots are never deleted, only disabled; they go with
-- their account when it is purged. display_name is the name as Chime shows
-- it, " (Bot)" included.

CREATE TABLE bots (
	seq            INTEGER PRIMARY KEY AUTOINCREMENT,
	id             TEXT NOT NULL UNIQUE,
	account_id     TEXT NOT NULL REFERENCES accounts (id),
	display_name   TEXT NOT NULL,
	email          TEXT NOT NULL UNIQUE,
	security_token TEXT NOT NULL,
	disabled       INTEGER NOT NULL DEFAULT 0,
	created        INTEGER NOT NULL,
	updated        INTEGER NOT NULL
);
-- An account's bots, for ListBots and its limit of 10.
CREATE INDEX bots_account ON bots (account_id, seq);

-- A bot's events configuration: where its events go, by one of the two.
-- A bot without a row here cannot be added to a room.
CREATE TABLE bot_events (
	bot_id                         TEXT PRIMARY KEY REFERENCES bots (id),
	outbound_events_https_endpoint TEXT,
	lambda_function_arn            TEXT
);
