-- 0002_invitations: accept links and the mail outbox.
--
-- An invite's link token is kept only as its SHA-256 (token_hash). The
-- e-mail that carries the link is written to mails in the same transaction as
-- the invite and delivered later by a worker; its body and link are scrubbed
-- once it is delivered or refused.

ALTER TABLE invites ADD COLUMN token_hash BLOB;
ALTER TABLE invites ADD COLUMN expires INTEGER;
ALTER TABLE invites ADD COLUMN accepted INTEGER;
CREATE UNIQUE INDEX invites_token ON invites (token_hash) WHERE token_hash IS NOT NULL;

CREATE TABLE mails (
	seq          INTEGER PRIMARY KEY AUTOINCREMENT,
	id           TEXT NOT NULL UNIQUE,
	invite_id    TEXT NOT NULL REFERENCES invites (id),
	account_id   TEXT NOT NULL REFERENCES accounts (id),
	to_addr      TEXT NOT NULL,
	reply_to     TEXT NOT NULL DEFAULT '',
	subject      TEXT NOT NULL,
	text_body    TEXT NOT NULL DEFAULT '',
	html_body    TEXT NOT NULL DEFAULT '',
	link         TEXT NOT NULL DEFAULT '',
	message_id   TEXT NOT NULL,
	status       TEXT NOT NULL,            -- Queued, Sent or Failed
	attempts     INTEGER NOT NULL DEFAULT 0,
	next_attempt INTEGER NOT NULL,
	last_error   TEXT NOT NULL DEFAULT '',
	lease_holder TEXT NOT NULL DEFAULT '', -- the worker that is sending it
	lease_until  INTEGER NOT NULL DEFAULT 0,
	created      INTEGER NOT NULL,
	sent         INTEGER,
	expires      INTEGER
);
-- The worker's queue: queued messages by when they are next due.
CREATE INDEX mails_due ON mails (next_attempt, seq) WHERE status = 'Queued';
CREATE INDEX mails_account ON mails (account_id, seq);
