-- 0003_lifecycle: the account and user lifecycle (issue 4), as
-- sqlite/migrations/0003_lifecycle.sql has it: page sessions and Alexa for
-- Business metadata of users, account, user and retention settings, and the
-- audit log.

-- sessions_revoked: LogoutUser's time; sessions issued at or before it are
-- over. NULL while the user was never signed out.
ALTER TABLE users ADD COLUMN sessions_revoked timestamptz;
ALTER TABLE users ADD COLUMN alexa_enabled boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN alexa_room_arn text NOT NULL DEFAULT '';

-- The purge looks for accounts deleted long enough ago.
CREATE INDEX accounts_deleted ON accounts (deleted_at) WHERE deleted_at IS NOT NULL;

-- Settings rows exist once set; until then every setting is off.
CREATE TABLE account_settings (
	account_id             text PRIMARY KEY REFERENCES accounts (id),
	disable_remote_control boolean NOT NULL DEFAULT false,
	enable_dial_out        boolean NOT NULL DEFAULT false
);

CREATE TABLE retention_settings (
	account_id        text PRIMARY KEY REFERENCES accounts (id),
	room_days         integer NOT NULL DEFAULT 0, -- 0: no policy
	conversation_days integer NOT NULL DEFAULT 0,
	initiate_deletion timestamptz                 -- NULL while no policy is on
);

CREATE TABLE user_settings (
	user_id          text PRIMARY KEY REFERENCES users (id),
	inbound_calling  boolean NOT NULL,
	outbound_calling boolean NOT NULL,
	sms              boolean NOT NULL
);

-- The audit log has no foreign keys: it outlives what it names, purged
-- accounts included. "time" is quoted in queries, where it is a keyword.
CREATE TABLE audit_events (
	seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	"time"         timestamptz NOT NULL,
	aws_account_id text NOT NULL DEFAULT '',
	access_key_id  text NOT NULL DEFAULT '',
	caller_arn     text NOT NULL DEFAULT '',
	source_ip      text NOT NULL DEFAULT '',
	request_id     text NOT NULL DEFAULT '',
	operation      text NOT NULL,
	account_id     text NOT NULL DEFAULT '',
	resources      text[] NOT NULL DEFAULT '{}',
	summary        text NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_time ON audit_events ("time", seq);
CREATE INDEX audit_events_account ON audit_events (account_id, seq);
