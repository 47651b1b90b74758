-- 0001_init: the tables of the first release, as sqlite/migrations/0001_init.sql
-- has them, in PostgreSQL's dialect.
--
-- Times are timestamptz (microseconds, as SQLite's unix microseconds; NULL where
-- a time is unset). Every listed resource has a seq from an identity column, on
-- which pages are cut: WHERE ... AND seq > $n ORDER BY seq LIMIT $m. Constraints
-- are named, because postgres/error.go tells by the name what a broken one means.
-- Lists are text[] where SQLite keeps comma-separated or JSON text.

CREATE TABLE accounts (
	seq                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id                     text NOT NULL CONSTRAINT accounts_id UNIQUE,
	aws_account_id         text NOT NULL,
	name                   text NOT NULL,
	type                   text NOT NULL,
	created                timestamptz NOT NULL,
	default_license        text NOT NULL,
	supported_licenses     text[] NOT NULL DEFAULT '{}',
	status                 text NOT NULL,
	signin_delegate_groups text[] NOT NULL DEFAULT '{}',
	deleted_at             timestamptz -- set by DeleteAccount; the row is kept 90 days
);
CREATE INDEX accounts_aws_account ON accounts (aws_account_id, seq);

-- A domain belongs to at most one account of the installation.
CREATE TABLE domains (
	domain     text CONSTRAINT domains_domain PRIMARY KEY, -- lower-case punycode (belfry.NormalizeDomain)
	account_id text NOT NULL REFERENCES accounts (id)
);
CREATE INDEX domains_account ON domains (account_id, domain);

CREATE TABLE users (
	seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id            text NOT NULL CONSTRAINT users_id UNIQUE,
	account_id    text NOT NULL REFERENCES accounts (id),
	email         text NOT NULL, -- as given
	email_key     text NOT NULL, -- belfry.EmailKey(email): what is compared
	display_name  text NOT NULL DEFAULT '',
	license       text NOT NULL,
	type          text NOT NULL,
	registration  text NOT NULL,
	invitation    text NOT NULL DEFAULT '',
	registered_on timestamptz,
	invited_on    timestamptz,
	personal_pin  text, -- NULL when the user has none; NULLs never clash
	phone_number  text NOT NULL DEFAULT '',
	CONSTRAINT users_email UNIQUE (account_id, email_key),
	CONSTRAINT users_personal_pin UNIQUE (personal_pin)
);
CREATE INDEX users_account_seq ON users (account_id, seq);

CREATE TABLE invites (
	id           text CONSTRAINT invites_id PRIMARY KEY,
	account_id   text NOT NULL REFERENCES accounts (id),
	user_id      text NOT NULL REFERENCES users (id),
	email        text NOT NULL,
	status       text NOT NULL,
	email_status text NOT NULL,
	created      timestamptz NOT NULL
);
CREATE INDEX invites_user ON invites (user_id);

CREATE TABLE rooms (
	seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id           text NOT NULL CONSTRAINT rooms_id UNIQUE,
	account_id   text NOT NULL REFERENCES accounts (id),
	name         text NOT NULL,
	created_by   text NOT NULL DEFAULT '',
	created      timestamptz NOT NULL,
	updated      timestamptz NOT NULL,
	client_token text NOT NULL DEFAULT '' -- '' when CreateRoom had none
);
CREATE INDEX rooms_account_seq ON rooms (account_id, seq);
CREATE UNIQUE INDEX rooms_client_token ON rooms (account_id, client_token) WHERE client_token <> '';

-- member_id names a user today and a bot later, so it has no foreign key; the
-- store looks it up in one place and belfry.PlanMembership decides.
CREATE TABLE memberships (
	seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	room_id     text NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
	member_id   text NOT NULL,
	member_type text NOT NULL,
	role        text NOT NULL,
	invited_by  text NOT NULL DEFAULT '',
	updated     timestamptz NOT NULL,
	CONSTRAINT memberships_room_member UNIQUE (room_id, member_id)
);
CREATE INDEX memberships_room_seq ON memberships (room_id, seq);
CREATE INDEX memberships_member ON memberships (member_id, room_id);

-- seq orders keys created in the same microsecond, as SQLite's rowid does.
CREATE TABLE access_keys (
	seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id             text NOT NULL CONSTRAINT access_keys_id UNIQUE,
	secret         text NOT NULL,
	aws_account_id text NOT NULL,
	name           text NOT NULL,
	created        timestamptz NOT NULL,
	revoked        timestamptz -- NULL while the key is live
);
