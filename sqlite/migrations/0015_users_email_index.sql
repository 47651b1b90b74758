-- 0015_users_email_index: one index on users' e-mail keys instead of two.
--
-- users had UNIQUE (account_id, email_key), for CreateUser and InviteUsers,
-- and, since 0009, an index on email_key alone, for sign-in requests. A new
-- user's key lands on a leaf page of each that no other user of its commit
-- shares, so each index cost a page written to the WAL per user (about a
-- third of CreateUser's WAL pages under load). UNIQUE (email_key,
-- account_id) serves both lookups, so the second index goes.
--
-- A UNIQUE constraint in a table's definition can only change by rebuilding
-- the table (the steps of SQLite's "Making Other Kinds Of Table Schema
-- Changes"); the migration runner turns foreign keys off around it, so that
-- dropping the old table neither fails nor cascades to signins. Every row
-- keeps its seq, and AUTOINCREMENT its high-water mark in sqlite_sequence,
-- so no seq is ever used again. Keep the column list in step with every
-- earlier migration that adds a column to users: TestMigrateUsersEmailIndex
-- fails if one is missed.

CREATE TABLE users_0015 (
	seq              INTEGER PRIMARY KEY AUTOINCREMENT,
	id               TEXT NOT NULL UNIQUE,
	account_id       TEXT NOT NULL REFERENCES accounts (id),
	email            TEXT NOT NULL, -- as given
	email_key        TEXT NOT NULL, -- belfry.EmailKey(email): what is compared
	display_name     TEXT NOT NULL DEFAULT '',
	license          TEXT NOT NULL,
	type             TEXT NOT NULL,
	registration     TEXT NOT NULL,
	invitation       TEXT NOT NULL DEFAULT '',
	registered_on    INTEGER,
	invited_on       INTEGER,
	personal_pin     TEXT, -- NULL when the user has none
	phone_number     TEXT NOT NULL DEFAULT '',
	sessions_revoked INTEGER,
	alexa_enabled    INTEGER NOT NULL DEFAULT 0,
	alexa_room_arn   TEXT NOT NULL DEFAULT '',
	UNIQUE (email_key, account_id)
);
INSERT INTO users_0015 (seq, id, account_id, email, email_key, display_name, license, type, registration,
	invitation, registered_on, invited_on, personal_pin, phone_number, sessions_revoked, alexa_enabled,
	alexa_room_arn)
SELECT seq, id, account_id, email, email_key, display_name, license, type, registration, invitation,
	registered_on, invited_on, personal_pin, phone_number, sessions_revoked, alexa_enabled, alexa_room_arn
FROM users;
UPDATE sqlite_sequence SET seq = (SELECT max(seq) FROM sqlite_sequence WHERE name IN ('users', 'users_0015'))
WHERE name = 'users_0015';
INSERT INTO sqlite_sequence (name, seq) SELECT 'users_0015', seq FROM sqlite_sequence
WHERE name = 'users' AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'users_0015');
DROP TABLE users;
ALTER TABLE users_0015 RENAME TO users;
CREATE UNIQUE INDEX users_personal_pin ON users (personal_pin) WHERE personal_pin IS NOT NULL;
CREATE INDEX users_account_seq ON users (account_id, seq);
