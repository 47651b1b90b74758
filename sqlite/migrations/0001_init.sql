-- 0001_init: the tables of the first release.
--
-- Times are INTEGER unix microseconds in UTC (NULL where a time is unset), the
-- precision PostgreSQL's timestamptz keeps, so that both stores answer alike.
-- Every listed resource has a seq that only grows (AUTOINCREMENT never reuses a
-- number), on which pages are cut: WHERE ... AND seq > ? ORDER BY seq LIMIT ?.

CREATE TABLE accounts (
	seq                    INTEGER PRIMARY KEY AUTOINCREMENT,
	id                     TEXT NOT NULL UNIQUE,
	aws_account_id         TEXT NOT NULL,
	name                   TEXT NOT NULL,
	type                   TEXT NOT NULL,
	created                INTEGER NOT NULL,
	default_license        TEXT NOT NULL,
	supported_licenses     TEXT NOT NULL DEFAULT '', -- comma-separated License values
	status                 TEXT NOT NULL,
	signin_delegate_groups TEXT NOT NULL DEFAULT '', -- JSON array of group names, '' for none
	deleted_at             INTEGER                   -- set by DeleteAccount; the row is kept 90 days
);
CREATE INDEX accounts_aws_account ON accounts (aws_account_id, seq);

-- A domain belongs to at most one account of the installation.
CREATE TABLE domains (
	domain     TEXT PRIMARY KEY, -- lower-case punycode (belfry.NormalizeDomain)
	account_id TEXT NOT NULL REFERENCES accounts (id)
);
CREATE INDEX domains_account ON domains (account_id, domain);

CREATE TABLE users (
	seq           INTEGER PRIMARY KEY AUTOINCREMENT,
	id            TEXT NOT NULL UNIQUE,
	account_id    TEXT NOT NULL REFERENCES accounts (id),
	email         TEXT NOT NULL, -- as given
	email_key     TEXT NOT NULL, -- belfry.EmailKey(email): what is compared
	display_name  TEXT NOT NULL DEFAULT '',
	license       TEXT NOT NULL,
	type          TEXT NOT NULL,
	registration  TEXT NOT NULL,
	invitation    TEXT NOT NULL DEFAULT '',
	registered_on INTEGER,
	invited_on    INTEGER,
	personal_pin  TEXT, -- NULL when the user has none
	phone_number  TEXT NOT NULL DEFAULT '',
	UNIQUE (account_id, email_key)
);
CREATE UNIQUE INDEX users_personal_pin ON users (personal_pin) WHERE personal_pin IS NOT NULL;
CREATE INDEX users_account_seq ON users (account_id, seq);

CREATE TABLE invites (
	id           TEXT PRIMARY KEY,
	account_id   TEXT NOT NULL REFERENCES accounts (id),
	user_id      TEXT NOT NULL REFERENCES users (id),
	email        TEXT NOT NULL,
	status       TEXT NOT NULL,
	email_status TEXT NOT NULL,
	created      INTEGER NOT NULL
);
CREATE INDEX invites_user ON invites (user_id);

CREATE TABLE rooms (
	seq          INTEGER PRIMARY KEY AUTOINCREMENT,
	id           TEXT NOT NULL UNIQUE,
	account_id   TEXT NOT NULL REFERENCES accounts (id),
	name         TEXT NOT NULL,
	created_by   TEXT NOT NULL DEFAULT '',
	created      INTEGER NOT NULL,
	updated      INTEGER NOT NULL,
	client_token TEXT NOT NULL DEFAULT '' -- '' when CreateRoom had none
);
CREATE INDEX rooms_account_seq ON rooms (account_id, seq);
CREATE UNIQUE INDEX rooms_client_token ON rooms (account_id, client_token) WHERE client_token <> '';

-- member_id names a user today and a bot later, so it has no foreign key; the
-- store looks it up in one place and belfry.PlanMembership decides.
CREATE TABLE memberships (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	room_id     TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
	member_id   TEXT NOT NULL,
	member_type TEXT NOT NULL,
	role        TEXT NOT NULL,
	invited_by  TEXT NOT NULL DEFAULT '',
	updated     INTEGER NOT NULL,
	UNIQUE (room_id, member_id)
);
CREATE INDEX memberships_room_seq ON memberships (room_id, seq);
CREATE INDEX memberships_member ON memberships (member_id, room_id);

CREATE TABLE access_keys (
	id             TEXT PRIMARY KEY,
	secret         TEXT NOT NULL,
	aws_account_id TEXT NOT NULL,
	name           TEXT NOT NULL,
	created        INTEGER NOT NULL,
	revoked        INTEGER -- NULL while the key is live
);
