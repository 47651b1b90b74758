-- 0003_lifecycle: the account and user lifecycle (issue 4): page sessions and
-- Alexa for Business metadata of users, account, user and retention
-- settings, and the audit log.

-- sessions_revoked: LogoutUser's time; sessions issued at or before it are
-- over. NULL while the user was never signed out.
ALTER TABLE users ADD COLUMN sessions_revoked INTEGER;
ALTER TABLE users ADD COLUMN alexa_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN alexa_room_arn TEXT NOT NULL DEFAULT '';

-- The purge looks for accounts deleted long enough ago.
CREATE INDEX accounts_deleted ON accounts (deleted_at) WHERE deleted_at IS NOT NULL;

-- Settings rows exist once set; until then every setting is off.
CREATE TABLE account_settings (
	account_id             TEXT PRIMARY KEY REFERENCES accounts (id),
	disable_remote_control INTEGER NOT NULL DEFAULT 0,
	enable_dial_out        INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE retention_settings (
	account_id        TEXT PRIMARY KEY REFERENCES accounts (id),
	room_days         INTEGER NOT NULL DEFAULT 0, -- 0: no policy
	conversation_days INTEGER NOT NULL DEFAULT 0,
	initiate_deletion INTEGER                     -- NULL while no policy is on
);

CREATE TABLE user_settings (
	user_id          TEXT PRIMARY KEY REFERENCES users (id),
	inbound_calling  INTEGER NOT NULL,
	outbound_calling INTEGER NOT NULL,
	sms              INTEGER NOT NULL
);

-- The audit log has no foreign keys: it outlives what it names, purged
-- accounts included. It is written with every change and read only by an
-- operator's export, so it has no index beyond its rowid, which costs each
-- write nothing more; exports scan it in seq order. Rows are never deleted,
-- so seq only grows without AUTOINCREMENT's bookkeeping.
CREATE TABLE audit_events (
	seq            INTEGER PRIMARY KEY,
	time           INTEGER NOT NULL,
	aws_account_id TEXT NOT NULL DEFAULT '',
	access_key_id  TEXT NOT NULL DEFAULT '',
	caller_arn     TEXT NOT NULL DEFAULT '',
	source_ip      TEXT NOT NULL DEFAULT '',
	request_id     TEXT NOT NULL DEFAULT '',
	operation      TEXT NOT NULL,
	account_id     TEXT NOT NULL DEFAULT '',
	resources      TEXT NOT NULL DEFAULT '', -- JSON array, '' for none
	summary        TEXT NOT NULL DEFAULT ''
);
